"""What the commands share: the data directory option, opening stores with clear errors."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer
from rich.console import Console

from ..errors import LccError
from ..store.stores import Stores

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
    """Open the stores the environment configures (``LCC_STORE``, ``LCC_PRIVATE_STORE``,
    ``LCC_REMOTE_*``: the same as ``lcc serve`` reads; lcc_graph.store.config), turning a held lock
    or an unreachable engine into one clear line."""
    from ..store.config import StoreConfig, open_configured

    try:
        config = StoreConfig.from_env(data_dir)
        stores = open_configured(config)
        if config.store == "remote":
            stores.public.graphs()  # reachable, or one clear line now rather than a trace later
    except LccError as exc:
        fail(f"{exc.message}")
    try:
        yield stores
    finally:
        stores.close()


def env_data_dir(data_dir: Path) -> None:
    """Make the data directory the service's setting for a server started from here."""
    os.environ["LCC_DATA_DIR"] = str(data_dir.resolve())
