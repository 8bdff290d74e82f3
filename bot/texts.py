"""What the bot says to residents in plain text, shared by Telegram and ``csp-bot chat``.

Plain text only (the Telegram handlers escape it), and no telegram import, so the terminal
chat shows exactly the words residents get in Telegram without loading python-telegram-bot.
"""

from __future__ import annotations

WELCOME = (
    "Hello, I'm the East Staffordshire Community Safety Partnership bot. Ask me anything "
    "about staying safe, reporting something or getting support, in your own words, or "
    "choose below."
)
SAFETY_NOTE = (
    "In danger now? Call 999. Telegram keeps this chat: delete it if someone else may read "
    "your phone."
)
CONSENT = (
    "Subscribing stores this chat's id, and nothing else, so we can send you the "
    "partnership's progress summary each April. /unsubscribe or /forget removes it."
)
PRIVACY = (
    "What this bot stores, and for how long:\n\n"
    "• If you subscribe: this chat's id and the date you subscribed, to send you the yearly "
    "progress summary. Kept until you /unsubscribe or /forget. While a summary is being "
    "sent to you, whether it arrived is noted against the chat id; once sent, or when you "
    "/unsubscribe, only the outcome stays, under no chat id.\n"
    "• Questions I couldn't answer: never the message itself, only a few of its words "
    "that my answers don't cover yet (no names, addresses, numbers, e-mails or postcodes), "
    "counted, with the dates first and last asked and no chat id, so the partnership can "
    "improve the answers. Deleted after 12 months without being asked again.\n"
    "• While you use a menu or a form: where you are in it, until you finish or /cancel.\n"
    "• Nothing else about residents: the bot's logs carry no message text.\n"
    "• Partners who post progress updates: their Telegram id, organisation and the updates "
    "they submit, kept as the partnership's performance record.\n\n"
    "/forget removes this chat's id everywhere: the subscription, any summary waiting to be "
    "sent to you and where you are in a menu or form. The anonymous word counts stay, as "
    "they are not linked to you. Telegram keeps this chat on your phone and its servers: "
    "delete it if someone else may read your phone."
)
HELP = (
    "Ask a question in your own words, for example \"how do I report anti-social "
    "behaviour\" or \"help for domestic abuse\".\n\n"
    "/report [what] – where to report something\n"
    "/support [what] – where to get support\n"
    "/priorities – the partnership's priorities\n"
    "/ward NAME – figures for your ward\n"
    "/progress – the latest progress summary\n"
    "/subscribe, /unsubscribe – the yearly progress summary\n"
    "/privacy – what is stored\n"
    "/forget – remove everything stored about this chat\n"
    "/cancel – stop what you are doing\n\n"
    "In an emergency call 999."
)

#: /progress before anything has been published.
NO_PROGRESS = ("The partnership has not published a progress summary here yet. "
               "Progress is published each April; /subscribe to get it when it is.")

#: The /start menu's buttons, in order, with the command that does the same in a chat.
MENU = [
    ("Report something", "/report"),
    ("Get support", "/support"),
    ("Our priorities", "/priorities"),
    ("My ward", "/ward"),
    ("Progress", "/progress"),
    ("Subscribe", "/subscribe"),
]
