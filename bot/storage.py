"""The bot's SQLite database, behind one small async class.

:class:`Storage` owns ONE aiosqlite connection. Every statement goes through it, serialised
by an asyncio lock, so one task's transaction never swallows another task's writes (with a
single shared connection, anything executed between BEGIN and COMMIT belongs to that
transaction, whoever sent it).

The schema is versioned with ``PRAGMA user_version``: :data:`MIGRATIONS` is an append-only
list of SQL scripts, and opening a database applies the ones it has not seen yet, each in
its own transaction. Never edit a migration that has shipped; add a new one.

Other modules use the generic helpers (:meth:`Storage.execute`, :meth:`Storage.fetch_all`,
:meth:`Storage.transaction`, ...) with their own SQL; residents' subscriptions, unanswered
questions, privacy erasure and the key-value store for PTB persistence live here.

All sqlite errors are re-raised as :class:`~bot.errors.StorageError` (the sqlite3 exception
stays available as ``__cause__``, e.g. to tell a ``sqlite3.IntegrityError`` apart). Messages
quote the start of the SQL but never the parameters, which may be personal data.

Timestamps are UTC ISO-8601 strings from :func:`utcnow_iso` (lexical order is time order).
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from os import PathLike
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aiosqlite

from bot.errors import StorageError

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Params = Sequence[Any] | Mapping[str, Any]
T = TypeVar("T")

MEMORY = ":memory:"
# Longer questions are cut: the table is for spotting topics residents ask about, and an
# unbounded primary key would let one chat bloat the database.
MAX_UNANSWERED_CHARS = 500

MIGRATIONS: list[str] = [
    # 1: everything the first release needs.
    """
    CREATE TABLE subscribers (
        chat_id       INTEGER PRIMARY KEY,
        subscribed_at TEXT NOT NULL
    );

    -- Questions the bot could not answer, counted by their normalised text. There is no
    -- chat id on purpose: coordinators see what is asked, never who asked it.
    CREATE TABLE unanswered (
        normalised TEXT PRIMARY KEY,
        count      INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen  TEXT NOT NULL
    );
    CREATE INDEX unanswered_by_count ON unanswered (count DESC, last_seen DESC);

    -- Only a hash of each invite code is kept, so a leaked database cannot be used to join.
    CREATE TABLE invites (
        code_hash  TEXT PRIMARY KEY,
        org        TEXT NOT NULL,
        created_by INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_by    INTEGER,
        used_at    TEXT
    );
    CREATE INDEX invites_by_org ON invites (org, created_at);

    CREATE TABLE members (
        user_id      INTEGER PRIMARY KEY,
        org          TEXT NOT NULL,
        display_name TEXT,
        joined_at    TEXT NOT NULL
    );
    CREATE INDEX members_by_org ON members (org);

    CREATE TABLE updates (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        org            TEXT NOT NULL,
        priority       TEXT NOT NULL,
        period         TEXT NOT NULL,
        revision       INTEGER NOT NULL,
        rag            TEXT NOT NULL CHECK (rag IN ('green', 'amber', 'red')),
        narrative      TEXT NOT NULL,
        figures        TEXT NOT NULL DEFAULT '[]', -- JSON list of [name, value]
        status         TEXT NOT NULL
                       CHECK (status IN ('submitted', 'approved', 'returned', 'superseded')),
        submitted_by   INTEGER NOT NULL,
        submitted_at   TEXT NOT NULL,
        reviewed_by    INTEGER,
        reviewed_at    TEXT,
        review_comment TEXT,
        UNIQUE (org, priority, period, revision)
    );
    -- The review queue and the summary both select by period and status.
    CREATE INDEX updates_by_period_status ON updates (period, status);
    CREATE INDEX updates_by_status ON updates (status, submitted_at);

    CREATE TABLE audit (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        at     TEXT NOT NULL,
        actor  INTEGER,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_by_at ON audit (at);

    CREATE TABLE published (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        period       TEXT NOT NULL,
        version      INTEGER NOT NULL,
        published_at TEXT NOT NULL,
        published_by INTEGER NOT NULL,
        text         TEXT NOT NULL,
        markdown     TEXT NOT NULL,
        html         TEXT NOT NULL,
        UNIQUE (period, version)
    );

    CREATE TABLE broadcasts (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        created_by  INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        kind        TEXT NOT NULL,
        message     TEXT NOT NULL,
        status      TEXT NOT NULL, -- pending | running | done | cancelled
        started_at  TEXT,
        finished_at TEXT
    );
    -- Resuming after a restart looks for unfinished broadcasts.
    CREATE INDEX broadcasts_by_status ON broadcasts (status);

    CREATE TABLE broadcast_recipients (
        broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        chat_id      INTEGER NOT NULL,
        state        TEXT NOT NULL, -- pending | sending | sent | blocked | not_found | failed
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        updated_at   TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, chat_id)
    );
    -- The sender picks the next pending recipients; erasure finds a chat's rows.
    CREATE INDEX broadcast_recipients_by_state ON broadcast_recipients (broadcast_id, state);
    CREATE INDEX broadcast_recipients_by_chat ON broadcast_recipients (chat_id);

    -- python-telegram-bot persistence (conversations, user_data, chat_data, bot_data), JSON.
    CREATE TABLE kv (
        namespace TEXT NOT NULL,
        key       TEXT NOT NULL,
        value     TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    """,
    # 2: idempotency keys. A double tap on Submit or Confirm (two callback queries, maybe
    # handled at once) must store one revision / one broadcast, so each chat draft carries a
    # random key and the second store of the same key finds the first instead.
    """
    ALTER TABLE updates ADD COLUMN draft_key TEXT;
    CREATE UNIQUE INDEX updates_by_draft_key ON updates (draft_key)
        WHERE draft_key IS NOT NULL;
    ALTER TABLE broadcasts ADD COLUMN draft_key TEXT;
    CREATE UNIQUE INDEX broadcasts_by_draft_key ON broadcasts (draft_key)
        WHERE draft_key IS NOT NULL;
    """,
    # 3: unanswered questions used to be kept as whole sentences, which held residents'
    # names, streets and spelt-out phone numbers that /forget cannot find (no chat id).
    # From now on only the words bot.privacy keeps are stored; the old rows go.
    """
    DELETE FROM unanswered;
    """,
    # 4: residents' consultations (bot.consult). Answers are kept only as counts per option
    # and ward, never one row per person and never with a chat id. Who has answered is a
    # keyed hash (HMAC) of the chat id under the consultation's own random key, kept in its
    # own table with no order (WITHOUT ROWID, keyed by the hash) and deleted, with the key,
    # when the consultation closes. Anonymous polls keep their latest counts per poll under
    # a hashed poll id until the close folds them into the counts.
    """
    CREATE TABLE consultations (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        question    TEXT NOT NULL,
        options     TEXT NOT NULL,            -- JSON list of option labels
        scale       INTEGER NOT NULL DEFAULT 0,  -- 1: options are a 1-5 scale
        wards       TEXT,                     -- JSON [[id, name], ...] asked, or NULL
        opens_on    TEXT NOT NULL,            -- local dates, YYYY-MM-DD
        closes_on   TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('scheduled', 'open', 'closed')),
        created_by  INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        closed_at   TEXT,
        broadcast_id INTEGER,
        draft_key   TEXT UNIQUE
    );
    CREATE INDEX consultations_by_status ON consultations (status, closes_on);
    CREATE TABLE consult_counts (
        consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
        choice          INTEGER NOT NULL,
        ward            TEXT NOT NULL DEFAULT '',
        n               INTEGER NOT NULL,
        PRIMARY KEY (consultation_id, choice, ward)
    ) WITHOUT ROWID;
    CREATE TABLE consult_polls (
        poll_key        TEXT PRIMARY KEY,
        consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
        counts          TEXT NOT NULL DEFAULT '[]'
    ) WITHOUT ROWID;
    CREATE TABLE consult_seen (
        consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
        chat_key        TEXT NOT NULL,
        PRIMARY KEY (consultation_id, chat_key)
    ) WITHOUT ROWID;
    CREATE TABLE consult_keys (
        consultation_id INTEGER PRIMARY KEY REFERENCES consultations (id) ON DELETE CASCADE,
        key             BLOB NOT NULL
    );
    """,
]

#: Unanswered questions and finished broadcasts' delivery rows are kept this long.
RETENTION_DAYS = 365

#: Chat ids at or below this are anonymous stand-ins, never a real chat (Telegram's
#: lowest, a channel, is about -2 * 10**12): a delivery row keeps its state, so reports
#: still add up, without saying whose it was.
ANONYMOUS_CHAT_ID = -(1 << 62)
# Finished deliveries only: 'pending' and 'sending' rows are the engine's work in hand. The
# rowid makes each stand-in unique within (broadcast_id, chat_id).
_ANONYMISE = (
    f"UPDATE broadcast_recipients SET chat_id = {ANONYMOUS_CHAT_ID} - rowid "
    f"WHERE state NOT IN ('pending', 'sending') AND chat_id > {ANONYMOUS_CHAT_ID}"
)


def _system_clock() -> datetime:
    return datetime.now(UTC)


def utcnow_iso(clock: Clock | None = None) -> str:
    """Now (or ``clock()``) as a UTC ISO-8601 string, e.g. ``2025-04-15T10:00:00+00:00``.

    Always second precision and a ``+00:00`` offset, so stored strings compare correctly as
    text. A naive datetime from ``clock`` is taken to be UTC already.
    """
    now = (clock or _system_clock)()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC).isoformat(timespec="seconds")


def _brief(sql: str) -> str:
    """The start of a statement, on one line, to say which query failed."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


def _statements(script: str) -> Iterator[str]:
    """Split an SQL script into statements (SQLite's own tokenizer decides where they end).

    executescript() cannot be used: it COMMITs any open transaction first, and a migration
    must run inside one.
    """
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            buffer = ""
            if statement.rstrip(";").strip():
                yield statement
    # Whatever follows the last ";" is whitespace or comments (or an unfinished statement,
    # which should fail loudly rather than be dropped).
    rest = buffer[:-1].strip()
    if rest and not all(
        line.strip().startswith("--") or not line.strip() for line in rest.splitlines()
    ):
        yield rest


def _prepare_file(path: str | PathLike[str]) -> str:
    """Create the database's directory if needed; return the path to open."""
    file = Path(path).expanduser()
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the directory for database {file}: {exc}") from exc
    return str(file)


class _Opening:
    """What :meth:`Storage.open` returns: ``await`` it, or use it in ``async with``."""

    def __init__(self, opener: Callable[[], Awaitable[Storage]]) -> None:
        self._opener = opener
        self._storage: Storage | None = None

    def __await__(self) -> Generator[Any, None, Storage]:
        return self._run().__await__()

    async def _run(self) -> Storage:
        return await self._opener()

    async def __aenter__(self) -> Storage:
        self._storage = await self._opener()
        return self._storage

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._storage is not None:
            await self._storage.close()


class Storage:
    """The database. Open with ``await Storage.open(path)`` or ``async with Storage.open(path)``.

    The constructor is for :meth:`open`; it takes an already connected aiosqlite connection.
    """

    def __init__(
        self, conn: aiosqlite.Connection, path: str, *, clock: Clock | None = None
    ) -> None:
        self._conn: aiosqlite.Connection | None = conn
        self.path = path
        self.clock: Clock = clock or _system_clock
        self._lock = asyncio.Lock()
        # The task holding the lock, so its own nested calls do not wait for themselves.
        self._owner: asyncio.Task[Any] | None = None
        self._depth = 0  # transaction nesting: 0 none, 1 BEGIN, >1 savepoints

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def open(
        cls,
        path: str | PathLike[str],
        *,
        clock: Clock | None = None,
        busy_timeout: float = 5.0,
    ) -> _Opening:
        """Open (creating if needed) and migrate the database at ``path`` (or ``":memory:"``).

        ``clock`` returns the current time (tests inject a fixed one). ``busy_timeout`` is how
        many seconds to wait for another process's lock before failing.
        """
        return _Opening(lambda: cls._open(path, clock, busy_timeout))

    @classmethod
    async def _open(
        cls, path: str | PathLike[str], clock: Clock | None, busy_timeout: float
    ) -> Storage:
        memory = str(path) == MEMORY
        # Filesystem calls block; keep them off the event loop.
        where = MEMORY if memory else await asyncio.to_thread(_prepare_file, path)
        try:
            # isolation_level=None: no implicit BEGINs; transaction() says where they go.
            conn = await aiosqlite.connect(where, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {where}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        storage = cls(conn, where, clock=clock)
        try:
            await storage._configure(memory, busy_timeout)
            await storage._migrate()
        except BaseException:
            await storage.close()
            raise
        logger.debug("database %s open at schema version %d", where, len(MIGRATIONS))
        return storage

    async def _configure(self, memory: bool, busy_timeout: float) -> None:
        await self.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        await self.execute("PRAGMA foreign_keys = ON")
        if memory:
            return
        # WAL lets readers (e.g. a backup or `sqlite3` in a shell) work while the bot writes.
        mode = await self.fetch_value("PRAGMA journal_mode = WAL")
        if str(mode).lower() != "wal":
            logger.warning("database %s: WAL not available, journal mode is %s", self.path, mode)
        # Safe with WAL (a power cut may lose the last commit, never corrupt) and much faster.
        await self.execute("PRAGMA synchronous = NORMAL")

    async def _migrate(self) -> None:
        version = await self.schema_version()
        latest = len(MIGRATIONS)
        if version > latest:
            raise StorageError(
                f"database {self.path} has schema version {version} but this csp-bot only "
                f"knows up to version {latest}: it was written by a newer csp-bot; upgrade "
                "csp-bot (or restore a backup made by this version)"
            )
        for target in range(version + 1, latest + 1):
            async with self.transaction():
                # Re-read under the write lock: another process may have migrated meanwhile.
                if await self.schema_version() >= target:
                    continue
                for statement in _statements(MIGRATIONS[target - 1]):
                    await self.execute(statement)
                await self.execute(f"PRAGMA user_version = {target}")
            logger.info("database %s migrated to schema version %d", self.path, target)

    async def schema_version(self) -> int:
        """The database's ``PRAGMA user_version`` (= number of migrations applied)."""
        return int(await self.fetch_value("PRAGMA user_version") or 0)

    @property
    def closed(self) -> bool:
        return self._conn is None

    async def close(self) -> None:
        """Close the connection (waiting for statements in flight). Safe to call twice."""
        if self._conn is None:
            return
        async with self._exclusive():
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                await conn.close()
            except sqlite3.Error as exc:
                raise StorageError(f"cannot close database {self.path}: {exc}") from exc

    async def __aenter__(self) -> Storage:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def now_iso(self) -> str:
        """Now from this storage's clock, as :func:`utcnow_iso` formats it."""
        return utcnow_iso(self.clock)

    # ------------------------------------------------------------------ generic helpers

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """Hold the connection for the current task; re-entrant within that task."""
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            yield
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None

    async def _call(self, sql: str, op: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        async with self._exclusive():
            conn = self._conn
            if conn is None:
                raise StorageError(f"database {self.path} is closed")
            try:
                return await op(conn)
            except sqlite3.Error as exc:
                raise StorageError(f"database error in {_brief(sql)!r}: {exc}") from exc

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

        async def op(conn: aiosqlite.Connection) -> int:
            async with conn.execute(sql, params) as cursor:
                return cursor.rowcount

        return await self._call(sql, op)

    async def execute_insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; return the new row's id (``lastrowid``)."""

        async def op(conn: aiosqlite.Connection) -> int:
            async with conn.execute(sql, params) as cursor:
                return int(cursor.lastrowid or 0)

        return await self._call(sql, op)

    async def execute_many(self, sql: str, params_seq: Iterable[Params]) -> int:
        """Run one statement for each parameter set, atomically; return rows changed."""
        rows = list(params_seq)
        if not rows:
            return 0

        async def op(conn: aiosqlite.Connection) -> int:
            async with conn.executemany(sql, rows) as cursor:
                return cursor.rowcount

        # One transaction: all or nothing, and one disk sync instead of one per row.
        async with self.transaction():
            return await self._call(sql, op)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """All result rows, each a dict of column name to value."""

        async def op(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
            async with conn.execute(sql, params) as cursor:
                return [dict(row) for row in await cursor.fetchall()]

        return await self._call(sql, op)

    async def fetch_one(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        """The first result row as a dict, or None when there is none."""

        async def op(conn: aiosqlite.Connection) -> dict[str, Any] | None:
            async with conn.execute(sql, params) as cursor:
                row = await cursor.fetchone()
                return dict(row) if row is not None else None

        return await self._call(sql, op)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (e.g. a COUNT), or None when there is no row."""

        async def op(conn: aiosqlite.Connection) -> Any:
            async with conn.execute(sql, params) as cursor:
                row = await cursor.fetchone()
                return row[0] if row is not None else None

        return await self._call(sql, op)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Storage]:
        """``async with storage.transaction():`` commits on success, rolls back on error.

        BEGIN IMMEDIATE takes the write lock up front, so a read-then-write inside cannot
        fail half-way with SQLITE_BUSY. Other tasks' statements wait until it ends. Nested
        use (in the same task) becomes a SAVEPOINT: an error inside rolls back only the inner
        block, and the outer one decides whether to carry on. Do not await other tasks that
        use the storage from inside a transaction: they wait for it to end (deadlock).
        """
        async with self._exclusive():
            depth = self._depth
            savepoint = f"csp_sp_{depth}"
            await self.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT {savepoint}")
            self._depth = depth + 1
            try:
                yield self
            except BaseException:
                self._depth = depth
                await self._undo(depth, savepoint)
                raise
            self._depth = depth
            try:
                await self.execute("COMMIT" if depth == 0 else f"RELEASE {savepoint}")
            except StorageError:
                await self._undo(depth, savepoint)
                raise

    async def _undo(self, depth: int, savepoint: str) -> None:
        conn = self._conn
        # SQLite itself already rolled back after some errors (e.g. disk full).
        if conn is None or not conn.in_transaction:
            return
        try:
            if depth == 0:
                await self.execute("ROLLBACK")
            else:
                await self.execute(f"ROLLBACK TO {savepoint}")
                await self.execute(f"RELEASE {savepoint}")
        except StorageError:
            # The original error is the one worth reporting; this one only gets logged.
            logger.exception("database %s: rollback failed", self.path)

    # ------------------------------------------------------------------ residents

    async def subscribe(self, chat_id: int) -> bool:
        """Subscribe a chat to broadcasts; True if it was not subscribed before."""
        changed = await self.execute(
            "INSERT OR IGNORE INTO subscribers (chat_id, subscribed_at) VALUES (?, ?)",
            (chat_id, self.now_iso()),
        )
        return changed == 1

    async def unsubscribe(self, chat_id: int) -> bool:
        """Unsubscribe a chat; True if it was subscribed.

        Its chat id goes from the broadcast records too, as /privacy promises: deliveries
        still waiting are dropped (it asked for no more), and finished ones keep their
        state under an anonymous id so reports still add up. A send in flight keeps the id
        until it ends; :meth:`purge_expired` anonymises it then.
        """
        async with self.transaction():
            was = await self.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
            await self.execute(
                "DELETE FROM broadcast_recipients WHERE chat_id = ? AND state = 'pending'",
                (chat_id,),
            )
            await self.execute(_ANONYMISE + " AND chat_id = ?", (chat_id,))
        return was == 1

    async def is_subscribed(self, chat_id: int) -> bool:
        found = await self.fetch_value("SELECT 1 FROM subscribers WHERE chat_id = ?", (chat_id,))
        return found is not None

    async def subscriber_ids(self) -> list[int]:
        """Every subscribed chat id, ascending."""
        rows = await self.fetch_all("SELECT chat_id FROM subscribers ORDER BY chat_id")
        return [int(row["chat_id"]) for row in rows]

    async def count_subscribers(self) -> int:
        return int(await self.fetch_value("SELECT COUNT(*) FROM subscribers"))

    async def record_unanswered(self, normalised: str, /) -> None:
        """Count one more ask of a question the bot could not answer.

        Takes only the text to keep (positional-only, no other parameters) so no caller
        can attach who asked: the table must never link a question to a chat. Callers pass
        what :func:`bot.privacy.unanswered_words` keeps, never the message.
        """
        if not isinstance(normalised, str):
            raise TypeError("record_unanswered() takes the normalised question text only")
        await self.record_unanswered_counts({normalised: 1})

    async def record_unanswered_counts(self, counts: Mapping[str, int], /) -> None:
        """Add several unanswered questions' counts in one transaction (one write)."""
        now = self.now_iso()
        rows = []
        for normalised, count in counts.items():
            text = normalised.strip()[:MAX_UNANSWERED_CHARS]
            if text and count > 0:
                rows.append((text, int(count), now, now))
        await self.execute_many(
            "INSERT INTO unanswered (normalised, count, first_seen, last_seen) "
            "VALUES (?, ?, ?, ?) "
            "ON CONFLICT (normalised) DO UPDATE SET "
            "count = count + excluded.count, last_seen = excluded.last_seen",
            rows,
        )

    async def purge_expired(self) -> int:
        """Delete what /privacy says is kept for a limited time; return rows changed.

        Unanswered questions not asked for :data:`RETENTION_DAYS` go, and any delivery row
        of a chat no longer subscribed that still has its id (its send was in flight when
        it unsubscribed) is anonymised. Run daily.
        """
        cutoff = utcnow_iso(lambda: self.clock() - timedelta(days=RETENTION_DAYS))
        async with self.transaction():
            changed = await self.execute("DELETE FROM unanswered WHERE last_seen < ?", (cutoff,))
            changed += await self.execute(
                _ANONYMISE + " AND chat_id NOT IN (SELECT chat_id FROM subscribers)"
            )
        logger.info("privacy purge: %d rows deleted or anonymised", changed)
        return changed

    async def top_unanswered(self, limit: int = 20) -> list[dict[str, Any]]:
        """The most asked unanswered questions: dicts of normalised, count, first/last_seen."""
        return await self.fetch_all(
            "SELECT normalised, count, first_seen, last_seen FROM unanswered "
            "ORDER BY count DESC, last_seen DESC, normalised LIMIT ?",
            (limit,),
        )

    async def forget_chat(self, chat_id: int) -> int:
        """Erase every row about a chat (its /forget); return how many rows were removed.

        Removes its subscription, its broadcast deliveries (pending ones would otherwise
        still be sent) and the persistence entries whose key names it: ``user_data``/
        ``chat_data`` key ``"123"`` and conversation keys such as ``"flow:[123, 123]"``.
        Partners' records (members, updates, audit) are organisational and are kept.
        """
        ident = str(int(chat_id))
        # The id as a whole number: 123 must not match 1234, -123 (a group) or "flow123".
        pattern = re.compile(rf"(?<![\w-]){re.escape(ident)}(?!\w)")
        async with self.transaction():
            removed = await self.execute("DELETE FROM subscribers WHERE chat_id = ?", (chat_id,))
            removed += await self.execute(
                "DELETE FROM broadcast_recipients WHERE chat_id = ?", (chat_id,)
            )
            candidates = await self.fetch_all(
                "SELECT namespace, key FROM kv WHERE instr(key, ?) > 0", (ident,)
            )
            doomed = [(r["namespace"], r["key"]) for r in candidates if pattern.search(r["key"])]
            removed += await self.execute_many(
                "DELETE FROM kv WHERE namespace = ? AND key = ?", doomed
            )
        logger.info("forgot a chat: %d rows removed", removed)  # no id: this is erasure
        return removed

    # ------------------------------------------------------------------ key-value store

    async def kv_get(self, namespace: str, key: str) -> str | None:
        """The stored value (JSON text by convention), or None."""
        value = await self.fetch_value(
            "SELECT value FROM kv WHERE namespace = ? AND key = ?", (namespace, key)
        )
        return None if value is None else str(value)

    async def kv_set(self, namespace: str, key: str, value: str) -> None:
        """Store (insert or replace) a value; callers serialise to JSON themselves."""
        await self.execute(
            "INSERT INTO kv (namespace, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value",
            (namespace, key, value),
        )

    async def kv_delete(self, namespace: str, key: str) -> bool:
        """Delete a value; True if there was one."""
        deleted = await self.execute(
            "DELETE FROM kv WHERE namespace = ? AND key = ?", (namespace, key)
        )
        return deleted == 1

    async def kv_all(self, namespace: str) -> dict[str, str]:
        """Every key and value in a namespace."""
        rows = await self.fetch_all(
            "SELECT key, value FROM kv WHERE namespace = ? ORDER BY key", (namespace,)
        )
        return {str(row["key"]): str(row["value"]) for row in rows}


# ---------------------------------------------------------------------- backup and restore
#
# Plain sqlite3, not the async Storage: `csp-bot backup` and `restore` are separate processes
# that run next to (backup) or instead of (restore) the bot, and opening a Storage would
# migrate the database it looks at.


def _connect_existing(path: Path, what: str) -> sqlite3.Connection:
    """A connection to an existing database file; never creates one."""
    if not path.is_file():
        raise StorageError(f"{what} {path} does not exist")
    try:
        # mode=rw: a typo in the path must fail, not create an empty database.
        return sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open {what} {path}: {exc}") from exc


def _check_copy(conn: sqlite3.Connection, path: Path) -> int:
    """Its schema version, after checking the file is a sound csp-bot database."""
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error as exc:
        raise StorageError(f"{path} is not a csp-bot database: {exc}") from exc
    if result != "ok":
        raise StorageError(f"{path} is damaged (integrity check: {result})")
    if version < 1 or "subscribers" not in tables:
        raise StorageError(f"{path} is not a csp-bot database")
    if version > len(MIGRATIONS):
        raise StorageError(f"{path} has schema version {version}, newer than this csp-bot "
                           f"knows ({len(MIGRATIONS)}): restore it with a newer csp-bot")
    return version


def backup_database(source: str | PathLike[str], target: str | PathLike[str], *,
                    overwrite: bool = False) -> int:
    """Copy the live database ``source`` to ``target``; return the copy's schema version.

    Uses SQLite's online backup API in one step, which reads one consistent snapshot: safe
    while the bot writes (WAL lets it carry on meanwhile), and the copy holds exactly the
    transactions committed when it started. The copy is written beside ``target`` and
    renamed into place after an integrity check, so a failed backup never leaves a
    half-written file where a good one was expected. It is a single self-contained file
    (journal mode DELETE), ready to copy off the machine.
    """
    src_path, dst_path = Path(source).expanduser(), Path(target).expanduser()
    if dst_path.exists() and dst_path.resolve() == src_path.resolve():
        raise StorageError("the backup file cannot be the database itself")
    if dst_path.exists() and not overwrite:
        raise StorageError(f"{dst_path} already exists: choose a new name (or --force)")
    src = _connect_existing(src_path, "database")
    partial = dst_path.with_name(dst_path.name + ".partial")
    try:
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        dst = sqlite3.connect(partial, isolation_level=None)
        try:
            src.execute("PRAGMA busy_timeout = 5000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            version = _check_copy(dst, dst_path)
        finally:
            dst.close()
        partial.replace(dst_path)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"backup of {src_path} to {dst_path} failed: {exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    logger.info("database %s backed up to %s (schema version %d)", src_path, dst_path, version)
    return version


def restore_database(backup: str | PathLike[str], target: str | PathLike[str]) -> Path | None:
    """Put the backup file ``backup`` back as the database ``target``, with the bot stopped.

    The backup is checked first (integrity, a csp-bot schema no newer than this one). The
    database being replaced, if any, is first saved as ``<target>.before-restore-<time>``
    (returned), so a restore of the wrong file can be undone. A database another process
    has open (a running bot) is refused: its writes would be lost or mixed in. The copy goes
    through SQLite's backup API into the database, so its -wal and -shm files stay in step.
    """
    src_path, dst_path = Path(backup).expanduser(), Path(target).expanduser()
    src = _connect_existing(src_path, "backup file")
    try:
        _check_copy(src, src_path)
        saved: Path | None = None
        if dst_path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            saved = dst_path.with_name(f"{dst_path.name}.before-restore-{stamp}")
            dst = _connect_existing(dst_path, "database")
            try:
                _refuse_if_in_use(dst, dst_path)
                backup_database(dst_path, saved)
            finally:
                dst.close()
        dst_path.parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(dst_path, isolation_level=None)
        try:
            _refuse_if_in_use(dst, dst_path)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise StorageError(f"restore of {src_path} to {dst_path} failed: {exc}") from exc
    finally:
        src.close()
    logger.info("database %s restored from %s", dst_path, src_path)
    return saved


def _refuse_if_in_use(conn: sqlite3.Connection, path: Path) -> None:
    """StorageError when another connection (a running bot) has the database open.

    Leaving WAL mode needs the only connection to the file; SQLite refuses (or keeps WAL)
    while any other is open, which is exactly "the bot is still running".
    """
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        mode = str(conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]).lower()
    except sqlite3.OperationalError:
        mode = "wal"
    if mode == "wal":
        raise StorageError(f"{path} is in use (is the bot running?): stop it first, e.g. "
                           "`systemctl stop csp-bot` or `docker stop csp-bot`, then restore")
