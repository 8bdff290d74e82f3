"""The anonymised unanswered questions, grouped by the plan priority they are closest to.

The unanswered table keeps only the words :mod:`bot.privacy` allows (no sentence, no
sender). Each row's words are matched against the whole knowledge base with the resident
matcher (read-only); the priority is the best topic itself when it is a priority or theme,
else the first priority or theme that topic lists as related ("scooters speeding" finds
the ASB report topic, related to the ASB priority). Rows that find no such topic, or only
weakly, are "Not clearly about a plan priority". Partners who own a priority see its group
in their quarterly reminder; coordinators see every group with
``csp-bot unanswered --by-priority``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.answering.matching import Matcher
from bot.knowledge import KnowledgeBase
from bot.privacy import NOTHING_KEPT

#: Below this confidence a topic is not taken as what the words are about.
MIN_CONFIDENCE = 0.3
#: Topics looked at, best first, before giving up on a row.
CANDIDATES = 3
NONE_ID = ""
NONE_TITLE = "Not clearly about a plan priority"
#: Example wordings shown per group.
EXAMPLES = 5


@dataclass
class PriorityGroup:
    priority: str  # topic id, or NONE_ID
    title: str
    count: int = 0
    examples: list[tuple[str, int]] = field(default_factory=list)  # (words, count)


def priority_of(words: str, matcher: Matcher, kb: KnowledgeBase) -> str:
    """The id of the priority or theme ``words`` are closest to, or NONE_ID."""
    if not words.strip() or words == NOTHING_KEPT:
        return NONE_ID
    wanted = {t.id for t in kb.priorities()}
    scored = sorted(((f.confidence(), eid) for eid, f in matcher.features(words)),
                    reverse=True)[:CANDIDATES]
    for confidence, eid in scored:
        if confidence < MIN_CONFIDENCE:
            break
        if eid in wanted:
            return eid
        topic = kb.topics.get(eid)
        for related in topic.related if topic is not None else ():
            if related in wanted:
                return related
    return NONE_ID


def group_by_priority(rows: Iterable[Mapping[str, Any]], matcher: Matcher,
                      kb: KnowledgeBase) -> list[PriorityGroup]:
    """Rows of the unanswered table (``normalised``, ``count``) in groups, in the plan's
    order (the unmatched last); each group's examples are its most asked wordings."""
    titles = {t.id: t.title.split(" - ")[0].strip() for t in kb.priorities()}
    groups = {pid: PriorityGroup(pid, title) for pid, title in titles.items()}
    groups[NONE_ID] = PriorityGroup(NONE_ID, NONE_TITLE)
    for row in rows:
        words, count = str(row["normalised"]), int(row["count"])
        group = groups[priority_of(words, matcher, kb)]
        group.count += count
        if words != NOTHING_KEPT:
            group.examples.append((words, count))
    for group in groups.values():
        group.examples.sort(key=lambda e: (-e[1], e[0]))
        del group.examples[EXAMPLES:]
    return [g for g in groups.values() if g.count]


def format_groups(groups: list[PriorityGroup]) -> str:
    """Plain text for the terminal."""
    if not groups:
        return "no unanswered questions recorded"
    out = []
    for g in groups:
        out.append(f"{g.title}: {g.count} question(s)")
        out += [f"  {n:>5}  {words}" for words, n in g.examples]
    return "\n".join(out)
