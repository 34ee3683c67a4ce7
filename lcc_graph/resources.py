"""Where the data folders (ontology, shapes, queries) are: inside the wheel or in the checkout.

The framework folders (``ontology``, ``shapes``) are the shipped ones until a data directory has a
published framework version: :func:`use_framework_dir` then points them at the framework that
version made (:mod:`lcc_graph.framework_versions` writes it), for this process and for the worker
processes it starts afterwards (through the ``LCC_FRAMEWORK_DIR`` environment variable, which
spawned workers inherit).
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
FRAMEWORK_DIR_ENV = "LCC_FRAMEWORK_DIR"
FRAMEWORK_FOLDERS = ("ontology", "shapes")


def shipped_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes`` or ``queries`` as it ships, installed or in a source checkout."""
    if name not in ("ontology", "shapes", "queries"):
        raise ValueError(f"unknown data folder: {name}")
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    source = _PACKAGE.parent / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"data folder {name!r} not found in {installed} or {source}")


def data_dir(name: str) -> Path:
    """The folder ``ontology``, ``shapes`` or ``queries`` in use: the framework folders of the
    published framework version when one is in use (:func:`use_framework_dir`), else as shipped."""
    override = os.environ.get(FRAMEWORK_DIR_ENV)
    if override and name in FRAMEWORK_FOLDERS and (Path(override) / name).is_dir():
        return Path(override) / name
    return shipped_dir(name)


def use_framework_dir(path: str | Path | None) -> None:
    """Read the framework (ontology and shapes) from ``path`` from now on, or as shipped with
    None; clears what this process had read of the framework before."""
    wanted = None if path is None else str(path)
    if os.environ.get(FRAMEWORK_DIR_ENV) == wanted:
        return
    if wanted is None:
        os.environ.pop(FRAMEWORK_DIR_ENV, None)
    else:
        os.environ[FRAMEWORK_DIR_ENV] = wanted
    from .framework import forget_framework

    forget_framework()


def ontology_files() -> list[Path]:
    """The Turtle files of the ontology folder, sorted by name."""
    return sorted(data_dir("ontology").glob("*.ttl"))
