"""Pure helpers for fitting text into Telegram's limits (no Telegram import)."""

from __future__ import annotations

import html
import re

#: Telegram's limits, in characters of the visible text.
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes

_TAG = re.compile(r"<[^>]+>")


def visible_length(html_text: str) -> int:
    """Length Telegram counts for an HTML message: tags removed, entities unescaped."""
    return len(html.unescape(_TAG.sub("", html_text)))


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into chunks under ``limit`` visible characters.

    Splits at paragraph boundaries, then at lines, and only as a last resort inside a
    line (at a space). Our HTML keeps tags within one line, so line boundaries never cut
    a tag in two; a hard split of a single over-long line drops its tags to stay valid.
    """
    if visible_length(text) <= limit:
        return [text] if text.strip() else []
    chunks: list[str] = []
    current = ""
    for para in _pieces(text, limit):
        candidate = f"{current}\n\n{para}" if current else para
        if visible_length(candidate) <= limit:
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = para
    if current:
        chunks.append(current)
    return chunks


def _pieces(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for para in text.split("\n\n"):
        if visible_length(para) <= limit:
            out.append(para)
            continue
        for line in para.split("\n"):
            if visible_length(line) <= limit:
                out.append(line)
                continue
            # A single line longer than a message: cut at spaces, as plain escaped text.
            plain = html.unescape(_TAG.sub("", line))
            while plain:
                cut = plain.rfind(" ", 0, limit - 16)
                cut = cut if cut > 0 else limit - 16
                out.append(html.escape(plain[:cut], quote=False))
                plain = plain[cut:].lstrip()
    return out


def truncate_caption(html_text: str, limit: int = CAPTION_LIMIT) -> str:
    """A caption under ``limit``: whole lines while they fit, then an ellipsis."""
    if visible_length(html_text) <= limit:
        return html_text
    kept = ""
    for line in html_text.split("\n"):
        candidate = f"{kept}\n{line}" if kept else line
        if visible_length(candidate) > limit - 2:
            break
        kept = candidate
    return kept + "\n…"
