"""Validation: structure shapes that reject, criteria shapes that find.

``validate(triples, community_id)`` checks an upload against both shape sets (shapes/*.ttl) on
the candidate data (the upload with the ontology, criteria and vocabularies), before anything
is stored. The fast engine runs every constraint set-based on an in-memory Oxigraph store
(:mod:`.engine`); ``engine="pyshacl"`` runs the reference, pySHACL, on the same candidate
(:mod:`.reference`). Both give the same results; the differential tests prove it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..namespaces import check_slug
from .candidate import candidate_store, store_triples
from .engine import RawResult, run_fast
from .report import Report, Result, build_report
from .shapes import ShapesGraph, default_shapes

ENGINES = ("fast", "pyshacl", "pyshacl-turbo")

__all__ = ["ENGINES", "RawResult", "Report", "Result", "validate", "validate_store"]


def validate(
    triples: Iterable[ox.Triple],
    community_id: str | None = None,
    *,
    engine: str = "fast",
    shapes: ShapesGraph | None = None,
    ontology: bytes | None = None,
) -> Report:
    """Validate an upload (its triples, without the ontology) and report on it.

    ``community_id`` names the community the upload is for (it goes into the report and the
    IRIs of stored findings). ``engine`` is ``fast`` (default), ``pyshacl`` (the reference) or
    ``pyshacl-turbo`` (if installed). ``shapes`` and ``ontology`` (N-Triples) replace the
    framework in use, e.g. a version about to be published. Nothing is read from or written to a
    store on disk.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    if community_id is not None:
        check_slug(community_id)
    store = candidate_store(triples, ontology)
    return validate_store(store, community_id, engine=engine, shapes=shapes)


def validate_store(
    store: ox.Store,
    community_id: str | None = None,
    *,
    engine: str = "fast",
    shapes: ShapesGraph | None = None,
) -> Report:
    """Validate a candidate store (default graph: the upload and the ontology)."""
    shapes_graph = shapes or default_shapes()
    if engine == "fast":
        raw = run_fast(store, shapes)
    elif engine in ("pyshacl", "pyshacl-turbo"):
        from .reference import run_pyshacl

        module = None
        if engine == "pyshacl-turbo":
            import pyshacl_turbo as module  # type: ignore[import-not-found, no-redef]
        raw = run_pyshacl(store_triples(store), shapes, module=module)
    else:
        raise ValueError(f"unknown validation engine {engine!r}; use one of {', '.join(ENGINES)}")
    return build_report(raw, store, shapes_graph.infos(), community_id=community_id, engine=engine)
