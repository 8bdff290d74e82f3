"""A strict, in-process fake of the Telegram Bot API for end-to-end tests.

python-telegram-bot (PTB) talks to it over real HTTP on 127.0.0.1::

    async with FakeBotAPI() as api:
        app = (
            ApplicationBuilder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        api.inject_message(42, "/start")
        [reply] = await api.wait_for_messages(42, 1)

The fake is deliberately *strict*: it rejects what the real Bot API rejects
(empty or over-long texts, malformed HTML / MarkdownV2, oversized
``callback_data``, no-op edits, double callback answers, unknown chats ...)
with the same HTTP status codes and descriptions that look like Telegram's, so
PTB raises the same ``telegram.error`` exceptions it would raise in production.

All public methods must be called from the event loop that runs the server
(the test's loop); nothing here is thread-safe.

How PTB sends requests (22.x, ``HTTPXRequest``): parameters are posted as
``application/x-www-form-urlencoded`` -- or ``multipart/form-data`` when a file
is uploaded -- and every non-string value is ``json.dumps``-ed first, so ints
arrive as ``"42"``, booleans as ``"true"`` and nested objects (``reply_markup``,
``commands``, ``entities``, ``reply_parameters`` ...) as JSON strings.  A file
passed directly to ``send_photo``/``send_document`` is uploaded as the multipart
part named after the parameter (``photo``/``document``).  This server also
accepts ``application/json`` bodies and query-string parameters.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import struct
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = [
    "DEFAULT_TOKEN",
    "ApiError",
    "FakeBotAPI",
    "SentMessage",
    "UploadedFile",
    "parse_formatted_text",
]

DEFAULT_TOKEN = "123456789:AAFakeBotApiTokenForTestsOnly_0123456"
DEFAULT_USER_ID = 4242

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_TEXT = 200
MAX_INLINE_BUTTONS = 100
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
MIN_POLL_OPTIONS, MAX_POLL_OPTIONS = 2, 10

#: Update types delivered when ``allowed_updates`` was never given / given as ``[]``.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

#: Methods that create a message; these count for rate limits.
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendPoll"})

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

#: Inline-button fields of which exactly one must be present.
INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)

# Parameters normalised to int / bool / decoded JSON when they arrive as strings.
_INT_PARAMS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "reply_to_message_id",
        "user_id",
        "cache_time",
        "message_thread_id",
        "max_connections",
    }
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "has_spoiler",
        "disable_content_type_detection",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "is_anonymous",
        "allows_multiple_answers",
        "is_closed",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "commands",
        "entities",
        "caption_entities",
        "scope",
        "reply_parameters",
        "allowed_updates",
        "link_preview_options",
        "media",
        "options",
    }
)


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _entities_error(description: str) -> ApiError:
    return _bad_request(f"can't parse entities: {description}")


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------- data


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str

    def __repr__(self) -> str:  # keep `calls` readable
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes, {self.content_type!r})"


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes | None
    file_path: str


@dataclass
class SentMessage:
    """A message the bot sent, in its *current* state (edits update it in place).

    ``text``/``caption`` hold what the bot sent (markup included, e.g.
    ``"<b>Hi</b>"``); ``plain_text`` and ``entities`` hold what a user sees.
    """

    chat_id: int
    message_id: int
    method: str
    text: str | None
    caption: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    plain_text: str
    entities: list[dict[str, Any]]
    timestamp: float  #: ``time.monotonic()`` when it was sent
    date: int  #: unix time when it was sent
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    photo_sizes: list[dict[str, Any]] = field(default_factory=list)
    document_info: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    #: Snapshots of earlier versions: dicts with text/caption/parse_mode/reply_markup/timestamp.
    edits: list[dict[str, Any]] = field(default_factory=list)
    #: The Poll object of a sendPoll message (its counts change as users vote).
    poll: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        """``"text"``, ``"photo"`` or ``"document"``."""
        if self.method == "sendPhoto":
            return "photo"
        if self.method == "sendDocument":
            return "document"
        if self.method == "sendPoll":
            return "poll"
        return "text"

    @property
    def content(self) -> str:
        """The text or caption as sent (``""`` for a media message without caption)."""
        if self.text is not None:
            return self.text
        return self.caption or ""

    def buttons(self) -> list[dict[str, Any]]:
        """All inline buttons, row by row, flattened."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]

    def callback_data(self, button_text: str | None = None) -> str:
        """The ``callback_data`` of the button labelled ``button_text``.

        With ``button_text=None`` the message must have exactly one callback button.
        """
        found = [
            b
            for b in self.buttons()
            if "callback_data" in b and (button_text is None or b.get("text") == button_text)
        ]
        if len(found) != 1:
            labels = [b.get("text") for b in self.buttons()]
            raise LookupError(
                f"expected exactly one callback button {button_text!r} in message "
                f"{self.message_id}, buttons are {labels}"
            )
        return str(found[0]["callback_data"])


@dataclass
class _Fault:
    method: str  # lower-case method name or "*"
    status: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | str | None


# --------------------------------------------------------------------------- text parsing


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITY_RE = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _decode_html_entity(match: re.Match[str]) -> str | None:
    name, dec, hexa = match.groups()
    if name:
        return _NAMED_ENTITIES[name]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape_attribute(raw: str) -> str:
    """Attribute values are decoded leniently (a bare ``&`` in a URL is kept)."""

    def repl(match: re.Match[str]) -> str:
        return _decode_html_entity(match) or match.group(0)

    return _HTML_ENTITY_RE.sub(repl, raw)


@dataclass
class _OpenEntity:
    tag: str
    type: str
    start: int  # UTF-16 offset in the output
    byte_offset: int
    extra: dict[str, Any] = field(default_factory=dict)


def _parse_html_attributes(src: str, j: int, tag: str, offset: int) -> tuple[dict[str, str], int]:
    """Parse attributes from ``src[j:]`` up to ``>``; return them and the index after it."""
    attrs: dict[str, str] = {}
    n = len(src)
    while True:
        while j < n and src[j].isspace():
            j += 1
        if j >= n:
            raise _entities_error(f"Unclosed start tag at byte offset {offset}")
        if src[j] == ">":
            return attrs, j + 1
        k = j
        while k < n and (src[k].isalnum() or src[k] in "-_:"):
            k += 1
        if k == j:
            raise _entities_error(
                f'Empty attribute name in the tag "{tag}" at byte offset {offset}'
            )
        name = src[j:k].lower()
        j = k
        while j < n and src[j].isspace():
            j += 1
        if j < n and src[j] == "=":
            j += 1
            while j < n and src[j].isspace():
                j += 1
            if j >= n:
                raise _entities_error(f"Unclosed start tag at byte offset {offset}")
            if src[j] in "\"'":
                end = src.find(src[j], j + 1)
                if end == -1:
                    raise _entities_error(
                        f'Unclosed end of attribute value in the tag "{tag}" '
                        f"at byte offset {offset}"
                    )
                raw, j = src[j + 1 : end], end + 1
            else:
                k = j
                while k < n and not src[k].isspace() and src[k] != ">":
                    k += 1
                raw, j = src[j:k], k
            attrs[name] = _unescape_attribute(raw)
        else:
            attrs[name] = ""


def _parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Strict Telegram-HTML parser returning (visible text, entities)."""
    out: list[str] = []
    pos = 0  # UTF-16 offset in `out`
    stack: list[_OpenEntity] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            match = _HTML_ENTITY_RE.match(src, i)
            decoded = _decode_html_entity(match) if match else None
            if match is None or decoded is None:
                raise _entities_error(
                    f'Character "&" at byte offset {_byte_offset(src, i)} '
                    'must be escaped as "&amp;"'
                )
            out.append(decoded)
            pos += utf16_len(decoded)
            i = match.end()
            continue
        if c != "<":
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue

        begin = _byte_offset(src, i)
        if src.startswith("</", i):
            end = src.find(">", i)
            if end == -1:
                raise _entities_error(f"Unclosed end tag at byte offset {begin}")
            name = src[i + 2 : end].strip().lower()
            if not stack:
                raise _entities_error(f"Unexpected end tag at byte offset {begin}")
            top = stack.pop()
            if name != top.tag:
                raise _entities_error(
                    f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                    f'found "</{name}>"'
                )
            length = pos - top.start
            if top.tag == "code" and top.extra.get("language") is not None:
                stack[-1].extra["language"] = top.extra["language"]  # merged into the <pre>
            elif length > 0:
                entities.append(
                    {"type": top.type, "offset": top.start, "length": length, **top.extra}
                )
            i = end + 1
            continue

        j = i + 1
        while j < n and not src[j].isspace() and src[j] != ">":
            j += 1
        if j >= n:
            raise _entities_error(f"Unclosed start tag at byte offset {begin}")
        tag = src[i + 1 : j].lower()
        if tag not in _HTML_TAGS:
            raise _entities_error(f'Unsupported start tag "{tag}" at byte offset {begin}')
        attrs, i = _parse_html_attributes(src, j, tag, begin)
        entity = _OpenEntity(tag, _HTML_TAGS[tag], pos, begin)
        if tag == "a":
            href = attrs.get("href", "").strip()
            if not href:
                raise _entities_error(
                    f'Tag "a" at byte offset {begin} must have an "href" attribute'
                )
            entity.extra["url"] = href
        elif tag == "span":
            if attrs.get("class") != "tg-spoiler":
                raise _entities_error(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
        elif tag == "tg-emoji":
            emoji_id = attrs.get("emoji-id", "")
            if not emoji_id.isdigit():
                raise _entities_error(
                    f'Tag "tg-emoji" at byte offset {begin} '
                    'must have a numeric "emoji-id" attribute'
                )
            entity.extra["custom_emoji_id"] = emoji_id
        elif tag == "blockquote" and "expandable" in attrs:
            entity.type = "expandable_blockquote"
        elif tag == "code" and stack and stack[-1].tag == "pre":
            css = attrs.get("class", "")
            if css.startswith("language-") and len(css) > len("language-"):
                entity.extra["language"] = css[len("language-") :]
        stack.append(entity)

    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    return "".join(out), entities


_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"


def _parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Strict MarkdownV2 parser modelled on TDLib's, returning (visible text, entities)."""
    out: list[str] = []
    pos = 0
    stack: list[_OpenEntity] = []
    entities: list[dict[str, Any]] = []
    quote: _OpenEntity | None = None
    quote_end = 0
    line_start = True
    i, n = 0, len(src)

    def emit(chars: str) -> None:
        nonlocal pos
        out.append(chars)
        pos += utf16_len(chars)

    while i < n:
        c = src[i]
        in_code = bool(stack) and stack[-1].type in ("code", "pre")
        if line_start and not in_code:
            line_start = False
            if c == ">":
                if quote is None:
                    quote = _OpenEntity(">", "blockquote", pos, _byte_offset(src, i))
                i += 1
                continue
            if quote is not None:
                if quote_end > quote.start:
                    entities.append(
                        {
                            "type": "blockquote",
                            "offset": quote.start,
                            "length": quote_end - quote.start,
                        }
                    )
                quote = None
        if c == "\\" and i + 1 < n and 0 < ord(src[i + 1]) <= 126:
            emit(src[i + 1])
            i += 2
            continue
        reserved = "`" if in_code else _MDV2_RESERVED
        if c not in reserved:
            if c == "\n":
                line_start = True
                quote_end = pos
            emit(c)
            i += 1
            continue

        nxt = src[i + 1] if i + 1 < n else ""
        if stack:
            top = stack[-1]
            t = top.type
            is_end = (
                (t == "bold" and c == "*")
                or (t == "italic" and c == "_" and nxt != "_")
                or (t == "underline" and c == "_" and nxt == "_")
                or (t == "strikethrough" and c == "~")
                or (t == "spoiler" and c == "|" and nxt == "|")
                or (t == "code" and c == "`")
                or (t == "pre" and src.startswith("```", i))
                or (t in ("text_link", "custom_emoji") and c == "]")
            )
            if is_end:
                stack.pop()
                advance = {"underline": 2, "spoiler": 2, "pre": 3}.get(t, 1)
                if t in ("text_link", "custom_emoji"):
                    url = ""
                    if nxt == "(":
                        k = i + 2
                        chars: list[str] = []
                        while k < n and src[k] != ")":
                            if src[k] == "\\" and k + 1 < n:
                                k += 1
                            chars.append(src[k])
                            k += 1
                        if k >= n:
                            raise _entities_error(
                                f"Can't find end of a URL at byte offset {_byte_offset(src, i + 1)}"
                            )
                        url = "".join(chars)
                        advance = k + 1 - i
                    if t == "custom_emoji":
                        prefix = "tg://emoji?id="
                        if not url.startswith(prefix) or not url[len(prefix) :].isdigit():
                            raise _entities_error(
                                f"Custom emoji URL must have an emoji identifier at byte offset "
                                f"{top.byte_offset}"
                            )
                        top.extra["custom_emoji_id"] = url[len(prefix) :]
                    else:
                        top.extra["url"] = url  # "[text]" without "(url)" is plain text
                length = pos - top.start
                if length > 0 and (t != "text_link" or top.extra["url"]):
                    entities.append({"type": t, "offset": top.start, "length": length, **top.extra})
                i += advance
                continue

        byte_offset = _byte_offset(src, i)
        if c == "_" and nxt == "_":
            entity = _OpenEntity("__", "underline", pos, byte_offset)
            i += 2
        elif c == "_":
            entity = _OpenEntity("_", "italic", pos, byte_offset)
            i += 1
        elif c == "*":
            entity = _OpenEntity("*", "bold", pos, byte_offset)
            i += 1
        elif c == "~":
            entity = _OpenEntity("~", "strikethrough", pos, byte_offset)
            i += 1
        elif c == "|" and nxt == "|":
            entity = _OpenEntity("||", "spoiler", pos, byte_offset)
            i += 2
        elif c == "[":
            entity = _OpenEntity("[", "text_link", pos, byte_offset)
            i += 1
        elif c == "!" and nxt == "[":
            entity = _OpenEntity("![", "custom_emoji", pos, byte_offset)
            i += 2
        elif c == "`" and src.startswith("```", i):
            entity = _OpenEntity("```", "pre", pos, byte_offset)
            i += 3
            newline = src.find("\n", i)
            first_line = src[i:newline] if newline != -1 else ""
            if newline != -1 and first_line and " " not in first_line and "`" not in first_line:
                entity.extra["language"] = first_line
                i = newline + 1
            elif newline == i:
                i += 1
        elif c == "`":
            entity = _OpenEntity("`", "code", pos, byte_offset)
            i += 1
        else:
            raise _entities_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append(entity)

    if stack:
        top = stack[-1]
        name = "".join(part.title() for part in top.type.split("_"))
        raise _entities_error(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
    if quote is not None and pos > quote.start:
        entities.append({"type": "blockquote", "offset": quote.start, "length": pos - quote.start})
    return "".join(out), entities


def _parse_markdown_legacy(src: str) -> tuple[str, list[dict[str, Any]]]:
    """The legacy ``Markdown`` mode: ``*bold*``, ``_italic_``, ```code```, ``[text](url)``."""
    out: list[str] = []
    pos = 0
    entities: list[dict[str, Any]] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.append(src[i + 1])
            pos += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            pos += utf16_len(c)
            i += 1
            continue
        begin = _byte_offset(src, i)
        extra: dict[str, Any] = {}
        if src.startswith("```", i):
            etype, closing, i = "pre", "```", i + 3
        else:
            etype = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}[c]
            closing = "]" if c == "[" else c
            i += 1
        end = src.find(closing, i)
        if end == -1:
            raise _entities_error(f"Can't find end of the entity starting at byte offset {begin}")
        inner = src[i:end]
        i = end + len(closing)
        if etype == "text_link":
            if i < n and src[i] == "(":
                close = src.find(")", i)
                if close == -1:
                    raise _entities_error(
                        f"Can't find end of the entity starting at byte offset {begin}"
                    )
                extra["url"] = src[i + 1 : close]
                i = close + 1
            else:
                etype = ""
        if inner and etype:
            entities.append({"type": etype, "offset": pos, "length": utf16_len(inner), **extra})
        out.append(inner)
        pos += utf16_len(inner)
    return "".join(out), entities


def _validate_entities(text: str, raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise _bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    result = []
    for entity in raw:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise _bad_request("can't parse MessageEntity: type is not specified")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise _bad_request("can't parse MessageEntity: wrong offset or length")
        if offset + length > total:
            raise _entities_error(f"entity beyond the end of the text at offset {offset}")
        if length:
            result.append(dict(entity))
    return result


def parse_formatted_text(
    text: str, parse_mode: str | None, entities: Any = None
) -> tuple[str, list[dict[str, Any]]]:
    """Turn text + parse_mode (or explicit entities) into Telegram's (visible text, entities).

    Leading/trailing whitespace is stripped like Telegram does and entity offsets
    are adjusted. Raises :class:`ApiError` (400) for malformed markup.
    """
    if entities is not None:
        plain, parsed = text, _validate_entities(text, entities)
    elif not parse_mode:
        plain, parsed = text, []
    else:
        mode = parse_mode.lower()
        if mode == "html":
            plain, parsed = _parse_html(text)
        elif mode == "markdownv2":
            plain, parsed = _parse_markdown_v2(text)
        elif mode == "markdown":
            plain, parsed = _parse_markdown_legacy(text)
        else:
            raise _bad_request(f"unsupported parse_mode {parse_mode!r}")

    stripped = plain.strip()
    if stripped != plain:
        shift = utf16_len(plain[: len(plain) - len(plain.lstrip())])
        total = utf16_len(stripped)
        adjusted = []
        for entity in parsed:
            start = max(entity["offset"] - shift, 0)
            end = min(entity["offset"] + entity["length"] - shift, total)
            if end > start:
                adjusted.append({**entity, "offset": start, "length": end - start})
        parsed = adjusted
    parsed.sort(key=lambda e: (e["offset"], -e["length"]))
    return stripped, parsed


# --------------------------------------------------------------------------- images


def _image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG/JPEG/GIF/WebP/BMP image, or None if not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"GIF8") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return width, abs(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return 512, 512
    if data.startswith(b"\xff\xd8"):
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (
                0xC0,
                0xC1,
                0xC2,
                0xC3,
                0xC5,
                0xC6,
                0xC7,
                0xC9,
                0xCA,
                0xCB,
                0xCD,
                0xCE,
                0xCF,
            ):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (segment,) = struct.unpack(">H", data[i + 2 : i + 4])
            i += 2 + segment
        return 320, 320
    return None


# --------------------------------------------------------------------------- the server

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeBotAPI:
    """A strict fake Telegram Bot API server bound to 127.0.0.1 on a free port.

    Args:
        token: the only bot token accepted; other tokens get 401 Unauthorized.
        bot_id / bot_username / bot_first_name: what ``getMe`` reports
            (``bot_id`` defaults to the numeric prefix of the token).
        enforce_limits: answer 429 when the bot sends to one chat more often than
            every ``per_chat_interval`` seconds or more than ``overall_per_second``
            messages in any rolling second (and, if ``group_per_minute`` is set,
            more than that many per minute to one group).
        require_known_chats: sending to a chat the fake never heard of (via an
            injected update or :meth:`add_chat`) gives 400 "chat not found".
        strict_callbacks: :meth:`inject_callback` refuses data that is not the
            ``callback_data`` of a button on the (existing) message.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_id: int | None = None,
        bot_username: str = "csp_test_bot",
        bot_first_name: str = "CSP Test Bot",
        enforce_limits: bool = False,
        per_chat_interval: float = 1.0,
        overall_per_second: int = 30,
        group_per_minute: int | None = None,
        require_known_chats: bool = True,
        strict_callbacks: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        self.bot_user: dict[str, Any] = {
            "id": bot_id
            if bot_id is not None
            else (int(prefix) if prefix.isdigit() else 123456789),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.enforce_limits = enforce_limits
        self.per_chat_interval = per_chat_interval
        self.overall_per_second = overall_per_second
        self.group_per_minute = group_per_minute
        self.require_known_chats = require_known_chats
        self.strict_callbacks = strict_callbacks
        self.host = host
        self.port: int | None = None

        #: Every request with the right token, in arrival order: (method, normalised params).
        self.calls: list[tuple[str, dict[str, Any]]] = []
        #: Answered callback queries: id -> params of the answerCallbackQuery call.
        self.callback_answers: dict[str, dict[str, Any]] = {}
        #: Chats known to the fake: id -> Chat JSON.
        self.chats: dict[int, dict[str, Any]] = {}
        #: (chat_id, action, monotonic time) of every accepted sendChatAction.
        self.chat_actions: list[tuple[int, str, float]] = []
        #: Current webhook settings (``url == ""`` means polling).
        self.webhook: dict[str, Any] = {"url": ""}
        #: Bot commands per (scope JSON, language_code).
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}

        self._sent: list[SentMessage] = []
        self._by_chat: dict[int, list[SentMessage]] = defaultdict(list)
        self._by_id: dict[tuple[int, int], SentMessage] = {}
        self._incoming: dict[tuple[int, int], dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = defaultdict(lambda: 1)
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._pending_updates: list[dict[str, Any]] = []
        self._next_update_id = 100_000
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._next_callback = 0
        self._faults: list[_Fault] = []
        self._blocked: set[int] = set()
        self._poll_seq = 0
        self._poll_votes: dict[str, dict[int, list[int]]] = {}
        self._delays: dict[str, float] = {}
        self._changed = asyncio.Event()
        self._stopping = False
        self._runner: web.AppRunner | None = None

        self._handlers: dict[str, tuple[str, Handler]] = {}
        for name, handler in {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendPoll": self._send_poll,
            "stopPoll": self._stop_poll,
            "sendChatAction": self._send_chat_action,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "editMessageCaption": self._edit_message_caption,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "getFile": self._get_file,
        }.items():
            self._handlers[name.lower()] = (name, handler)

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """Pass to ``ApplicationBuilder().base_url()`` / ``Bot(base_url=...)``."""
        return f"http://{self.host}:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        """Pass to ``ApplicationBuilder().base_file_url()`` / ``Bot(base_file_url=...)``."""
        return f"http://{self.host}:{self._require_port()}/file/bot"

    def _require_port(self) -> int:
        if self.port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self.port

    async def start(self) -> FakeBotAPI:
        """Bind to a free port on ``host`` and start serving."""
        if self._runner is not None:
            return self
        app = web.Application(client_max_size=MAX_DOCUMENT_BYTES + 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, 0)
        await site.start()
        self._runner = runner
        self._stopping = False
        self.port = int(runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        """Wake every waiting long poll / delay and shut the server down."""
        if self._runner is None:
            return
        self._stopping = True
        self._notify()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------------ waiting

    def _notify(self) -> None:
        """Wake everyone waiting for a state change."""
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109 - plain timeouts are the test API
    ) -> bool:
        """Wait until ``predicate()`` is true (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except TimeoutError:
                pass
        return True

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int,
        timeout: float = 5.0,  # noqa: ASYNC109 - plain timeouts are the test API
    ) -> list[SentMessage]:
        """Return ``messages(chat_id)`` once it has at least ``count`` entries.

        Raises ``TimeoutError`` (listing what did arrive) after ``timeout`` seconds.
        """
        if not await self.wait_until(lambda: len(self._by_chat[chat_id]) >= count, timeout):
            got = [m.content for m in self._by_chat[chat_id]]
            raise TimeoutError(
                f"expected {count} message(s) to chat {chat_id} within {timeout}s, "
                f"got {len(got)}: {got!r}"
            )
        return self.messages(chat_id)

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - plain timeouts are the test API
    ) -> list[dict[str, Any]]:
        """Return the params of all calls of ``method`` once there are at least ``count``."""
        if not await self.wait_until(lambda: len(self.calls_of(method)) >= count, timeout):
            raise TimeoutError(
                f"expected {count} {method} call(s) within {timeout}s, "
                f"got {len(self.calls_of(method))}; methods called: {[m for m, _ in self.calls]}"
            )
        return self.calls_of(method)

    async def wait_for_callback_answer(
        self,
        query_id: str,
        timeout: float = 5.0,  # noqa: ASYNC109 - plain timeouts are the test API
    ) -> dict[str, Any]:
        """Return the answerCallbackQuery params for ``query_id`` once it was answered."""
        if not await self.wait_until(lambda: query_id in self.callback_answers, timeout):
            raise TimeoutError(f"callback query {query_id} was not answered within {timeout}s")
        return self.callback_answers[query_id]

    # ------------------------------------------------------------------ inspection

    def messages(self, chat_id: int, *, include_deleted: bool = True) -> list[SentMessage]:
        """Messages the bot sent to ``chat_id``, in order (current state, edits applied)."""
        return [m for m in self._by_chat[chat_id] if include_deleted or not m.deleted]

    @property
    def all_sent(self) -> list[SentMessage]:
        """Every message the bot sent, to any chat, in order."""
        return list(self._sent)

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """The bot message ``message_id`` in ``chat_id`` (KeyError if unknown)."""
        return self._by_id[(chat_id, message_id)]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Params of every call of ``method`` (case-insensitive)."""
        lowered = method.lower()
        return [params for name, params in self.calls if name.lower() == lowered]

    def max_per_chat_rate(self, window: float = 1.0) -> int:
        """Most sends to a single chat within any ``window``-second span."""
        return max(
            (_max_in_window(times, window) for times in self._send_times_by_chat().values()),
            default=0,
        )

    def max_overall_rate(self, window: float = 1.0) -> int:
        """Most sends to all chats together within any ``window``-second span."""
        return _max_in_window([m.timestamp for m in self._sent], window)

    def _send_times_by_chat(self) -> dict[int, list[float]]:
        return {chat: [m.timestamp for m in msgs] for chat, msgs in self._by_chat.items() if msgs}

    # ------------------------------------------------------------------ configuration

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str | None = None,  # noqa: A002 - mirrors Telegram's field name
        title: str | None = None,
        username: str | None = None,
        first_name: str = "Resident",
    ) -> dict[str, Any]:
        """Make a chat known (so sends to it are accepted) and return its Chat JSON.

        ``type`` defaults to private for positive ids, supergroup for ``-100...``
        ids and group otherwise.
        """
        if type is None:
            type = (
                "private"
                if chat_id > 0
                else ("supergroup" if str(chat_id).startswith("-100") else "group")
            )
        chat: dict[str, Any] = {"id": chat_id, "type": type}
        if type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = title or f"Chat {chat_id}"
        if username:
            chat["username"] = username
        self.chats[chat_id] = chat
        return chat

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` (``"*"`` = any) fail.

        With ``chat_id`` only calls for that chat match. ``description`` defaults
        to Telegram's text for the status, e.g. 429 -> "Too Many Requests: retry
        after N" with ``parameters.retry_after`` (``retry_after`` defaults to 1).
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status, "Internal Server Error")
        self._faults.append(
            _Fault(method.lower(), status, description, retry_after, count, chat_id)
        )

    def block_chat(self, chat_id: int) -> None:
        """Every request for ``chat_id`` gets 403 (user blocked the bot / bot was kicked)."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        self._blocked.discard(chat_id)

    def set_delay(self, method: str, seconds: float | None) -> None:
        """Answer ``method`` (``"*"`` = any) only after ``seconds``; 0/None removes the delay."""
        if seconds:
            self._delays[method.lower()] = seconds
        else:
            self._delays.pop(method.lower(), None)

    def add_file(self, content: bytes, file_path: str = "documents/file.bin") -> str:
        """Store a file (as if a user had sent it) and return its file_id for getFile."""
        return self._store_file(content, file_path).file_id

    # ------------------------------------------------------------------ injection

    def _user_json(self, user_id: int, first_name: str, username: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    def _allocate_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id[chat_id]
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def inject_update(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates; ``update_id`` is assigned if missing."""
        update = dict(raw)
        if "update_id" in update:
            self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        else:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        for value in update.values():
            if not isinstance(value, dict):
                continue
            message = value.get("message") if "chat_instance" in value else value
            if isinstance(message, dict) and isinstance(message.get("chat"), dict):
                chat = message["chat"]
                self.chats.setdefault(int(chat["id"]), chat)
                if "message_id" in message and message.get("date"):
                    key = (int(chat["id"]), int(message["message_id"]))
                    if key not in self._by_id:
                        self._incoming[key] = message
                    self._next_message_id[key[0]] = max(self._next_message_id[key[0]], key[1] + 1)
            if "chat_instance" in value and "id" in value:
                self._callbacks[str(value["id"])] = value
        self._pending_updates.append(update)
        self._notify()
        return update

    def inject_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        first_name: str = "Resident",
        username: str | None = None,
        *,
        chat_type: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """Queue a text message from a user; returns the update dict.

        Private chat by default (``user_id`` defaults to ``chat_id`` for positive
        ids). A leading ``/command`` gets a ``bot_command`` entity like Telegram adds.
        """
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_USER_ID
        if chat_id in self.chats and chat_type is None:
            chat = self.chats[chat_id]
            if chat["type"] == "private":
                chat = self.add_chat(
                    chat_id, type="private", first_name=first_name, username=username
                )
        else:
            chat = self.add_chat(chat_id, type=chat_type, first_name=first_name, username=username)
        message: dict[str, Any] = {
            "message_id": self._allocate_message_id(chat_id),
            "from": self._user_json(user_id, first_name, username),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/") and len(text) > 1:
            command = text.split(maxsplit=1)[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        if reply_to_message_id is not None:
            key = (chat_id, reply_to_message_id)
            target = (
                self._message_json(self._by_id[key])
                if key in self._by_id
                else self._incoming.get(key)
            )
            if target is not None:
                message["reply_to_message"] = target
        return self.inject_update({"message": message})

    def inject_callback(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        user_id: int | None = None,
        *,
        first_name: str = "Resident",
        username: str | None = None,
    ) -> str:
        """Queue a press of an inline button on bot message ``message_id``; returns the query id.

        With ``strict_callbacks`` (default) the message must exist, not be deleted
        and carry a button with exactly this ``callback_data``. Otherwise an
        unknown message is delivered as an ``InaccessibleMessage`` (date 0).
        """
        if user_id is None:
            user_id = chat_id if chat_id > 0 else DEFAULT_USER_ID
        sent = self._by_id.get((chat_id, message_id))
        if self.strict_callbacks:
            if sent is None or sent.deleted:
                raise ValueError(f"no (undeleted) bot message {message_id} in chat {chat_id}")
            offered = [b.get("callback_data") for b in sent.buttons()]
            if data not in offered:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {data!r}; has {offered}"
                )
        chat = self.chats.get(chat_id) or self.add_chat(
            chat_id, first_name=first_name, username=username
        )
        if sent is not None and not sent.deleted:
            message: dict[str, Any] = self._message_json(sent)
        else:
            message = {"chat": chat, "message_id": message_id, "date": 0}
        self._next_callback += 1
        query_id = str(4_000_000_000_000_000 + self._next_callback)
        query = {
            "id": query_id,
            "from": self._user_json(user_id, first_name, username),
            "message": message,
            "chat_instance": str(-abs(chat_id) * 7 - 1),
            "data": data,
        }
        self.inject_update({"callback_query": query})
        return query_id

    # ------------------------------------------------------------------ HTTP plumbing

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = request.path
        if path.startswith("/file/bot"):
            return self._serve_file(path[len("/file/bot") :])
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z0-9_]+)", path)
        if match is None:
            return self._error(ApiError(404, "Not Found"))
        if match.group(1) != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        method = match.group(2)
        try:
            params = await self._read_params(request)
        except ApiError as exc:
            return self._error(exc)
        known = self._handlers.get(method.lower())
        self.calls.append((known[0] if known else method, params))
        self._notify()
        if known is None:
            return self._error(ApiError(404, "Not Found"))
        name, handler = known
        try:
            delay = self._delays.get(name.lower(), self._delays.get("*"))
            if delay:
                await self.wait_until(lambda: self._stopping, delay)
            self._check_faults(name, params)
            result = await handler(params)
        except ApiError as exc:
            return self._error(exc)
        self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(exc: ApiError) -> web.Response:
        return web.json_response(exc.payload(), status=exc.status)

    async def _read_params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad_request("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise _bad_request("request body must be a JSON object")
                params.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = UploadedFile(
                            value.filename, value.file.read(), value.content_type
                        )
                    else:
                        params[key] = value
        return _normalise(params)

    def _check_faults(self, method: str, params: dict[str, Any]) -> None:
        chat = params.get("chat_id")
        for fault in self._faults:
            if fault.method not in ("*", method.lower()):
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            raise ApiError(fault.status, fault.description, fault.retry_after)
        if isinstance(chat, int) and chat in self._blocked:
            if chat > 0:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")

    def _serve_file(self, rest: str) -> web.Response:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return self._error(ApiError(401, "Unauthorized"))
        stored = self._files_by_path.get(file_path)
        if stored is None or stored.content is None:
            return self._error(ApiError(404, "Not Found"))
        return web.Response(body=stored.content, content_type="application/octet-stream")

    # ------------------------------------------------------------------ parameter helpers

    def _chat_id(self, params: dict[str, Any], *, must_be_known: bool | None = None) -> int:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        if isinstance(raw, str) and raw.startswith("@"):
            for chat_id, chat in self.chats.items():
                if chat.get("username", "").lower() == raw[1:].lower():
                    return chat_id
            raise _bad_request("chat not found")
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _bad_request("chat not found")
        if must_be_known is None:
            must_be_known = self.require_known_chats
        if must_be_known and raw not in self.chats:
            raise _bad_request("chat not found")
        return raw

    @staticmethod
    def _message_id(params: dict[str, Any]) -> int:
        if params.get("inline_message_id"):
            raise _bad_request("inline messages are not supported by FakeBotAPI")
        raw = params.get("message_id")
        if raw is None or raw == "":
            raise _bad_request("message identifier is not specified")
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise _bad_request("invalid message identifier specified")
        return raw

    @staticmethod
    def _str(params: dict[str, Any], key: str) -> str | None:
        value = params.get(key)
        if value is None:
            return None
        if isinstance(value, UploadedFile):
            raise _bad_request(f"{key} must be a string")
        return value if isinstance(value, str) else json.dumps(value)

    # ------------------------------------------------------------------ validation

    def _parse_reply_markup(
        self, params: dict[str, Any], *, inline_only: bool = False
    ) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._validate_inline_keyboard(markup["inline_keyboard"])
        elif inline_only:
            raise _bad_request("inline keyboard expected")
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad_request("can't parse reply keyboard markup JSON object")
            for row in rows:
                for button in row:
                    text = button if isinstance(button, str) else (button or {}).get("text")
                    if not isinstance(text, str) or not text:
                        raise _bad_request(
                            'can\'t parse keyboard button: Field "text" must be of type String'
                        )
        elif markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            pass
        else:
            raise _bad_request("can't parse reply keyboard markup JSON object")
        return markup

    @staticmethod
    def _validate_inline_keyboard(rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                "can't parse inline keyboard markup: "
                'field "inline_keyboard" must be an Array of Arrays'
            )
        total = 0
        for row in rows:
            for button in row:
                total += 1
                if not isinstance(button, dict):
                    raise _bad_request(
                        "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                    )
                text = button.get("text")
                if not isinstance(text, str) or not text.strip():
                    raise _bad_request(
                        'can\'t parse inline keyboard button: Field "text" must be of type String'
                    )
                actions = [name for name in INLINE_BUTTON_ACTIONS if name in button]
                if not actions:
                    raise _bad_request(
                        "can't parse inline keyboard button: "
                        "Text buttons are unallowed in the inline keyboard"
                    )
                if len(actions) > 1:
                    raise _bad_request(
                        "can't parse inline keyboard button: "
                        "exactly one of the optional fields must be "
                        f"used, got {actions}"
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if (
                        not isinstance(data, str)
                        or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                    ):
                        raise _bad_request("BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
                        raise _bad_request(
                            f"inline keyboard button URL {url!r} is invalid: Wrong HTTP URL"
                        )
        if total > MAX_INLINE_BUTTONS:
            raise _bad_request("reply markup is too long")

    @staticmethod
    def _markup_key(markup: dict[str, Any] | None) -> str:
        """Canonical form for "not modified" comparisons (no keyboard == empty keyboard)."""
        if not markup or not markup.get("inline_keyboard"):
            return ""
        return json.dumps(markup, sort_keys=True)

    def _parse_text(self, params: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
        text = self._str(params, "text")
        if text is None or not text.strip():
            raise _bad_request("message text is empty")
        plain, entities = parse_formatted_text(
            text, self._str(params, "parse_mode"), params.get("entities")
        )
        if not plain:
            raise _bad_request("message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        return text, plain, entities

    def _parse_caption(
        self, params: dict[str, Any]
    ) -> tuple[str | None, str, list[dict[str, Any]]]:
        caption = self._str(params, "caption")
        if caption is None:
            return None, "", []
        plain, entities = parse_formatted_text(
            caption, self._str(params, "parse_mode"), params.get("caption_entities")
        )
        if len(plain) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        return caption, plain, entities

    def _reply_target(self, chat_id: int, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, lenient = (
                reply.get("message_id"),
                bool(reply.get("allow_sending_without_reply")),
            )
        else:
            message_id = params.get("reply_to_message_id")
            lenient = bool(params.get("allow_sending_without_reply"))
        if message_id is None:
            return None
        key = (chat_id, message_id)
        exists = (key in self._by_id and not self._by_id[key].deleted) or key in self._incoming
        if not exists:
            if lenient:
                return None
            raise _bad_request("message to be replied not found")
        return int(message_id)

    # ------------------------------------------------------------------ sending

    def _check_rate(self, chat_id: int, now: float) -> None:
        """Raise 429 if a send to ``chat_id`` now would exceed the configured limits."""
        if not self.enforce_limits:
            return
        retry: float | None = None
        chat_times = [m.timestamp for m in self._by_chat[chat_id]]
        if chat_times and now - chat_times[-1] < self.per_chat_interval:
            retry = self.per_chat_interval - (now - chat_times[-1])
        recent = [m.timestamp for m in self._sent if now - m.timestamp < 1.0]
        if len(recent) >= self.overall_per_second:
            retry = max(retry or 0.0, 1.0 - (now - recent[0]))
        if self.group_per_minute is not None and chat_id < 0:
            last_minute = [t for t in chat_times if now - t < 60.0]
            if len(last_minute) >= self.group_per_minute:
                retry = max(retry or 0.0, 60.0 - (now - last_minute[0]))
        if retry is not None:
            seconds = max(1, math.ceil(retry))
            raise ApiError(429, f"Too Many Requests: retry after {seconds}", seconds)

    def _store_message(
        self, chat_id: int, method: str, params: dict[str, Any], **fields: Any
    ) -> dict[str, Any]:
        """Rate-check, store and return the Message JSON of a new bot message."""
        markup = self._parse_reply_markup(params)
        reply_to = self._reply_target(chat_id, params)
        now = time.monotonic()
        self._check_rate(chat_id, now)
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self._allocate_message_id(chat_id),
            method=method,
            parse_mode=self._str(params, "parse_mode"),
            reply_markup=markup,
            timestamp=now,
            date=int(time.time()),
            reply_to_message_id=reply_to,
            **fields,
        )
        self._sent.append(sent)
        self._by_chat[chat_id].append(sent)
        self._by_id[(chat_id, sent.message_id)] = sent
        return self._message_json(sent)

    def _message_json(self, sent: SentMessage) -> dict[str, Any]:
        """The Message object Telegram would return for ``sent``."""
        chat = self.chats.get(sent.chat_id) or {
            "id": sent.chat_id,
            "type": "private",
            "first_name": "?",
        }
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": self.bot_user,
            "chat": chat,
            "date": sent.date,
        }
        if sent.edit_date is not None:
            message["edit_date"] = sent.edit_date
        if sent.kind == "text":
            message["text"] = sent.plain_text
            if sent.entities:
                message["entities"] = sent.entities
        elif sent.kind == "poll":
            message["poll"] = sent.poll
        else:
            if sent.plain_text:
                message["caption"] = sent.plain_text
            if sent.entities:
                message["caption_entities"] = sent.entities
            if sent.kind == "photo":
                message["photo"] = sent.photo_sizes
            else:
                message["document"] = sent.document_info
        if sent.reply_to_message_id is not None:
            key = (sent.chat_id, sent.reply_to_message_id)
            if key in self._by_id:
                target = dict(self._message_json(self._by_id[key]))
                target.pop("reply_to_message", None)
                message["reply_to_message"] = target
            elif key in self._incoming:
                message["reply_to_message"] = self._incoming[key]
        if self._markup_key(sent.reply_markup):
            message["reply_markup"] = sent.reply_markup
        return message

    def _store_file(self, content: bytes | None, file_path: str) -> _StoredFile:
        unique = uuid.uuid4().hex
        stored = _StoredFile(
            file_id=f"BQACAgQAAx{unique}",
            file_unique_id=f"AgAD{unique[:12]}",
            content=content,
            file_path=file_path.replace("file.", f"file_{unique[:8]}.", 1)
            if "file." in file_path
            else file_path,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _input_file(self, params: dict[str, Any], key: str) -> UploadedFile | _StoredFile | str:
        """Resolve a photo/document parameter: upload, attach://, known file_id or URL."""
        value = params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
        if isinstance(value, UploadedFile):
            if not value.content:
                raise _bad_request("file must be non-empty")
            return value
        if isinstance(value, str) and value:
            if value in self._files:
                return self._files[value]
            if re.match(r"https?://\S+$", value):
                return value
            raise _bad_request("wrong file identifier/HTTP URL specified")
        raise _bad_request(f"there is no {key} in the request")

    # ------------------------------------------------------------------ methods

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook["url"]:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        limit = params.get("limit", 100)
        limit = min(max(limit, 1), 100) if isinstance(limit, int) else 100
        timeout = params.get("timeout", 0)
        timeout = max(float(timeout), 0.0) if isinstance(timeout, int | float) else 0.0
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = set(allowed) if allowed else None

        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # terminates an older, still waiting getUpdates with 409
        if isinstance(offset, int):
            if offset < 0:
                self._pending_updates = self._pending_updates[offset:]
            else:
                self._pending_updates = [
                    u for u in self._pending_updates if u["update_id"] >= offset
                ]

        def ready() -> bool:
            return (
                bool(self._deliverable()) or generation != self._poll_generation or self._stopping
            )

        await self.wait_until(ready, timeout)
        if generation != self._poll_generation:
            raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
        return self._deliverable()[:limit]

    def _deliverable(self) -> list[dict[str, Any]]:
        """Pending updates of allowed types; updates of other types are dropped."""

        def allowed(update: dict[str, Any]) -> bool:
            kind = next((k for k in update if k != "update_id"), "")
            if self._allowed_updates is None:
                return kind not in DEFAULT_EXCLUDED_UPDATES
            return kind in self._allowed_updates

        self._pending_updates = [u for u in self._pending_updates if allowed(u)]
        return self._pending_updates

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = self._str(params, "url") or ""
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = self._str(params, "secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending_updates.clear()
        self.webhook = {"url": url}
        for key in ("secret_token", "max_connections", "allowed_updates", "ip_address"):
            if params.get(key) is not None:
                self.webhook[key] = params[key]
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending_updates.clear()
        self.webhook = {"url": ""}
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook["url"],
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending_updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise _bad_request("can't parse BotCommandScope JSON object")
        language = params.get("language_code") or ""
        return json.dumps(scope, sort_keys=True), str(language)

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self.commands[self._commands_key(params)] = cleaned
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        text, plain, entities = self._parse_text(params)
        return self._store_message(
            chat_id,
            "sendMessage",
            params,
            text=text,
            caption=None,
            plain_text=plain,
            entities=entities,
        )

    async def _send_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendPoll, regular polls only, with Telegram's limits on question and options."""
        chat_id = self._chat_id(params)
        question = params.get("question")
        if not isinstance(question, str) or not question.strip():
            raise _bad_request("poll question must be non-empty")
        if len(question) > MAX_POLL_QUESTION:
            raise _bad_request("poll question length must not exceed 300")
        if params.get("type", "regular") != "regular":
            raise _bad_request("FakeBotAPI supports regular polls only")
        raw = params.get("options")
        if not isinstance(raw, list):
            raise _bad_request("can't parse options JSON object")
        texts = []
        for option in raw:
            text = option.get("text") if isinstance(option, dict) else option
            if not isinstance(text, str) or not text.strip():
                raise _bad_request("poll options must be non-empty")
            if len(text) > MAX_POLL_OPTION:
                raise _bad_request("poll options length must not exceed 100")
            texts.append(text)
        if not MIN_POLL_OPTIONS <= len(texts) <= MAX_POLL_OPTIONS:
            raise _bad_request("poll must have 2-10 options")
        if chat_id < 0 and self.chats.get(chat_id, {}).get("type") == "channel" and (
                params.get("is_anonymous") is False):
            raise _bad_request("non-anonymous polls can't be sent to channel chats")
        self._poll_seq += 1
        poll = {
            "id": str(5_000_000_000_000_000_000 + self._poll_seq),
            "question": question,
            "options": [{"persistent_id": str(i), "text": t, "voter_count": 0}
                        for i, t in enumerate(texts)],
            "total_voter_count": 0,
            "is_closed": bool(params.get("is_closed", False)),
            "is_anonymous": params.get("is_anonymous", True) is not False,
            "type": "regular",
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            # Bot API 9.6 / 10.0 fields python-telegram-bot requires.
            "allows_revoting": True,
            "members_only": False,
        }
        return self._store_message(chat_id, "sendPoll", params, text=None, caption=None,
                                   plain_text=question, entities=[], poll=poll)

    async def _stop_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params, must_be_known=False)
        sent = self._by_id.get((chat_id, self._message_id(params)))
        if sent is None or sent.poll is None or sent.deleted:
            raise _bad_request("message with poll to stop not found")
        if sent.poll["is_closed"]:
            raise _bad_request("poll has already been closed")
        sent.poll["is_closed"] = True
        return dict(sent.poll)

    def vote(self, chat_id: int, message_id: int, option_ids: list[int],
             user_id: int | None = None) -> dict[str, Any]:
        """A user in ``chat_id`` votes in the bot's poll (``[]`` retracts their vote).

        Like Telegram: one vote per user per poll (a new vote replaces theirs), none in a
        closed poll; the bot gets a ``poll`` update with the new counts (and, for a
        non-anonymous poll, a ``poll_answer`` with who voted). Returns the Poll.
        """
        user_id = chat_id if user_id is None else user_id
        sent = self._by_id.get((chat_id, message_id))
        if sent is None or sent.poll is None or sent.deleted:
            raise ValueError(f"no poll {message_id} in chat {chat_id}")
        poll = sent.poll
        if poll["is_closed"]:
            raise ValueError("the poll is closed")
        if len(option_ids) > 1 and not poll["allows_multiple_answers"]:
            raise ValueError("this poll allows one answer")
        if any(not 0 <= i < len(poll["options"]) for i in option_ids):
            raise ValueError(f"no such option in {option_ids}")
        votes = self._poll_votes.setdefault(poll["id"], {})
        for i in votes.pop(user_id, []):
            poll["options"][i]["voter_count"] -= 1
        if option_ids:
            votes[user_id] = list(option_ids)
            for i in option_ids:
                poll["options"][i]["voter_count"] += 1
        poll["total_voter_count"] = len(votes)
        self.inject_update({"poll": json.loads(json.dumps(poll))})
        if not poll["is_anonymous"]:
            self.inject_update({"poll_answer": {
                "poll_id": poll["id"], "user": self._user_json(user_id, "Resident", None),
                "option_ids": list(option_ids)}})
        return poll

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        source = self._input_file(params, "photo")
        caption, plain, entities = self._parse_caption(params)
        content: bytes | None = None
        filename: str | None = None
        size: tuple[int, int] = (1280, 960)
        if isinstance(source, UploadedFile):
            if len(source.content) > MAX_PHOTO_BYTES:
                raise _bad_request("PHOTO_INVALID_DIMENSIONS")
            detected = _image_size(source.content)
            if detected is None:
                raise _bad_request("IMAGE_PROCESS_FAILED")
            content, filename, size = source.content, source.filename, detected
        elif isinstance(source, _StoredFile):
            content = source.content
        sizes: list[dict[str, Any]] = []
        width, height = size
        for limit in (90, 320, 800, 1280):
            scale = min(1.0, limit / max(width, height, 1))
            dims = (max(1, round(width * scale)), max(1, round(height * scale)))
            if sizes and (sizes[-1]["width"], sizes[-1]["height"]) == dims:
                continue
            stored = self._store_file(content, "photos/file.jpg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": dims[0],
                    "height": dims[1],
                    "file_size": len(content or b""),
                }
            )
        return self._store_message(
            chat_id,
            "sendPhoto",
            params,
            text=None,
            caption=caption,
            plain_text=plain,
            entities=entities,
            photo=content,
            filename=filename,
            photo_sizes=sizes,
        )

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_id(params)
        source = self._input_file(params, "document")
        caption, plain, entities = self._parse_caption(params)
        content: bytes | None = None
        filename, mime = "document", "application/octet-stream"
        if isinstance(source, UploadedFile):
            if len(source.content) > MAX_DOCUMENT_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            content, filename, mime = (
                source.content,
                source.filename or filename,
                source.content_type or mime,
            )
        elif isinstance(source, _StoredFile):
            content = source.content
            filename = source.file_path.rsplit("/", 1)[-1]
        elif isinstance(source, str):
            filename = source.rsplit("/", 1)[-1] or filename
        stored = self._store_file(content, f"documents/{filename}")
        info = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime,
            "file_size": len(content or b""),
        }
        return self._store_message(
            chat_id,
            "sendDocument",
            params,
            text=None,
            caption=caption,
            plain_text=plain,
            entities=entities,
            document=content,
            filename=filename,
            mime_type=mime,
            document_info=info,
        )

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat_id(params)
        action = self._str(params, "action")
        if action not in CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self.chat_actions.append((chat_id, action, time.monotonic()))
        return True

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        key = (chat_id, message_id)
        sent = self._by_id.get(key)
        if sent is None or sent.deleted:
            if key in self._incoming:
                raise _bad_request("message can't be edited")
            raise _bad_request("message to edit not found")
        return sent

    @staticmethod
    def _snapshot(sent: SentMessage) -> dict[str, Any]:
        return {
            "text": sent.text,
            "caption": sent.caption,
            "parse_mode": sent.parse_mode,
            "reply_markup": sent.reply_markup,
            "timestamp": time.monotonic(),
        }

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._editable(params)
        if sent.kind != "text":
            raise _bad_request("there is no text in the message to edit")
        text, plain, entities = self._parse_text(params)
        markup = self._parse_reply_markup(params, inline_only=True)
        if (plain, entities, self._markup_key(markup)) == (
            sent.plain_text,
            sent.entities,
            self._markup_key(sent.reply_markup),
        ):
            raise _bad_request(NOT_MODIFIED)
        sent.edits.append(self._snapshot(sent))
        sent.text, sent.plain_text, sent.entities = text, plain, entities
        sent.parse_mode, sent.reply_markup = self._str(params, "parse_mode"), markup
        sent.edit_date = int(time.time())
        return self._message_json(sent)

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._editable(params)
        if sent.kind == "text":
            raise _bad_request("there is no caption in the message to edit")
        caption, plain, entities = self._parse_caption(params)
        markup = self._parse_reply_markup(params, inline_only=True)
        if (plain, entities, self._markup_key(markup)) == (
            sent.plain_text,
            sent.entities,
            self._markup_key(sent.reply_markup),
        ):
            raise _bad_request(NOT_MODIFIED)
        sent.edits.append(self._snapshot(sent))
        sent.caption, sent.plain_text, sent.entities = caption, plain, entities
        sent.parse_mode, sent.reply_markup = self._str(params, "parse_mode"), markup
        sent.edit_date = int(time.time())
        return self._message_json(sent)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = self._editable(params)
        markup = self._parse_reply_markup(params, inline_only=True)
        if self._markup_key(markup) == self._markup_key(sent.reply_markup):
            raise _bad_request(NOT_MODIFIED)
        sent.edits.append(self._snapshot(sent))
        sent.reply_markup = markup
        sent.edit_date = int(time.time())
        return self._message_json(sent)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        key = (chat_id, message_id)
        sent = self._by_id.get(key)
        if sent is not None and not sent.deleted:
            sent.deleted = True
            return True
        if key in self._incoming:
            del self._incoming[key]
            return True
        raise _bad_request("message to delete not found")

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = self._str(params, "callback_query_id")
        if not query_id or query_id not in self._callbacks or query_id in self.callback_answers:
            raise _bad_request(QUERY_TOO_OLD)
        text = self._str(params, "text")
        if text is not None and len(text) > MAX_CALLBACK_ANSWER_TEXT:
            raise _bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = params
        return True

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = self._str(params, "file_id")
        stored = self._files.get(file_id or "")
        if stored is None:
            raise _bad_request("invalid file_id")
        result: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.content is not None:
            result["file_size"] = len(stored.content)
            result["file_path"] = stored.file_path
        return result


# --------------------------------------------------------------------------- helpers


def _normalise(params: dict[str, Any]) -> dict[str, Any]:
    """Decode the string forms PTB posts: ints, floats, booleans and JSON-encoded objects."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str):
            if key in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in _FLOAT_PARAMS and re.fullmatch(r"-?\d+(\.\d*)?", value):
                number = float(value)
                value = int(number) if number.is_integer() else number
            elif key in _BOOL_PARAMS and value.lower() in ("true", "false"):
                value = value.lower() == "true"
            elif key in _JSON_PARAMS and value[:1] in ("{", "["):
                try:
                    value = json.loads(value)
                except ValueError:
                    raise _bad_request(f"can't parse {key} JSON object") from None
        result[key] = value
    return result


def _max_in_window(times: Iterable[float], window: float) -> int:
    """Largest number of timestamps inside any half-open span of ``window`` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
