"""The ``lcc`` command line: serve, demo, load, query, queries, assess, export, token, validate, framework."""

from __future__ import annotations

from . import framework, queries, validate
from .main import app

validate.register(app)
queries.register(app)
framework.register(app)


def main() -> None:
    """Entry point of the ``lcc`` script."""
    app()
