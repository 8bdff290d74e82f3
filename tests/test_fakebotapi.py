"""Prove tests/fakebotapi.py against real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import struct
import sys
import time
import warnings
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

sys.path.insert(0, str(Path(__file__).parent))
from fakebotapi import FakeBotAPI  # noqa: E402

# PTB itself warns when it builds a RetryAfter (int -> timedelta transition); not our concern.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning"
)

CHAT = 1001
OTHER_CHAT = 1002


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.fixture
async def api() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI(bot_username="csp_fake_bot") as server:
        server.add_chat(CHAT)
        server.add_chat(OTHER_CHAT)
        yield server


@pytest.fixture
async def bot(api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


def keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows]
    )


# --------------------------------------------------------------------------- basics


async def test_get_me_through_ptb_bot(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "csp_fake_bot"
    assert me.is_bot and me.id == api.bot_user["id"]
    assert bot.username == "csp_fake_bot"  # initialize() called getMe
    assert [m for m, _ in api.calls][:2] == ["getMe", "getMe"]


async def test_wrong_token_is_unauthorized(api: FakeBotAPI) -> None:
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot("999:wrong-token", base_url=api.base_url):  # initialize() calls getMe
            pass


async def test_raw_http_unknown_method_json_and_form(api: FakeBotAPI) -> None:
    url = f"{api.base_url}{api.token}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/fooBar") as resp:
            assert resp.status == 404
            assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{api.base_url}1:bad/getMe") as resp:
            assert resp.status == 401
            assert (await resp.json())["description"] == "Unauthorized"
        body = {
            "chat_id": CHAT,
            "text": "json body",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        }
        async with http.post(f"{url}/sendMessage", json=body) as resp:
            payload = await resp.json()
            assert payload["ok"] and payload["result"]["reply_markup"] == body["reply_markup"]
        form = {"chat_id": str(CHAT), "text": "form body", "disable_notification": "true"}
        async with http.post(f"{url}/sendmessage", data=form) as resp:  # names are case-insensitive
            assert (await resp.json())["result"]["text"] == "form body"
    assert api.calls_of("sendMessage")[-1] == {
        "chat_id": CHAT,
        "text": "form body",
        "disable_notification": True,
    }
    assert [m.text for m in api.messages(CHAT)] == ["json body", "form body"]


async def test_send_message_is_stored_and_returned(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard([("Yes", "vote:yes"), ("No", "vote:no")])
    message = await bot.send_message(
        CHAT, "  <b>Hello</b> &amp; welcome  ", parse_mode="HTML", reply_markup=markup
    )
    assert message.text == "Hello & welcome"
    assert message.entities[0].type == "bold" and message.entities[0].length == 5
    assert message.reply_markup == markup
    assert message.from_user.username == "csp_fake_bot" and message.chat.id == CHAT

    [stored] = api.messages(CHAT)
    assert stored.message_id == message.message_id == 1
    assert (
        stored.text == "  <b>Hello</b> &amp; welcome  " and stored.plain_text == "Hello & welcome"
    )
    assert stored.parse_mode == "HTML"
    assert stored.reply_markup == markup.to_dict()  # PTB posts it as a JSON string
    assert stored.callback_data("No") == "vote:no"
    assert stored.timestamp <= time.monotonic()
    second = await bot.send_message(CHAT, "again", reply_to_message_id=message.message_id)
    assert second.message_id == 2 and second.reply_to_message.message_id == 1
    assert api.all_sent == api.messages(CHAT)


async def test_photo_document_and_file_download(api: FakeBotAPI, bot: Bot) -> None:
    png = tiny_png(640, 480)
    photo_msg = await bot.send_photo(
        CHAT, png, caption="<i>chart</i>", parse_mode="HTML", filename="chart.png"
    )
    assert photo_msg.caption == "chart" and photo_msg.photo[-1].width == 640
    doc_msg = await bot.send_document(CHAT, b"a,b\n1,2\n", filename="report.csv", caption="Report")
    assert doc_msg.document.file_name == "report.csv" and doc_msg.document.file_size == 8

    photo, doc = api.messages(CHAT)
    assert photo.photo == png and photo.filename == "chart.png" and photo.caption == "<i>chart</i>"
    assert (
        doc.document == b"a,b\n1,2\n"
        and doc.filename == "report.csv"
        and doc.mime_type == "text/csv"
    )

    tg_file = await bot.get_file(doc_msg.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == b"a,b\n1,2\n"
    resent = await bot.send_photo(OTHER_CHAT, photo_msg.photo[-1].file_id)  # re-send by file_id
    assert api.messages(OTHER_CHAT)[0].photo == png and resent.photo

    with pytest.raises(BadRequest, match="(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(CHAT, b"not an image", filename="x.png")
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(CHAT, "no-such-file-id")
    with pytest.raises(BadRequest, match="(?i)caption is too long"):
        await bot.send_document(CHAT, b"x", filename="x.txt", caption="c" * 1025)


async def test_commands_webhook_chat_action_delete(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("report", "Report an issue")]
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "report"]
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "Upper case is invalid")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()

    await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="(?i)HTTPS URL"):
        await bot.set_webhook("http://example.org/hook")
    await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""

    assert await bot.send_chat_action(CHAT, "typing")
    with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
        await bot.send_chat_action(CHAT, "dancing")
    assert [(c, a) for c, a, _ in api.chat_actions] == [(CHAT, "typing")]

    message = await bot.send_message(CHAT, "temporary")
    assert await bot.delete_message(CHAT, message.message_id)
    assert api.messages(CHAT)[0].deleted and api.messages(CHAT, include_deleted=False) == []
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(CHAT, message.message_id)


# --------------------------------------------------------------------------- strictness


REJECTED_SENDS: list[tuple[str, dict[str, Any], str]] = [
    ("empty text", {"text": "   \n "}, "message text is empty"),
    ("empty after markup", {"text": "<b> </b>", "parse_mode": "HTML"}, "message text is empty"),
    ("too long", {"text": "x" * 4097}, "message is too long"),
    (
        "callback data 65 bytes",
        {"reply_markup": keyboard([("A", "é" * 32 + "x")])},
        "BUTTON_DATA_INVALID",
    ),
    (
        "bare <",
        {"text": "1 < 2", "parse_mode": "HTML"},
        "can't parse entities: Unsupported start tag",
    ),
    ("bare &", {"text": "Fish & chips", "parse_mode": "HTML"}, "can't parse entities"),
    ("unknown entity", {"text": "&nbsp;", "parse_mode": "HTML"}, "can't parse entities"),
    (
        "unclosed tag",
        {"text": "<b>bold", "parse_mode": "HTML"},
        "can't parse entities: Can't find end tag",
    ),
    (
        "bad nesting",
        {"text": "<b><i>x</b></i>", "parse_mode": "HTML"},
        "can't parse entities: Unmatched end tag",
    ),
    ("unknown tag", {"text": "<div>x</div>", "parse_mode": "HTML"}, 'Unsupported start tag "div"'),
    ("span w/o spoiler", {"text": "<span>x</span>", "parse_mode": "HTML"}, "tg-spoiler"),
    ("a w/o href", {"text": "<a>x</a>", "parse_mode": "HTML"}, "can't parse entities"),
    (
        "mdv2 unescaped .",
        {"text": "Done.", "parse_mode": "MarkdownV2"},
        "Character '.' is reserved",
    ),
    ("unknown chat", {"chat_id": 555}, "chat not found"),
    ("missing reply target", {"reply_to_message_id": 77}, "message to be replied not found"),
]


@pytest.mark.parametrize(
    ("overrides", "error"), [c[1:] for c in REJECTED_SENDS], ids=[c[0] for c in REJECTED_SENDS]
)
async def test_send_message_rejections(
    api: FakeBotAPI, bot: Bot, overrides: dict[str, Any], error: str
) -> None:
    kwargs: dict[str, Any] = {"chat_id": CHAT, "text": "hello", **overrides}
    with pytest.raises(BadRequest) as excinfo:
        await bot.send_message(**kwargs)
    assert error.lower() in str(excinfo.value).lower()  # PTB capitalize()s 400 texts
    assert api.all_sent == []


@pytest.mark.parametrize(
    "button",
    [
        {"text": "both", "callback_data": "x", "url": "https://example.org"},
        {"text": "neither"},
        {"callback_data": "no text"},
        {"text": "bad url", "url": "example.org"},
    ],
)
async def test_inline_keyboard_shape_is_validated(api: FakeBotAPI, button: dict[str, Any]) -> None:
    # PTB's own classes cannot express most of these shapes, so post PTB-style form data directly.
    form = {
        "chat_id": str(CHAT),
        "text": "hi",
        "reply_markup": json.dumps({"inline_keyboard": [[button]]}),
    }
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api.base_url}{api.token}/sendMessage", data=form) as resp:
            payload = await resp.json()
    assert resp.status == 400 and payload["ok"] is False and payload["error_code"] == 400
    assert "inline keyboard button" in payload["description"]


ACCEPTED_TEXTS = [
    (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins>"
        "<s>s</s><strike>k</strike><del>d</del>",
        "HTML",
    ),
    (
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "HTML",
    ),
    (
        "<a href='https://x.example/?a=1&b=2'>link</a> <code>c</code> "
        '<pre><code class="language-py">p</code></pre>',
        "HTML",
    ),
    ("<blockquote expandable>q</blockquote> &lt;&gt;&amp;&quot;&#39;&#x27; 2 > 1", "HTML"),
    ("*b* _i_ __u__ ~s~ ||sp|| `c` [l](https://x.example) Done\\.", "MarkdownV2"),
    ("<b>" + "x" * 4096 + "</b>", "HTML"),  # 4096 visible characters is fine
]


@pytest.mark.parametrize(("text", "parse_mode"), ACCEPTED_TEXTS)
async def test_valid_markup_is_accepted(bot: Bot, text: str, parse_mode: str) -> None:
    message = await bot.send_message(CHAT, text, parse_mode=parse_mode)
    assert message.entities


async def test_edits_are_strict(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard([("Go", "go")])
    message = await bot.send_message(CHAT, "<b>Menu</b>", parse_mode="HTML", reply_markup=markup)

    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text(
            "<b>Menu</b>", CHAT, message.message_id, parse_mode="HTML", reply_markup=markup
        )
    with pytest.raises(
        BadRequest, match="(?i)message is not modified"
    ):  # different markup, same result
        await bot.edit_message_text(
            "<strong>Menu</strong>",
            CHAT,
            message.message_id,
            parse_mode="HTML",
            reply_markup=markup,
        )
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(CHAT, message.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.edit_message_text("", CHAT, message.message_id)
    with pytest.raises(BadRequest, match="(?i)there is no caption"):
        await bot.edit_message_caption(CHAT, message.message_id, caption="c")

    edited = await bot.edit_message_text(
        "Menu", CHAT, message.message_id, reply_markup=markup
    )  # entities differ
    assert edited.text == "Menu" and edited.edit_date is not None
    edited = await bot.edit_message_reply_markup(
        CHAT, message.message_id, reply_markup=keyboard([("Back", "back")])
    )
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "back"
    await bot.edit_message_text("Menu", CHAT, message.message_id)  # no markup -> keyboard removed
    stored = api.message(CHAT, message.message_id)
    assert (
        stored.reply_markup is None
        and len(stored.edits) == 3
        and stored.edits[0]["text"] == "<b>Menu</b>"
    )

    photo = await bot.send_photo(CHAT, tiny_png(), caption="old")
    with pytest.raises(BadRequest, match="(?i)there is no text"):
        await bot.edit_message_text("new", CHAT, photo.message_id)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_caption(CHAT, photo.message_id, caption="old")
    assert (await bot.edit_message_caption(CHAT, photo.message_id, caption="new")).caption == "new"


async def test_callback_answers(api: FakeBotAPI, bot: Bot) -> None:
    message = await bot.send_message(CHAT, "Pick", reply_markup=keyboard([("A", "a")]))
    query_id = api.inject_callback(CHAT, message.message_id, "a")
    assert await bot.answer_callback_query(query_id, text="Thanks")
    assert api.callback_answers[query_id]["text"] == "Thanks"
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("123456789")
    with pytest.raises(ValueError, match="no button"):
        api.inject_callback(CHAT, message.message_id, "not-offered")


# --------------------------------------------------------------------------- faults


async def test_fault_injection(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(CHAT, "hi")
    assert retry_seconds(excinfo.value) == 3

    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(CHAT, "hi")

    api.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=OTHER_CHAT)
    await bot.send_message(CHAT, "other chat unaffected")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(OTHER_CHAT, "hi")

    api.fail_next("*", 500, count=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(CHAT, "hi")
    await bot.send_message(CHAT, "recovered")
    assert [m.text for m in api.all_sent] == ["other chat unaffected", "recovered"]
    assert len(api.calls_of("sendMessage")) == 7  # failed calls are recorded too


async def test_block_chat_and_delay(api: FakeBotAPI, bot: Bot) -> None:
    api.block_chat(CHAT)
    for _ in range(2):
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(CHAT, "hi")
    with pytest.raises(Forbidden):
        await bot.send_photo(CHAT, tiny_png())
    await bot.send_message(OTHER_CHAT, "fine")

    api.set_delay("sendMessage", 0.3)
    started = time.monotonic()
    await bot.send_message(OTHER_CHAT, "slow")
    assert time.monotonic() - started >= 0.3
    api.set_delay("sendMessage", None)


async def test_rate_limits_enforced_and_measured() -> None:
    async with FakeBotAPI(enforce_limits=True, require_known_chats=False) as api:
        async with Bot(api.token, base_url=api.base_url) as bot:
            await bot.send_message(1, "first")
            with pytest.raises(RetryAfter) as excinfo:
                await bot.send_message(1, "too fast")
            assert retry_seconds(excinfo.value) == 1
            for chat_id in range(2, 31):
                await bot.send_message(chat_id, "burst")
            with pytest.raises(RetryAfter):
                await bot.send_message(99, "31st in a second")
    assert len(api.all_sent) == 30
    assert api.max_per_chat_rate() == 1
    assert api.max_overall_rate() == 30


async def test_rate_helpers_without_enforcement(api: FakeBotAPI, bot: Bot) -> None:
    for _ in range(3):
        await bot.send_message(CHAT, "spam")
    await bot.send_message(OTHER_CHAT, "one")
    assert api.max_per_chat_rate() == 3
    assert api.max_overall_rate() == 4


# --------------------------------------------------------------------------- updates


async def test_get_updates_long_polling(api: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(milliseconds=300)) == ()
    assert 0.25 <= time.monotonic() - started < 2

    asyncio.get_running_loop().call_later(0.1, api.inject_message, CHAT, "hello")
    started = time.monotonic()
    [update] = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 2  # returned early, not after 5 s
    assert update.message.text == "hello" and update.message.chat.type == "private"

    again = await bot.get_updates(timeout=0)  # not confirmed yet
    assert [u.update_id for u in again] == [update.update_id]
    api.inject_message(CHAT, "/start now", username="res")
    api.inject_message(CHAT, "third")
    batch = await bot.get_updates(offset=update.update_id + 1, limit=1)
    assert batch[0].message.text == "/start now" and batch[0].update_id > update.update_id
    assert (
        batch[0].message.entities[0].type == "bot_command"
        and batch[0].message.entities[0].length == 6
    )
    rest = await bot.get_updates(offset=batch[0].update_id + 1)
    assert [u.message.text for u in rest] == ["third"]

    message = await bot.send_message(CHAT, "Pick", reply_markup=keyboard([("A", "a")]))
    api.inject_callback(CHAT, message.message_id, "a")
    api.inject_message(CHAT, "filtered out")
    updates = await bot.get_updates(
        offset=rest[0].update_id + 1, allowed_updates=["callback_query"]
    )
    assert [u.callback_query.data for u in updates] == ["a"]
    assert updates[0].callback_query.message.text == "Pick"


async def test_second_poller_terminates_first(api: FakeBotAPI, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_for_calls("getUpdates", 1)
    async with Bot(api.token, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


async def test_wait_for_messages_times_out_quickly(api: FakeBotAPI) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="expected 1 message"):
        await api.wait_for_messages(CHAT, 1, timeout=0.2)
    assert time.monotonic() - started < 1


async def test_application_end_to_end(api: FakeBotAPI) -> None:
    errors: list[object] = []
    second_answer: list[BadRequest] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(
            "Welcome! Choose:", reply_markup=keyboard([("Report", "report")])
        )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"You said: {update.message.text}")

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer("Noted")
        try:
            await query.answer("twice")
        except BadRequest as exc:
            second_answer.append(exc)
        await query.edit_message_text(f"You chose {query.data}")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        errors.append(context.error)

    application: Application = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)

    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            api.inject_message(CHAT, "/start", first_name="Alice")
            [welcome] = await api.wait_for_messages(CHAT, 1)
            assert welcome.text == "Welcome! Choose:"

            api.inject_message(CHAT, "There is graffiti on the bridge")
            _, echoed = await api.wait_for_messages(CHAT, 2)
            assert echoed.text == "You said: There is graffiti on the bridge"

            query_id = api.inject_callback(
                CHAT, welcome.message_id, welcome.callback_data("Report")
            )
            answer = await api.wait_for_callback_answer(query_id)
            assert answer["text"] == "Noted"
            assert await api.wait_until(lambda: bool(api.message(CHAT, welcome.message_id).edits))
            assert api.message(CHAT, welcome.message_id).text == "You chose report"
            assert len(second_answer) == 1 and "query is too old" in str(second_answer[0]).lower()
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
    assert errors == []
    assert api.calls_of("deleteWebhook")  # PTB bootstraps polling with deleteWebhook
