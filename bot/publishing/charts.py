"""Charts as PNG bytes (matplotlib, imported lazily: it takes a second to import)."""

from __future__ import annotations

import io

from bot.answering.answer import format_value
from bot.knowledge import Ward, WardFigure


def ward_chart_png(ward: Ward, figure: WardFigure) -> bytes:
    """A bar chart of an area's figure beside the comparisons the plan gives for it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [figure.area or ward.name, *figure.comparison.keys()]
    values = [figure.value, *figure.comparison.values()]
    colours = ["#1f5f99"] + ["#9aa5b1"] * (len(values) - 1)
    fig, ax = plt.subplots(figsize=(6, 3.6), dpi=110)
    try:
        bars = ax.bar(labels, values, color=colours)
        ax.bar_label(bars, labels=[format_value(v) for v in values], padding=3)
        ax.set_ylabel(figure.unit)
        ax.set_title(f"{figure.name.capitalize()}: {figure.area or ward.name}", fontsize=11)
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max(values) * 1.2)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)
