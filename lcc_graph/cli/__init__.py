"""The ``lcc`` command line: serve, demo, load, query, queries, assess, export, token, validate."""

from __future__ import annotations

from . import queries, validate
from .main import app

validate.register(app)
queries.register(app)


def main() -> None:
    """Entry point of the ``lcc`` script."""
    app()
