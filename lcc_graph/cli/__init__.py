"""The ``lcc`` command line: serve, demo, load, query, export (and validate, queries, assess)."""

from __future__ import annotations

import importlib
import importlib.util

from .main import app

for _name in ("validate", "queries"):
    if importlib.util.find_spec(f"{__name__}.{_name}") is not None:
        importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    """Entry point of the ``lcc`` script."""
    app()
