"""The ``lcc`` command line: serve, demo, load, query, export, token, validate."""

from __future__ import annotations

from . import validate
from .main import app

validate.register(app)


def main() -> None:
    """Entry point of the ``lcc`` script."""
    app()
