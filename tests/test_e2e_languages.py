"""Polish, Urdu and Punjabi on Telegram, end to end, through the fake Bot API (issue 13)."""

from __future__ import annotations

from pathlib import Path

from tests.harness import running_bot

RESIDENT = 1301


async def test_polish_crisis_gets_polish_999_reply_first(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        [reply] = await bot.say(RESIDENT, "Pomocy mój mąż mnie bije")
        # 999 leads, in Polish, with the Silent Solution (55) and no buttons in a crisis.
        assert reply.plain_text.startswith(
            "Jeśli ty lub ktoś inny jest teraz w niebezpieczeństwie, dzwoń pod 999")
        assert "55" in reply.plain_text
        assert "tłumacza" in reply.plain_text  # an interpreter can be arranged
        assert "0808 2000 247" in reply.plain_text  # the helpline, from contacts.yaml
        assert "nie zostało jeszcze sprawdzone" in reply.plain_text  # unreviewed, said so
        assert not reply.buttons()


async def test_language_choice_gives_urdu_menu_and_forget_removes_it(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        [menu] = await bot.say(RESIDENT, "/language ur")
        assert "زبان اردو" in menu.plain_text  # confirmed in Urdu
        assert "ایمرجنسی: 999" in menu.plain_text  # the Urdu menu
        labels = [b["text"] for b in menu.buttons()]
        assert "گھریلو تشدد کے لیے مدد" in labels  # buttons follow the choice
        for b in menu.buttons():
            assert len(b["callback_data"].encode()) <= 64
        # A button gives the Urdu answer, with contacts from contacts.yaml.
        [answer] = await bot.press(RESIDENT, menu, "گھریلو تشدد کے لیے مدد")
        assert "0808 2000 247" in answer.plain_text and "مترجم" in answer.plain_text
        # With Urdu chosen, a message in no language the bot reads gets the Urdu menu.
        [hello] = await bot.say(RESIDENT, "hello")
        assert "ایمرجنسی: 999" in hello.plain_text
        db = await bot.services.storage()
        assert await db.kv_get("language", str(RESIDENT)) == "ur"

        [done] = await bot.say(RESIDENT, "/forget")
        assert "removed everything" in done.plain_text
        assert await db.kv_get("language", str(RESIDENT)) is None
        [hello] = await bot.say(RESIDENT, "hello")
        assert "ایمرجنسی" not in hello.plain_text  # back to detection: English


async def test_language_without_a_choice_lists_languages(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        [reply] = await bot.say(RESIDENT, "/language")
        assert "/language pl" in reply.plain_text and "/language pa" in reply.plain_text
        [reply] = await bot.say(RESIDENT, "/language xx")
        assert "/language pl" in reply.plain_text
        db = await bot.services.storage()
        assert await db.kv_get("language", str(RESIDENT)) is None
