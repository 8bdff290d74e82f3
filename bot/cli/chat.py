"""``csp-bot chat``: the bot in a terminal, answering as it does in a private Telegram chat.

:class:`ChatSession` turns one typed line into the bot's reply in plain text: residents'
slash commands as their Telegram handlers (``handlers/residents.py``) do them, with the same
words (:mod:`bot.texts`), menus written out as lists to type from, and a clear "only on
Telegram" for what needs a Telegram chat (subscriptions, partners' and coordinators' work).
No telegram import, so ``chat`` starts as quickly as ``ask``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.cli.common import html_to_text
from bot.texts import HELP, MENU, NO_PROGRESS, PRIVACY, SAFETY_NOTE, WELCOME

if TYPE_CHECKING:
    from bot.answering.answer import Choice, Reply, Responder

#: Typed on a line of its own, these end the session (so does Ctrl-D).
LEAVE_WORDS = frozenset({"quit", "exit", "bye", "/quit", "/exit"})
#: A message that is only a greeting gets the welcome, as /start does.
_GREETING = re.compile(
    r"(hi+|hello+|hey+|hiya|howdy|yo|good (morning|afternoon|evening)|start|menu)"
    r"( there| bot)?[\s!.,]*", re.IGNORECASE)
_TELEGRAM_ONLY_RESIDENTS = frozenset({"subscribe", "unsubscribe", "forget", "cancel"})
_TELEGRAM_ONLY_STAFF = frozenset({
    "register", "update", "myupdates", "invite", "partners", "revoke", "pending", "summary",
    "publish", "reload", "broadcast",
})
_REPORT_KINDS = frozenset({"report"})
_SUPPORT_KINDS = frozenset({"support"})

#: Reads the latest published summary's messages (Telegram HTML), or None if none yet.
ProgressReader = Callable[[], "list[str] | None"]


def format_reply(reply: Reply) -> str:
    """An answer as plain text, with its related topics (Telegram shows them as buttons)."""
    text = reply.text
    if reply.related:
        text += "\n\nRelated: " + "; ".join(r.title for r in reply.related)
    return text


def _choices(title: str, choices: list[Choice], hint: str) -> str:
    lines = [title] + [f"• {c.title}" for c in choices]
    return "\n".join(lines) + f"\n\n{hint}"


class ChatSession:
    """One terminal conversation. :meth:`reply` returns the text to print, or None to leave."""

    def __init__(self, responder: Responder, progress: ProgressReader | None = None) -> None:
        self.responder = responder
        self.progress = progress

    def reply(self, line: str) -> str | None:
        text = line.strip()
        if text.lower().rstrip("!.") in LEAVE_WORDS:
            return None
        if not text:
            return ""
        if text.startswith("/"):
            command, _, rest = text[1:].partition(" ")
            # "/start@csp_bot" is how Telegram groups send commands.
            return self.command(command.split("@", 1)[0].lower(), rest.strip())
        if _GREETING.fullmatch(text):
            return self.welcome()
        return format_reply(self.responder.answer(text))

    # ------------------------------------------------------------------ commands

    def command(self, name: str, args: str) -> str:
        if name == "start":
            return self.welcome()
        if name == "help":
            return HELP
        if name == "privacy":
            return PRIVACY
        if name == "report":
            return self._kind(args, _REPORT_KINDS, "report", "report")
        if name == "support":
            return self._kind(args, _SUPPORT_KINDS, "support for", "support")
        if name == "priorities":
            return self.priorities()
        if name == "ward":
            return self.ward(args)
        if name == "progress":
            return self.latest_progress()
        if name in _TELEGRAM_ONLY_RESIDENTS:
            return (f"/{name} works only in Telegram: it is about your Telegram chat, which "
                    "this terminal does not have. Ask me a question any time.")
        if name in _TELEGRAM_ONLY_STAFF:
            return (f"/{name} is for partners and coordinators, in a private Telegram chat "
                    "with the bot. On the server: csp-bot summary, csp-bot audit and "
                    "csp-bot broadcast status.")
        return f"I don't know the command /{name}. /help lists what I can do."

    def welcome(self) -> str:
        menu = "\n".join(f"• {label}: {command}" for label, command in MENU)
        return f"{WELCOME}\n\n{menu}\n\n{SAFETY_NOTE}"

    def _kind(self, what: str, kinds: frozenset[str], verb: str, menu: str) -> str:
        if what:
            reply = self.responder.answer(f"{verb} {what}", kinds=kinds)
            if reply.matched or reply.crisis:
                return format_reply(reply)
        if menu == "report":
            title = "What do you want to report? In an emergency call 999."
        else:
            title = "What do you need support with? If you are in danger now, call 999."
        return _choices(title, self.responder.topics_of(menu),
                        f"Type one, e.g. /{menu} {self._example(menu)}, or ask in your own "
                        "words.")

    def _example(self, kind: str) -> str:
        topics = self.responder.topics_of(kind)
        return topics[0].title.lower() if topics else "..."

    def priorities(self) -> str:
        overview = self.responder.topic_reply("priorities-overview")
        head = overview.text if overview else "The partnership's priorities"
        return _choices(head, self.responder.topics_of("priority", "theme"),
                        "Ask about any of them in your own words.")

    def ward(self, name: str) -> str:
        kb = self.responder.kb
        if not name:
            names = ", ".join(w.name for w in kb.wards.values())
            return ("Your ward: send /ward and your ward's name, for example /ward "
                    f"Stapenhill. Wards the plan names: {names}.")
        reply = self.responder.area_reply(name) or self.responder.unknown_area_reply(name)
        text = format_reply(reply)
        ward = kb.wards.get((reply.topic or "").removeprefix("ward:"))
        if ward is not None and ward.figures:
            text += "\n\n(In Telegram the bot also sends a bar chart of these figures.)"
        return text

    def latest_progress(self) -> str:
        messages = self.progress() if self.progress else None
        if not messages:
            return NO_PROGRESS.replace("/subscribe", "subscribe in Telegram")
        return "\n\n".join(html_to_text(m) for m in messages)
