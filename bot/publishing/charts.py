"""Charts as PNG bytes (matplotlib, imported lazily: it takes a second to import).

Drawing a chart takes 60-80 ms of CPU, the first one about half a second more (the import):
done on the event loop, that stalls every chat's answers. :class:`ChartCache` draws off the
loop, in one worker thread (pyplot is not thread-safe), and keeps each ward's charts for as
long as the knowledge base they were drawn from is the one in use.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor

from bot.answering.answer import format_value
from bot.knowledge import KnowledgeBase, Ward, WardFigure

logger = logging.getLogger(__name__)

#: A ward's charts: each figure that has comparisons, with its PNG.
WardCharts = list[tuple[WardFigure, bytes]]


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


class ChartCache:
    """Ward charts drawn off the event loop, once per knowledge-base version.

    A reload that produces a new :class:`KnowledgeBase` empties the cache (its figures may
    have changed); a failed reload keeps the old one serving, and so its charts. Two
    requests for a ward being drawn share the one drawing.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
        self._kb: KnowledgeBase | None = None
        self._charts: dict[str, asyncio.Future[WardCharts]] = {}
        #: Charts drawn so far (to see the cache working).
        self.draws = 0

    async def ward_charts(self, kb: KnowledgeBase, ward_id: str) -> WardCharts:
        """The charts of ``ward_id`` in ``kb`` (none for an unknown ward or no figures)."""
        if kb is not self._kb:
            self._kb = kb
            self._charts = {}
        pending = self._charts.get(ward_id)
        if pending is None:
            ward = kb.wards.get(ward_id)
            if ward is None:
                return []
            pending = asyncio.ensure_future(self._draw(ward))
            self._charts[ward_id] = pending
        try:
            # Shielded: a reader giving up (its update cancelled) does not stop the drawing
            # others are waiting for.
            return await asyncio.shield(pending)
        except Exception:
            if self._charts.get(ward_id) is pending:
                del self._charts[ward_id]  # try again next time rather than keep a failure
            raise

    async def _draw(self, ward: Ward) -> WardCharts:
        loop = asyncio.get_running_loop()
        out: WardCharts = []
        for figure in ward.figures:
            if not figure.comparison:
                continue
            # Looked up at call time, so it is the module's current function.
            png = await loop.run_in_executor(self._executor, ward_chart_png, ward, figure)
            self.draws += 1
            out.append((figure, png))
        return out

    def close(self) -> None:
        """Stop the drawing thread (a drawing under way finishes on its own)."""
        self._executor.shutdown(wait=False, cancel_futures=True)
