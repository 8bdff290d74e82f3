"""The HTML summary in a real browser: headless Chromium draws it at phone size, and partner
text that tries to run a script stays inert text.

Skipped (with the reason) where Chromium is not installed; ``make test`` installs it via
``.ci/browser-deps``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.partners.periods import Period
from bot.partners.updates import UpdateRecord
from bot.publishing.summary import build_summary, render_html
from tests.test_summary import small_kb, small_kb_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser

TIMEOUT = 60  # seconds for any one Chromium run
ATTACK = (
    "<script>document.title='PWNED'</script>"
    "<img src=x onerror=\"document.title='PWNED'\">"
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        pytest.skip("headless Chromium is not installed (make test installs it via "
                    ".ci/browser-deps; or apt-get install chromium)")
    return found


@pytest.fixture
def profile() -> Iterator[Path]:
    # A throwaway profile per run, so nothing is shared with (or left for) a real browser.
    with tempfile.TemporaryDirectory(prefix="csp-chromium-") as directory:
        yield Path(directory)


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium, killing its whole process group if it overruns TIMEOUT."""
    command = [
        chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", *args,
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(args)}")
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def page_with(kb: KnowledgeBase, narrative: str, path: Path) -> Path:
    updates = [
        UpdateRecord(1, "police", "asb", "2024-25 Q3", 1, "green",
                     "Ran 12 joint patrols in Burton town centre.\nTwo dispersal orders.",
                     figures=[("ASB incidents", "1,950")], status="approved"),
        UpdateRecord(2, "council", "asb", "2024-25 Q3", 1, "amber", narrative,
                     status="approved"),
        UpdateRecord(3, "police", "drugs", "2024-25 Q3", 1, "red",
                     "One county line reopened after two closures.", status="approved"),
    ]
    path.write_text(render_html(build_summary(kb, updates, Period(2024, 3))), encoding="utf-8")
    return path


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_MAGIC), "not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_page_renders_at_phone_width(
    small_kb: KnowledgeBase, tmp_path: Path, profile: Path  # noqa: F811
) -> None:
    page = page_with(small_kb, "CCTV upgrade delayed by the supplier.", tmp_path / "s.html")
    shot = tmp_path / "shot.png"
    result = chromium(profile, f"--screenshot={shot}", "--window-size=412,900",
                      page.as_uri())
    assert shot.is_file(), f"no screenshot (exit {result.returncode}): {result.stderr[-500:]}"
    data = shot.read_bytes()
    assert png_size(data) == (412, 900)
    # A blank or error page compresses to almost nothing; text, table and chart do not.
    assert len(data) > 20_000, f"screenshot suspiciously small ({len(data)} bytes)"
    image = pytest.importorskip("PIL.Image").open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the page looks blank"


def test_injected_script_stays_text_and_never_runs(
    small_kb: KnowledgeBase, tmp_path: Path, profile: Path  # noqa: F811
) -> None:
    page = page_with(small_kb, ATTACK, tmp_path / "attack.html")
    result = chromium(profile, "--dump-dom", page.as_uri())
    dom = result.stdout
    assert "<title>" in dom, f"no DOM dumped (exit {result.returncode}): {result.stderr[-500:]}"
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title and title.group(1).startswith("Community safety progress:"), title
    assert "PWNED</title>" not in dom
    # The partner's text is on the page, as text.
    assert "&lt;script&gt;document.title='PWNED'&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=" in dom
    assert "<script" not in dom.lower()
    assert not re.search(r"<img[^>]*onerror", dom, re.I)


def test_the_check_would_catch_a_script_that_ran(tmp_path: Path, profile: Path) -> None:
    """Control: the same check on an unescaped page does see the title change, so the test
    above passing means the script did not run, not that the check cannot see it."""
    page = tmp_path / "unsafe.html"
    page.write_text(f"<!doctype html><html><head><title>Safe</title></head><body>{ATTACK}"
                    "</body></html>", encoding="utf-8")
    dom = chromium(profile, "--dump-dom", page.as_uri()).stdout
    assert "<title>PWNED</title>" in dom
