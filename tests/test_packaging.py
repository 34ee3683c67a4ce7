"""A non-editable install serves the same: the data folders ship inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import httpx
import pytest

from .conftest import REPO
from .servers import free_port, running

pytestmark = pytest.mark.slow


def test_wheel_install_serves_the_framework(tmp_path):
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
                   check=True, timeout=300)
    (wheel,) = wheel_dir.glob("lcc_graph-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # the installed package, not the checkout, must be what runs
    found = subprocess.run([str(py), "-c", "import lcc_graph, api; print(lcc_graph.__file__, api.__file__)"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout
    assert str(REPO) not in found
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCC_")}
    cmd = [str(env_dir / "bin" / "lcc"), "serve", "--data-dir", str(tmp_path / "data"), "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with running(cmd, f"{base}/health", cwd=elsewhere, env=env, timeout=90):
        body = httpx.get(f"{base}/criteria").json()
        assert body["count"] == 21
        pen = httpx.get(f"{base}/criteria/penetration").json()
        assert len(pen["statements"]) == 6 and len(pen["dimensions"]) == 3
        assert httpx.get(f"{base}/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
