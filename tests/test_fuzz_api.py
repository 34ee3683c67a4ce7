"""Schemathesis ``--checks all`` against the service's own OpenAPI document, on a live server.

Every phase (examples, coverage, fuzzing, stateful) and every check but two, each left out for a
reason the schema cannot carry:

- ``positive_data_acceptance``: whether a request is acceptable depends on content JSON Schema
  cannot describe: the SPARQL grammar of ``query``, the RDF syntax of an upload and whether its
  subjects belong to the community. Such a request is refused with a 400 or 422 that names why.
- ``ensure_resource_availability``: ``POST /communities`` registers a community; its profile,
  network and assessment exist from its first upload on (404 until then), by design.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .live import live_server

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
EXCLUDED = ["positive_data_acceptance", "ensure_resource_availability"]


def test_api_passes_every_schemathesis_check(demo_dir, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(demo_dir, data)
    cli = Path(sys.executable).with_name("schemathesis")
    with live_server(data, LCC_QUERY_TIMEOUT_S="5") as base:
        run = subprocess.run(
            [str(cli), "run", f"{base}/openapi.json", "--checks", "all", "--exclude-checks", ",".join(EXCLUDED),
             "--max-examples", "10", "--seed", "1", "--no-color", "-H", "Authorization: Bearer admin-secret"],
            capture_output=True, text=True, timeout=900,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks"}, cwd=REPO,
        )
    assert "API Operations" in run.stdout, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.returncode == 0, run.stdout[-30000:]
