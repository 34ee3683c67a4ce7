"""Shared fixtures: real stores in temp dirs, a real app, known small data."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
REQUIRE_ALL = os.environ.get("LCC_REQUIRE_ALL") == "1"


def require(condition: bool, reason: str) -> None:
    """Skip locally when a system component is missing; fail in CI (LCC_REQUIRE_ALL=1)."""
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def require_program(name: str) -> str:
    """The path of a program, or skip/fail."""
    path = shutil.which(name)
    require(path is not None, f"{name} is not installed")
    return path  # type: ignore[return-value]


@pytest.fixture(autouse=True)
def shipped_framework_after_test():
    """A test that published a framework version leaves the next one the shipped framework."""
    yield
    from lcc_graph.resources import use_framework_dir

    use_framework_dir(None)


@pytest.fixture
def stores(tmp_path):
    """Fresh public and private stores on disk, with the framework installed."""
    from lcc_graph.framework import install_framework
    from lcc_graph.store import open_stores

    s = open_stores(tmp_path / "data")
    install_framework(s.public)
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory):
    """A data directory with the framework and 12 demo communities (built once per session)."""
    from lcc_graph.demo_store import build_demo_store
    from lcc_graph.store import open_stores

    path = tmp_path_factory.mktemp("demo") / "data"
    s = open_stores(path)
    build_demo_store(s, 12, 0)
    s.close()
    return path


@pytest.fixture
def demo_copy(demo_dir, tmp_path):
    """A private copy of the demo data directory that a test may change."""
    target = tmp_path / "data"
    shutil.copytree(demo_dir, target)
    return target


@pytest.fixture
def client(demo_copy):
    """A TestClient on an app over a copy of the demo data."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(data_dir=demo_copy, admin_token="admin-secret"))
    with TestClient(app) as c:
        # the start's expected-value lines fitted (lcc_graph.expected.LineWarmer): the reads a
        # test counts are then its own
        assert app.state.line_warmer.settle()
        yield c
