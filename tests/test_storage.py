"""The database: schema migrations, durability, residents' data and erasure."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.storage import MIGRATIONS, Storage, utcnow_iso
from tests.conftest import FakeClock

EXPECTED_TABLES = {
    "subscribers",
    "unanswered",
    "invites",
    "members",
    "updates",
    "audit",
    "published",
    "broadcasts",
    "broadcast_recipients",
    "kv",
}




async def columns(db: Storage, table: str) -> list[str]:
    return [row["name"] for row in await db.fetch_all(f"PRAGMA table_info({table})")]


# ---------------------------------------------------------------- schema and lifecycle


async def test_migrations_create_every_table_and_set_user_version(db: Storage) -> None:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    assert EXPECTED_TABLES <= {row["name"] for row in rows}
    assert await db.schema_version() == len(MIGRATIONS)
    assert await db.fetch_value("PRAGMA foreign_keys") == 1


async def test_table_columns_are_as_agreed(db: Storage) -> None:
    assert await columns(db, "updates") == [
        "id", "org", "priority", "period", "revision", "rag", "narrative", "figures", "status",
        "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "review_comment",
        "draft_key",  # migration 2: one revision per draft, however often Submit is pressed
    ]  # fmt: skip
    assert await columns(db, "broadcast_recipients") == [
        "broadcast_id", "chat_id", "state", "attempts", "last_error", "updated_at",
    ]  # fmt: skip
    assert await columns(db, "kv") == ["namespace", "key", "value"]


async def test_reopen_is_idempotent_and_data_survives(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"  # parent directories are created
    async with Storage.open(path) as storage:
        assert await storage.subscribe(42)
        await storage.kv_set("user_data", "42", '{"lang": "en"}')
    async with Storage.open(path) as storage:
        assert await storage.schema_version() == len(MIGRATIONS)
        assert await storage.subscriber_ids() == [42]
        assert await storage.kv_get("user_data", "42") == '{"lang": "en"}'


async def test_file_database_uses_wal(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "bot.sqlite3")
    try:
        assert await storage.fetch_value("PRAGMA journal_mode") == "wal"
    finally:
        await storage.close()
    await storage.close()  # closing twice is harmless
    assert storage.closed


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    async with Storage.open(path):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StorageError, match="newer csp-bot"):
        await Storage.open(path)


async def test_new_migration_is_applied_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.sqlite3"
    async with Storage.open(path) as storage:
        await storage.subscribe(1)
    monkeypatch.setattr(
        "bot.storage.MIGRATIONS", [*MIGRATIONS, "CREATE TABLE extra (x INTEGER); -- why"]
    )
    async with Storage.open(path) as storage:
        assert await storage.schema_version() == len(MIGRATIONS) + 1
        assert await columns(storage, "extra") == ["x"]
        assert await storage.subscriber_ids() == [1]


async def test_failed_migration_leaves_database_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.sqlite3"
    async with Storage.open(path):
        pass
    broken = "CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);"
    monkeypatch.setattr("bot.storage.MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StorageError, match="no_such_table"):
        await Storage.open(path)
    monkeypatch.setattr("bot.storage.MIGRATIONS", MIGRATIONS)
    async with Storage.open(path) as storage:
        assert await storage.schema_version() == len(MIGRATIONS)
        assert await columns(storage, "half") == []


async def test_sql_errors_become_storage_errors(db: Storage) -> None:
    with pytest.raises(StorageError, match="no such table") as info:
        await db.fetch_all("SELECT * FROM nowhere")
    assert isinstance(info.value.__cause__, sqlite3.Error)
    await db.close()
    with pytest.raises(StorageError, match="closed"):
        await db.count_subscribers()


# ---------------------------------------------------------------- generic helpers


async def test_transaction_commits_or_rolls_back(db: Storage) -> None:
    async with db.transaction():
        await db.subscribe(1)
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.subscribe(2)
            raise RuntimeError("boom")
    assert await db.subscriber_ids() == [1]


async def test_nested_transaction_rolls_back_only_inner_block(db: Storage) -> None:
    async with db.transaction():
        await db.subscribe(1)
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.subscribe(2)
                raise RuntimeError("inner")
        async with db.transaction():
            await db.subscribe(3)
    assert await db.subscriber_ids() == [1, 3]


async def test_other_tasks_wait_for_a_transaction(db: Storage) -> None:
    """Another task's write must not land inside (and be rolled back with) a transaction."""
    started = asyncio.Event()

    async def failing() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.subscribe(1)
                started.set()
                await asyncio.sleep(0.01)  # the other task runs meanwhile
                raise RuntimeError("boom")

    async def other() -> None:
        await started.wait()
        await db.subscribe(2)

    await asyncio.gather(failing(), other())
    assert await db.subscriber_ids() == [2]


async def test_execute_many_and_fetch_helpers(db: Storage) -> None:
    changed = await db.execute_many(
        "INSERT INTO subscribers (chat_id, subscribed_at) VALUES (?, ?)",
        [(i, "2025-01-01T00:00:00+00:00") for i in range(5)],
    )
    assert changed == 5
    assert await db.fetch_one("SELECT chat_id FROM subscribers WHERE chat_id = ?", (3,)) == {
        "chat_id": 3
    }
    assert await db.fetch_one("SELECT chat_id FROM subscribers WHERE chat_id = ?", (9,)) is None
    new_id = await db.execute_insert(
        "INSERT INTO audit (at, actor, action) VALUES (?, ?, ?)", (db.now_iso(), 7, "test")
    )
    assert new_id == 1


async def test_clock_is_injectable(db: Storage, clock: FakeClock) -> None:
    assert db.now_iso() == "2025-04-15T10:00:00+00:00"
    assert utcnow_iso(lambda: datetime(2025, 1, 1, 12, 30)) == "2025-01-01T12:30:00+00:00"


# ---------------------------------------------------------------- residents


async def test_subscribe_and_unsubscribe_are_idempotent(db: Storage) -> None:
    assert await db.subscribe(10) is True
    assert await db.subscribe(10) is False
    assert await db.is_subscribed(10)
    assert await db.count_subscribers() == 1
    assert await db.unsubscribe(10) is True
    assert await db.unsubscribe(10) is False
    assert not await db.is_subscribed(10)
    assert await db.subscriber_ids() == []


async def test_unanswered_counts_without_any_chat_id(db: Storage, clock: FakeClock) -> None:
    assert await columns(db, "unanswered") == ["normalised", "count", "first_seen", "last_seen"]
    await db.record_unanswered("where is the tip")
    clock.advance(60)
    await db.record_unanswered("where is the tip")
    await db.record_unanswered("bin collection")
    top = await db.top_unanswered(10)
    assert top[0] == {
        "normalised": "where is the tip",
        "count": 2,
        "first_seen": "2025-04-15T10:00:00+00:00",
        "last_seen": "2025-04-15T10:01:00+00:00",
    }
    assert [row["normalised"] for row in top] == ["where is the tip", "bin collection"]
    assert len(await db.top_unanswered(1)) == 1


async def test_unanswered_refuses_anything_but_text(db: Storage) -> None:
    with pytest.raises(TypeError):
        await db.record_unanswered(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await db.record_unanswered("question", 12345)  # type: ignore[call-arg]
    assert await db.top_unanswered() == []


async def test_kv_store(db: Storage) -> None:
    assert await db.kv_get("bot_data", "") is None
    await db.kv_set("chat_data", "5", "{}")
    await db.kv_set("chat_data", "5", '{"a": 1}')
    await db.kv_set("chat_data", "6", "[]")
    assert await db.kv_all("chat_data") == {"5": '{"a": 1}', "6": "[]"}
    assert await db.kv_delete("chat_data", "5") is True
    assert await db.kv_delete("chat_data", "5") is False
    assert await db.kv_all("chat_data") == {"6": "[]"}


async def add_broadcast(db: Storage, chat_ids: list[int], state: str = "pending") -> int:
    now = db.now_iso()
    broadcast_id = await db.execute_insert(
        "INSERT INTO broadcasts (created_by, created_at, kind, message, status) "
        "VALUES (1, ?, 'manual', 'hello', 'running')",
        (now,),
    )
    await db.execute_many(
        "INSERT INTO broadcast_recipients (broadcast_id, chat_id, state, updated_at) "
        "VALUES (?, ?, ?, ?)",
        [(broadcast_id, chat_id, state, now) for chat_id in chat_ids],
    )
    return broadcast_id


async def test_forget_chat_removes_everything_about_that_chat_only(db: Storage) -> None:
    me, other = 123, 1234  # 123 is a prefix of 1234: must not be confused
    group = -123
    for chat in (me, other, group):
        await db.subscribe(chat)
    await add_broadcast(db, [me, other, group])
    await add_broadcast(db, [me, other], state="sent")
    await db.kv_set("user_data", str(me), '{"x": 1}')
    await db.kv_set("chat_data", str(me), "{}")
    await db.kv_set("conversations", f"update_flow:[{me}, {me}]", '"ASK_RAG"')
    await db.kv_set("conversations", f"update_flow:[{other}, {other}]", '"ASK_RAG"')
    await db.kv_set("conversations", f"update_flow:[{group}, 77]", '"ASK_RAG"')
    await db.kv_set("user_data", str(other), "{}")
    await db.kv_set("chat_data", str(group), "{}")
    await db.kv_set("bot_data", "", "{}")
    await db.record_unanswered("where is the tip")

    removed = await db.forget_chat(me)

    assert removed == 1 + 2 + 3  # subscription, two deliveries, three persistence entries
    assert not await db.is_subscribed(me)
    assert await db.subscriber_ids() == [group, other]
    recipients = await db.fetch_all("SELECT chat_id FROM broadcast_recipients")
    assert sorted(row["chat_id"] for row in recipients) == [group, other, other]
    assert await db.kv_all("user_data") == {str(other): "{}"}
    assert await db.kv_all("chat_data") == {str(group): "{}"}
    assert set(await db.kv_all("conversations")) == {
        f"update_flow:[{other}, {other}]",
        f"update_flow:[{group}, 77]",
    }
    assert await db.kv_all("bot_data") == {"": "{}"}
    assert len(await db.top_unanswered()) == 1  # anonymous, so nothing to forget
    assert await db.forget_chat(me) == 0
