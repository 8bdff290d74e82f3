"""Partners' quarterly progress updates: the records and the queries on them.

An update belongs to one organisation, one priority (or cross-cutting theme) and one
period (a quarter, ``2024-25 Q3``). Submitting again for the same three makes a new
*revision*; history is never overwritten. Only approved revisions feed the summary.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.partners.periods import Period
from bot.storage import Storage

if TYPE_CHECKING:
    from bot.knowledge import KnowledgeBase

RAG = ("green", "amber", "red")
RAG_MEANING = {
    "green": "Green: on track",
    "amber": "Amber: some concern",
    "red": "Red: off track",
}


@dataclass(frozen=True)
class UpdateRecord:
    """One revision of one organisation's update for one priority and quarter."""

    id: int
    org: str
    priority: str
    period: str  # quarter label, e.g. "2024-25 Q3"
    revision: int
    rag: str
    narrative: str
    figures: list[tuple[str, str]] = field(default_factory=list)
    status: str = "submitted"
    submitted_by: int = 0
    submitted_at: str = ""
    reviewed_by: int | None = None
    reviewed_at: str | None = None
    review_comment: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> UpdateRecord:
        fields = {k: row[k] for k in cls.__dataclass_fields__ if k != "figures"}
        figures = [(str(n), str(v)) for n, v in json.loads(row["figures"] or "[]")]
        return cls(**fields, figures=figures)


async def latest_approved(storage: Storage, period: Period) -> list[UpdateRecord]:
    """The latest approved revision of each (org, priority, quarter) within ``period``.

    For a year, each quarter's latest approved revision is returned; the summary decides
    how to show several quarters of one partner.
    """
    labels = [q.label for q in period.quarters()]
    marks = ",".join("?" for _ in labels)
    rows = await storage.fetch_all(
        f"""
        SELECT u.* FROM updates u
        WHERE u.status = 'approved' AND u.period IN ({marks})
          AND u.revision = (
            SELECT MAX(v.revision) FROM updates v
            WHERE v.org = u.org AND v.priority = u.priority AND v.period = u.period
              AND v.status = 'approved')
        ORDER BY u.priority, u.org, u.period
        """,
        labels,
    )
    return [UpdateRecord.from_row(r) for r in rows]


# --------------------------------------------------------------------------- words
#
# How partners choose a status; the summary has its own wording for residents
# (bot.publishing.summary.RAG_WORDS), and the partner's preview is rendered by the summary itself.

#: RAG status in words, on the partner's buttons and in /myupdates.
RAG_LABEL = {
    "green": "Green – on track",
    "amber": "Amber – some concern",
    "red": "Red – off track",
}
#: One line on when to choose each status (shown with the buttons).
RAG_HINT = {
    "green": "delivering as planned; nothing the partnership needs to do",
    "amber": "slipping or at risk, and being managed; the partnership should watch it",
    "red": "not delivering; the partnership needs to act or help",
}


def priority_title(kb: KnowledgeBase, priority: str) -> str:
    """A priority's or theme's short title, e.g. ``Anti-social behaviour (ASB)``.

    Topic titles are written for residents ("... - figures and why it is a priority"); the
    part before " - " is the priority's name. An unknown id (a priority since removed from
    the knowledge base) is shown as it is, so old updates still read.
    """
    topic = kb.topics.get(priority)
    if topic is None:
        return priority
    return topic.title.split(" - ")[0].strip()


def org_name(kb: KnowledgeBase, org: str) -> str:
    """A partner organisation's full name (its id if no longer in the knowledge base)."""
    partner = kb.partners.get(org)
    return partner.name if partner else org
