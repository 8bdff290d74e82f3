"""Putting the bot in service: the wheel, ``csp-bot init``, backups, exit codes, ``chat``.

Each test follows a step of the README's Deploy section (docs/deploy.md) as a new operator
would take it, from a directory that is not the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

CSP = [sys.executable, "-m", "bot.cli"]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of an operator's shell: no token, no config, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"TELEGRAM_BOT_TOKEN", "CSP_BOT_CONFIG", "PYTHONPATH"}}
    env.update(extra)
    return env


def csp(*args: str, cwd: Path, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``csp-bot ARGS`` from ``cwd`` (the checkout's code, on PYTHONPATH)."""
    return subprocess.run([*CSP, *args], input=stdin, capture_output=True, text=True, cwd=cwd,
                          env=env or clean_env(PYTHONPATH=str(ROOT)), timeout=120)


# --------------------------------------------------------------------------- the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The wheel built from a copy of the sources (so builds never write into the checkout
    others are testing in), and the builder's output."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("bot", "handlers", "knowledge"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: the dev environment has setuptools (pyproject's dev extra), so the
    # test needs no network; -v shows setuptools' own warnings, which pip otherwise hides.
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
         "--no-index", "-w", str(out), str(src)],
        capture_output=True, text=True, timeout=300, env=clean_env())
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-3000:]
    (built,) = out.glob("csp_bot-*.whl")
    return built, log


def test_wheel_builds_without_warnings(wheel: tuple[Path, str]) -> None:
    _, log = wheel
    # setuptools' warnings are classes (SetuptoolsDeprecationWarning...) or say "deprecated";
    # pip's own lower-case "warning: byte-compiling is disabled" is not about the project.
    flagged = [line for line in log.splitlines()
               if re.search(r"Warning\b|deprecated|is absent from the `packages`", line)]
    assert not flagged, "\n".join(flagged)


def test_wheel_carries_everything_needed_at_run_time(wheel: tuple[Path, str]) -> None:
    from bot.answering.crisis_model import MODEL_PATH

    names = set(zipfile.ZipFile(wheel[0]).namelist())
    for yaml_file in sorted((ROOT / "knowledge").glob("*.yaml")):
        assert f"bot/shipped_knowledge/{yaml_file.name}" in names
    assert "bot/publishing/templates/summary.html" in names
    assert f"bot/answering/{MODEL_PATH.name}" in names
    for model in ("topic_model.tsv", *(f"{kind}_model.{lang}.tsv" for kind in ("crisis", "topic")
                                        for lang in ("pl", "ur", "pa"))):
        assert f"bot/answering/{model}" in names, model


@pytest.fixture(scope="module")
def installed(wheel: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel installed; its dependencies are borrowed from this
    environment through a path entry (no network, seconds instead of minutes). A path entry
    does not run this environment's .pth files, so the editable checkout stays invisible."""
    target = tmp_path_factory.mktemp("venv")
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel[0])],
        capture_output=True, text=True, timeout=300, env=clean_env())
    assert result.returncode == 0, result.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True,
                          env=clean_env()).stdout.strip()
    Path(site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def test_installed_wheel_answers_from_an_unrelated_directory(installed: Path,
                                                             tmp_path: Path) -> None:
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = clean_env()
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import bot; print(bot.__file__)"], cwd=cwd, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(installed) in where, "the wheel's code runs, not the checkout's"
    result = subprocess.run([str(installed / "bin" / "csp-bot"), "ask", "how do I report ASB"],
                            cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "101" in result.stdout
    check = subprocess.run([str(installed / "bin" / "csp-bot"), "kb", "check"], cwd=cwd,
                           env=env, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "shipped_knowledge" in check.stdout


def test_a_configured_knowledge_directory_overrides_the_shipped_one(tmp_path: Path) -> None:
    from bot.config import PACKAGED_KB, kb_dir, load_config

    mine = tmp_path / "my-kb"
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge:\n  dir: {mine}\n")
    assert kb_dir(None, load_config(config, env={})) == mine
    # A configured directory that is missing is an error, not a silent fall-back.
    result = csp("--config", str(config), "ask", "report asb", cwd=tmp_path)
    assert result.returncode == 2 and "knowledge directory not found" in result.stderr
    assert str(mine) in result.stderr
    # Not set at all: the shipped one, from any directory.
    assert kb_dir(None, load_config(None, env={})) in (PACKAGED_KB, Path("knowledge"))


# --------------------------------------------------------------------------- csp-bot init


def test_init_writes_config_creates_database_and_says_what_next(tmp_path: Path) -> None:
    from bot.config import load_config

    result = csp("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    config = tmp_path / "config.yaml"
    assert load_config(config, env={}).storage.path == Path("data/csp-bot.sqlite3")
    assert "#" in config.read_text(), "the file explains its settings"
    assert (tmp_path / "data" / "csp-bot.sqlite3").is_file()
    for step in ("@BotFather", "TELEGRAM_BOT_TOKEN", "roles.coordinators", "@userinfobot",
                 "run"):
        assert step in result.stdout, step
    # It works straight away: the database is there for the read-only commands.
    assert csp("audit", cwd=tmp_path).returncode == 0

    before = config.read_text()
    again = csp("init", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert config.read_text() == before, "never overwritten"


@pytest.mark.parametrize("command", [["summary", "2024-25"], ["audit"], ["unanswered"],
                                     ["broadcast", "status"], ["backup", "copy.sqlite3"]])
def test_read_only_commands_never_create_the_database(command: list[str],
                                                      tmp_path: Path) -> None:
    result = csp(*command, cwd=tmp_path)
    assert result.returncode == 2
    assert "no database at data/csp-bot.sqlite3" in result.stderr
    assert "csp-bot init" in result.stderr, "says how to create it"
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


# --------------------------------------------------------------------------- errors


def test_empty_results_exit_0_and_text_is_plain(tmp_path: Path) -> None:
    assert csp("init", cwd=tmp_path).returncode == 0
    status = csp("broadcast", "status", cwd=tmp_path)
    assert (status.returncode, status.stdout) == (0, "no broadcasts yet\n"), status.stderr
    assert csp("broadcast", "status", "7", cwd=tmp_path).returncode == 2, "a wrong id is"

    text = csp("summary", "2024-25", "--format", "text", cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "Trent & Dove" in text.stdout
    assert not re.search(r"</?[bia]\b|&(amp|lt|gt|#x?[0-9a-f]+);", text.stdout), text.stdout
    telegram = csp("summary", "2024-25", "--format", "telegram", cwd=tmp_path)
    assert "<b>" in telegram.stdout and "Trent &amp; Dove" in telegram.stdout


@pytest.mark.parametrize("value", ["2", "-0.1", "95", "high"])
def test_eval_min_must_be_between_0_and_1(value: str, tmp_path: Path) -> None:
    result = csp("eval", str(ROOT / "tests" / "data" / "heldout_eval.yaml"), "--min", value,
                 cwd=tmp_path)
    assert result.returncode == 2
    assert "--min" in result.stderr and "%" not in result.stdout


def test_kb_check_given_a_file_says_so(tmp_path: Path) -> None:
    result = csp("kb", "check", "--kb", str(ROOT / "knowledge" / "contacts.yaml"), cwd=tmp_path)
    assert result.returncode == 2
    assert "is a file" in result.stderr and "directory" in result.stderr


# --------------------------------------------------------------------------- chat


def test_chat_behaves_like_the_bot(tmp_path: Path) -> None:
    from bot.texts import HELP, WELCOME

    lines = ["/start", "/help", "hi", "/report", "/report fly tipping", "/subscribe",
             "/ward shobnall", "/progress", "/pending", "quit", "how do I report ASB"]
    result = csp("chat", cwd=tmp_path, stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("\n\n")
    out = result.stdout
    assert out.startswith(WELCOME), "/start gives the welcome and menu"
    assert "/report" in out.split(HELP)[0] and "Did you mean" not in out
    assert HELP in out, "/help is the bot's help"
    assert out.count(WELCOME) == 2, "a greeting gets the welcome too"
    assert "What do you want to report?" in out
    assert "eaststaffsbc.gov.uk" in out, "/report fly tipping answers it"
    assert "/subscribe works only in Telegram" in out
    assert "Shobnall" in out and "bar chart" in out, "/ward answers, the chart is Telegram only"
    assert "has not published a progress summary" in out
    assert "/pending is for partners and coordinators" in out
    assert "101" not in out.split("coordinators")[-1], "nothing is answered after quit"
    assert len(replies) > 5
    assert not (tmp_path / "data").exists(), "chat creates no database"


def test_chat_never_imports_telegram() -> None:
    code = ("import io, sys; sys.stdin = io.StringIO('/start\\n/ward stapenhill\\nhi\\n'); "
            "from bot.cli.main import main; main(['chat']); "
            "assert not any(m == 'telegram' or m.startswith('telegram.') for m in sys.modules),"
            " 'telegram imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


# --------------------------------------------------------------------------- backups


class GatedSender:
    """Delivers the first ``open_for`` sends at once, then holds every send until released."""

    def __init__(self, open_for: int) -> None:
        import asyncio

        self.open_for = open_for
        self.started: list[int] = []
        self.gate = asyncio.Event()

    async def __call__(self, chat_id: int, text: str) -> None:
        self.started.append(chat_id)
        if len(self.started) > self.open_for:
            await self.gate.wait()


async def test_backup_during_a_broadcast_then_restore_loses_nothing_committed(
        tmp_path: Path) -> None:
    import asyncio

    from bot.cli.main import main
    from bot.publishing.broadcast import BroadcastEngine, create_broadcast
    from bot.storage import Storage

    database = tmp_path / "data" / "csp-bot.sqlite3"
    config = tmp_path / "config.yaml"
    config.write_text(f'storage:\n  path: "{database}"\n')
    backup = tmp_path / "backups" / "b.sqlite3"

    async def states(db: Storage, ident: int) -> dict[int, str]:
        rows = await db.fetch_all("SELECT chat_id, state FROM broadcast_recipients "
                                  "WHERE broadcast_id = ?", (ident,))
        return {int(r["chat_id"]): str(r["state"]) for r in rows}

    db = await Storage.open(database)
    for chat in range(1000, 1040):
        await db.subscribe(chat)
    ident = await create_broadcast(db, 1, "custom", "Progress is out")
    sender = GatedSender(open_for=15)
    engine = BroadcastEngine(db, sender, rate_per_second=1000, per_chat_interval=0,
                             max_in_flight=4)
    running = asyncio.create_task(engine.run(ident))
    for _ in range(2000):  # a safety net only; the loop ends as soon as 15 are recorded sent
        if list((await states(db, ident)).values()).count("sent") == 15:
            break
        await asyncio.sleep(0.01)
    await db.subscribe(2000)  # committed while the broadcast is mid-way
    committed = await states(db, ident)
    assert list(committed.values()).count("sent") == 15 and not running.done()

    # The bot is running: backup works beside it, restore refuses.
    argv = ["--config", str(config), "backup", str(backup)]
    assert await asyncio.to_thread(main, argv) == 0
    assert await asyncio.to_thread(
        main, ["--config", str(config), "restore", str(backup)]) == 2

    sender.gate.set()
    await running
    assert set((await states(db, ident)).values()) == {"sent"}
    await db.close()  # the bot stops

    assert await asyncio.to_thread(
        main, ["--config", str(config), "restore", str(backup)]) == 0
    assert list(database.parent.glob("csp-bot.sqlite3.before-restore-*")), "old one kept"
    async with Storage.open(database) as restored:
        assert await states(restored, ident) == committed, "exactly what was committed"
        assert await restored.is_subscribed(2000)
        # Resumed after the restore, the broadcast never re-sends a delivery recorded sent.
        again = GatedSender(open_for=10**6)
        await BroadcastEngine(restored, again, rate_per_second=1000,
                              per_chat_interval=0).run(ident)
        already = {chat for chat, state in committed.items() if state == "sent"}
        assert already.isdisjoint(again.started)
        assert set(again.started) | already == set(committed)


def test_backup_refuses_to_overwrite_and_restore_checks_the_file(tmp_path: Path) -> None:
    assert csp("init", cwd=tmp_path).returncode == 0
    assert csp("backup", "b.sqlite3", cwd=tmp_path).returncode == 0
    again = csp("backup", "b.sqlite3", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert csp("backup", "b.sqlite3", "--force", cwd=tmp_path).returncode == 0
    (tmp_path / "notes.txt").write_text("not a database")
    bad = csp("restore", "notes.txt", cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    missing = csp("restore", "nope.sqlite3", cwd=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


# --------------------------------------------------------------------------- deploy/


DEPLOY = ROOT / "deploy"


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's ``Key=value`` lines (keys may repeat)."""
    out: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_systemd_unit_runs_as_its_own_user_with_the_token_from_a_file() -> None:
    service = unit("csp-bot.service")
    assert service["User"] == ["csp-bot"] and service["EnvironmentFile"] == ["/etc/csp-bot/env"]
    assert service["Restart"] == ["on-failure"]
    assert service["RestartPreventExitStatus"] == ["2"], "a bad token is not retried forever"
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp",
                      "CapabilityBoundingSet", "RestrictAddressFamilies"):
        assert hardening in service, hardening
    assert "TELEGRAM_BOT_TOKEN" not in "".join(sum(service.values(), []))
    exec_start = service["ExecStart"][0].split()
    from bot.cli.main import build_parser
    build_parser().parse_args(exec_start[1:])  # the command line is one csp-bot accepts
    config = exec_start[exec_start.index("--config") + 1]
    assert config == "/etc/csp-bot/config.yaml"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
@pytest.mark.parametrize("name", ["csp-bot.service", "csp-bot-backup.service",
                                  "csp-bot-backup.timer"])
def test_systemd_units_verify(name: str) -> None:
    result = subprocess.run(["systemd-analyze", "verify", str(DEPLOY / name)],
                            capture_output=True, text=True, timeout=60)
    # The venv is not installed on the test machine; everything else must be clean.
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "/opt/csp-bot/bin/csp-bot is not executable" not in line]
    assert not problems, problems


def test_dockerfile_is_slim_non_root_with_a_volume_and_a_health_check() -> None:
    from bot.config import load_config

    text = (DEPLOY / "Dockerfile").read_text()
    froms = re.findall(r"^FROM (\S+)", text, re.M)
    assert froms and all(f.startswith("python:3.11-slim") for f in froms)
    assert re.search(r"^USER csp-bot$", text, re.M)
    assert re.search(r'^VOLUME \["/data"\]$', text, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*CMD", text, re.M)
    assert "TELEGRAM_BOT_TOKEN=" not in text and "ARG TELEGRAM" not in text
    # The baked-in config loads and keeps the database on the volume.
    assert load_config(DEPLOY / "config.yaml", env={}).storage.path == Path(
        "/data/csp-bot.sqlite3")
    # Every COPY source exists (the build context is the repository root).
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", text, re.M):
        for part in source.split():
            assert (ROOT / part).exists(), part
    health = re.search(r'CMD \["csp-bot", (.*)\]', text)
    assert health is not None
    from bot.cli.main import build_parser
    build_parser().parse_args([a.strip('" ') for a in health.group(1).split(",")])


def _container_engine() -> str | None:
    for engine in ("docker", "podman"):
        if shutil.which(engine) and subprocess.run(
                [engine, "info"], capture_output=True, timeout=60).returncode == 0:
            return engine
    return None


@pytest.mark.skipif(os.environ.get("CSP_BOT_CONTAINER_TEST") != "1",
                    reason="builds an image (minutes, needs the python:3.11-slim base): "
                    "set CSP_BOT_CONTAINER_TEST=1")
def test_docker_image_builds_and_answers() -> None:
    engine = _container_engine()
    if engine is None:
        pytest.skip("no working docker or podman")
    build = subprocess.run([engine, "build", "-f", str(DEPLOY / "Dockerfile"), "-t",
                            "csp-bot:test", str(ROOT)], capture_output=True, text=True,
                           timeout=1800)
    assert build.returncode == 0, build.stderr[-3000:]
    ask = subprocess.run([engine, "run", "--rm", "csp-bot:test", "ask", "report asb"],
                         capture_output=True, text=True, timeout=300)
    assert ask.returncode == 0 and "101" in ask.stdout, ask.stderr


# --------------------------------------------------------------------------- guides


def test_coordinators_walkthrough_covers_publishing_and_broadcasts() -> None:
    guide = (ROOT / "docs" / "partners.md").read_text(encoding="utf-8")
    walkthrough = guide.split("## A coordinator's walkthrough", 1)[1].split("\n## ", 1)[0]
    for step in ("/invite", "/pending", "/summary", "/publish", "/broadcast", "Confirm",
                 "schedule", "csp-bot broadcast status"):
        assert step in walkthrough, step


def test_deploy_guide_names_every_deploy_file_and_command() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    for name in ("deploy/csp-bot.service", "deploy/csp-bot-backup.timer", "deploy/Dockerfile",
                 "@BotFather", "csp-bot init", "csp-bot backup", "csp-bot restore",
                 "TELEGRAM_WEBHOOK_SECRET", "/etc/csp-bot/env"):
        assert name in guide, name
