"""Starting real servers on loopback for tests, bounded in time."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from typing import Iterator

import httpx


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None, log=None) -> None:
    """Poll a URL until it answers 200, the process dies, or the timeout passes."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            out = ""
            if log is not None:
                log.seek(0)
                out = log.read().decode(errors="replace")
            raise RuntimeError(f"server exited with {proc.returncode}: {out[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last})")


@contextmanager
def running(cmd: list[str], url: str, *, cwd=None, env=None, timeout: float = 60.0) -> Iterator[subprocess.Popen]:
    """Run a server process until the block ends; stop it (then kill it) afterwards.

    Its output goes to a temporary file (a pipe nobody reads would fill and block the server).
    """
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(url, timeout, proc, log)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
