"""A live uvicorn server over a data directory, for tests that need real HTTP clients."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .servers import free_port, running


@contextmanager
def live_server(data_dir: Path, **env: str) -> Iterator[str]:
    """Serve the app on a free loopback port; yields its base URL."""
    port = free_port()
    environment = {**os.environ, "LCC_DATA_DIR": str(data_dir), "LCC_ADMIN_TOKEN": "admin-secret", **env}
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    with running(cmd, f"{base}/health", env=environment, timeout=90):
        yield base
