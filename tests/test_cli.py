"""The csp-bot command line: JSON contract, kb check, eval, and no Telegram when answering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.conftest import ROOT, SHARED

CSP = [sys.executable, "-m", "bot.cli"]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CSP, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_ask_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "how do I report ASB"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert set(obj) == {"matched", "topic", "confidence", "crisis", "crisis_kind", "caution",
                        "answer", "suggestions"}
    assert obj["matched"] is True and obj["crisis"] is False and obj["crisis_kind"] is None
    assert obj["caution"] is False
    assert isinstance(obj["topic"], str)
    assert 0 <= obj["confidence"] <= 1
    assert "101" in obj["answer"]
    assert "<" not in obj["answer"], "answer is plain text, no markup"
    assert isinstance(obj["suggestions"], list)


def test_ask_json_names_the_emergency_advice_a_crisis_gets(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--json", "I want to kill myself"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["crisis"] is True and obj["crisis_kind"] == "self_harm"
    assert "116 123" in obj["answer"]


def test_ask_json_reads_stdin_one_object_per_line_in_order() -> None:
    questions = ["how do I report ASB", "", "what's the weather", "I want to kill myself"]
    result = run("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objs) == 3, "blank lines are skipped, every question answered in order"
    assert objs[0]["topic"] == "asb-report" and objs[1]["matched"] is False
    assert objs[2]["crisis"] is True and "116 123" in objs[2]["answer"]
    assert objs[2]["answer"].index("999") < objs[2]["answer"].index("116 123") or \
        objs[2]["answer"].startswith("If your life is at risk now, call 999")


def test_ask_plain_prints_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "where", "do", "I", "report", "fly", "tipping"]) == 0
    assert "eaststaffsbc.gov.uk" in capsys.readouterr().out


def test_ask_path_never_imports_telegram() -> None:
    code = ("import sys; from bot.cli.main import main; main(['ask', '--json', 'report asb']); "
            "assert not any(m == 'telegram' or m.startswith('telegram.') for m in sys.modules),"
            " 'telegram imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


def test_kb_check_ok_on_shipped_kb(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "check"]) == 0


def test_kb_check_fails_with_file_and_line(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "contacts.yaml").write_text("reviewed: 2026-11-24\ncontacts: []\n")
    (tmp_path / "bad.yaml").write_text("topics:\n- id: x\n  title: [unclosed\n")
    assert main(["kb", "check", "--kb", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'bad.yaml'}:" in out and "malformed YAML" in out


def test_broken_kb_makes_ask_fail_cleanly(tmp_path: Path) -> None:
    (tmp_path / "contacts.yaml").write_text("reviewed: nope\n")
    result = run("ask", "--kb", str(tmp_path), "hello")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "contacts.yaml" in result.stderr


@pytest.mark.skipif(not (SHARED / "eval" / "questions.yaml").exists(),
                    reason="shared development questions not present")
def test_eval_on_development_questions(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", str(SHARED / "eval" / "questions.yaml")])
    out = capsys.readouterr().out
    assert "crisis recall: 100%" in out
    assert "false crises: 0" in out
    assert code == 0, out


def test_eval_reports_failures_and_exits_nonzero(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "q.yaml"
    f.write_text(
        "# --- reporting ---\n"
        "- q: how do I report ASB\n  expect: {all: ['101']}\n"
        "- q: how do I report ASB\n  expect: {all: ['0000 not a number']}\n"
        "# --- crisis ---\n"
        "- q: what is the suicide rate\n  crisis: true\n"
        "- q: football scores\n  matched: false\n"
    )
    assert main(["eval", str(f)]) == 1
    out = capsys.readouterr().out
    assert "accuracy: 50.0% (2/4)" in out
    assert "reporting: 1/2" in out and "crisis: 1/2" in out
    assert "crisis recall: 0%" in out
    assert "emergency help first: 0/1 crises" in out
    assert "out-of-scope declined: 1/1" in out
    assert "missing '0000 not a number'" in out


def test_unknown_config_key_is_one_line_on_stderr(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("matching:\n  threshhold: 0.5\n")
    result = run("--config", str(cfg), "ask", "hello")
    assert result.returncode == 2
    assert "threshhold" in result.stderr and "Traceback" not in result.stderr


def _env_without_token() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items()
            if k not in ("TELEGRAM_BOT_TOKEN", "CSP_BOT_CONFIG")}


def test_run_without_token_says_exactly_what_is_missing() -> None:
    result = subprocess.run([*CSP, "run"], capture_output=True, text=True, cwd=ROOT,
                            timeout=60, env=_env_without_token())
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_run_with_malformed_token_never_echoes_it() -> None:
    env = _env_without_token() | {"TELEGRAM_BOT_TOKEN": "not-a-real-token-secret123"}
    result = subprocess.run([*CSP, "run"], capture_output=True, text=True, cwd=ROOT,
                            timeout=60, env=env)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "secret123" not in result.stderr and "Traceback" not in result.stderr


def test_webhook_without_secret_refuses_to_start(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("telegram:\n  mode: webhook\n  webhook:\n    url: https://x.example/t\n")
    env = _env_without_token() | {"TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35}
    result = subprocess.run([*CSP, "--config", str(cfg), "run"], capture_output=True,
                            text=True, cwd=ROOT, timeout=60, env=env)
    assert result.returncode == 2
    assert "secret" in result.stderr.lower() and "Traceback" not in result.stderr


def test_make_run_without_token_answers_piped_question() -> None:
    import shutil

    if shutil.which("make") is None:
        pytest.skip("make not installed")
    result = subprocess.run(["make", "-s", "run"], input="how do I report ASB\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=300,
                            env=_env_without_token())
    assert result.returncode == 0, result.stderr
    assert "101" in result.stdout
    assert "TELEGRAM_BOT_TOKEN" in result.stderr, "a one-line note on how to go live"


def test_eval_on_second_held_out_set(capsys: pytest.CaptureFixture[str]) -> None:
    """A set written from the plan and contacts alone, in the development set's format."""
    code = main(["eval", str(ROOT / "tests" / "data" / "heldout_eval.yaml"), "--min", "0.9"])
    out = capsys.readouterr().out
    assert "crisis recall: 100%" in out and "false crises: 0" in out
    assert code == 0, out


def test_config_accepted_before_or_after_the_command(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("matching:\n  threshhold: 0.5\n")
    for args in (["--config", str(cfg), "run"], ["run", "--config", str(cfg)]):
        result = run(*args)
        assert result.returncode == 2 and "threshhold" in result.stderr, args


def test_eval_counts_the_emergency_line_on_top_apart_from_crisis_recall(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A goodbye the model reads as possibly in danger gets the goodbye with the emergency line
    # on top: not a crisis reply (recall 0 %), but the resident saw 999 first.
    f = tmp_path / "q.yaml"
    f.write_text("- q: khuda hafiz ji\n  source: written\n  label: crisis\n  crisis: self_harm\n"
                 "  topic: mental-health\n")
    assert main(["ask", "--json", "khuda hafiz ji"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["crisis"] is False and obj["caution"] is True
    main(["eval", "--min", "0", str(f)])
    out = capsys.readouterr().out
    assert "crisis recall: 0%" in out
    assert "emergency help first: 1/1 crises" in out
