"""Starting the fake Bot API and the measuring workers as child processes."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

from bench.common import ROOT

Api = dict[str, str]


class WorkerFailed(RuntimeError):
    pass


@contextlib.contextmanager
def fake_api(*flags: str) -> Iterator[Api]:
    """The fake Bot API in its own process; yields its base URLs and token."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.fakeserver", *flags], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise WorkerFailed("the fake Bot API did not start")
        yield json.loads(line)
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def api_call(api: Api, method: str) -> Any:
    """Call one of the fake's methods (``benchStats``, ``benchReset``) and return its result."""
    request = urllib.request.Request(f"{api['base_url']}{api['token']}/{method}", data=b"",
                                     method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["result"]


def worker(*args: str, timeout: float = 300.0) -> dict[str, Any]:
    """Run ``python -m bench.worker ARGS`` and return the JSON it printed last."""
    done = subprocess.run([sys.executable, "-m", "bench.worker", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise WorkerFailed(f"bench.worker {' '.join(args[:1])} failed:\n{tail}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result
