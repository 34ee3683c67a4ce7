"""What the commands share: the data directory option, opening stores with clear errors."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer
from rich.console import Console

from ..errors import LccError
from ..store.stores import Stores, open_stores

console = Console(stderr=True)

DataDir = Annotated[
    Path,
    typer.Option("--data-dir", envvar="LCC_DATA_DIR", help="where the stores live"),
]
DEFAULT_DATA_DIR = Path("data")


def fail(message: str, code: int = 1) -> None:
    """Print one clear line and exit."""
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def stores_at(data_dir: Path) -> Iterator[Stores]:
    """Open the stores, turning a held lock into one clear line."""
    try:
        stores = open_stores(data_dir)
    except LccError as exc:
        fail(exc.message)
    try:
        yield stores
    finally:
        stores.close()


def env_data_dir(data_dir: Path) -> None:
    """Make the data directory the service's setting for a server started from here."""
    os.environ["LCC_DATA_DIR"] = str(data_dir.resolve())
