"""Publishing the progress summary: immutable, numbered versions residents can read.

A coordinator's ``/publish 2024-25`` renders the summary from the approved updates of that
moment and stores all three forms (Telegram text, Markdown, HTML). A published version is
never changed: publishing the same period again makes version 2, so what residents were
shown can always be found again. ``/progress`` shows the latest version of any period.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.render import MESSAGE_LIMIT, split_message
from bot.knowledge import KnowledgeBase
from bot.partners.partners import record
from bot.partners.periods import Period
from bot.publishing.summary import (
    Summary,
    render_html,
    render_markdown,
    render_text,
    summary_for,
)
from bot.storage import Storage

#: Separates Telegram messages in the stored text (never occurs in rendered HTML text).
MESSAGE_BREAK = "\f"


@dataclass(frozen=True)
class Published:
    """One published version of one period's summary."""

    id: int
    period: str
    version: int
    published_at: str
    published_by: int
    text: str
    markdown: str
    html: str

    @property
    def messages(self) -> list[str]:
        """The Telegram messages, in order, each under the limit."""
        return [m for m in self.text.split(MESSAGE_BREAK) if m.strip()]

    def teaser(self) -> str:
        """One message for a broadcast: the summary's first message and where to read on."""
        first = self.messages[0] if self.messages else ""
        more = ("Send /progress for the whole summary." if len(self.messages) > 1
                else "Send /progress to read it again at any time.")
        return split_message(f"{first}\n\n{more}", MESSAGE_LIMIT)[0]


async def publish(
    storage: Storage, kb: KnowledgeBase, period: Period, by: int, min_ward_count: int = 10
) -> tuple[Published, Summary]:
    """Render and store a new version of ``period``'s summary; audited.

    ``min_ward_count`` is ``consult.min_ward_count``: smaller wards' consultation answers are
    folded into "Other areas"."""
    summary = await summary_for(storage, kb, period, min_ward_count)
    text = MESSAGE_BREAK.join(render_text(summary))
    markdown = render_markdown(summary)
    page = render_html(summary)
    async with storage.transaction():
        version = int(await storage.fetch_value(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM published WHERE period = ?",
            (period.label,)))
        new_id = await storage.execute_insert(
            "INSERT INTO published (period, version, published_at, published_by, text, "
            "markdown, html) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (period.label, version, storage.now_iso(), by, text, markdown, page),
        )
        await record(storage, by, "publish", f"period={period.label} version={version}")
    published = await get_published(storage, new_id)
    assert published is not None
    return published, summary


def _published(row: dict[str, object]) -> Published:
    return Published(**{k: row[k] for k in Published.__dataclass_fields__})  # type: ignore[arg-type]


async def get_published(storage: Storage, published_id: int) -> Published | None:
    row = await storage.fetch_one("SELECT * FROM published WHERE id = ?", (published_id,))
    return _published(row) if row else None


async def latest_published(storage: Storage) -> Published | None:
    """The most recently published version of any period, or ``None``."""
    row = await storage.fetch_one(
        "SELECT * FROM published ORDER BY published_at DESC, id DESC LIMIT 1")
    return _published(row) if row else None
