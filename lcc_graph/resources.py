"""Where the data folders (ontology, shapes, queries) are: inside the wheel or in the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes`` or ``queries``, installed or from a source checkout."""
    if name not in ("ontology", "shapes", "queries"):
        raise ValueError(f"unknown data folder: {name}")
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"data folder {name!r} not found in {installed} or {source}")


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology folder, sorted by name."""
    return sorted(data_dir("ontology").glob("*.ttl"))
