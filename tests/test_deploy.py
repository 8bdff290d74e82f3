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
