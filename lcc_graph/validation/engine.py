"""The fast engine: every compiled check runs once, set-based, on the candidate store."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from ..namespaces import XSD
from .compile import Check, CompiledShapes, RangeScan, compile_shapes
from .shapes import ShapesGraph, Term, default_shapes


@dataclass(frozen=True)
class RawResult:
    """One validation result as SHACL reports it (before labels, hints and criteria are added)."""

    focus_node: Term
    path: ox.NamedNode | None
    value: Term | None
    source_shape: ox.NamedNode
    severity: str
    message: str | None
    component: ox.NamedNode

    def key(self) -> tuple:
        """What the differential test compares: focus, path, value, shape, severity."""
        return (self.focus_node, self.path, self.value, self.source_shape, self.severity)


@lru_cache(maxsize=1)
def _default_compiled() -> CompiledShapes:
    return compile_shapes(default_shapes())


def compiled(shapes: ShapesGraph | None = None) -> CompiledShapes:
    """The compiled checks of a shapes graph (the shipped shapes are compiled once)."""
    return _default_compiled() if shapes is None else compile_shapes(shapes)


def rdflib_accepts(literal: ox.Literal, datatype: str) -> bool:
    """Whether pySHACL's sh:datatype accepts a literal that has this datatype (rdflib decides)."""
    return _rdflib_accepts(literal.value, datatype)


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's traceback log for each ill-typed literal (they are reported, not errors)."""
    log = logging.getLogger("rdflib.term")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning, module="rdflib")
            yield
    finally:
        log.setLevel(level)


@lru_cache(maxsize=65536)
def _rdflib_accepts(lexical: str, datatype: str) -> bool:
    from datetime import date, datetime, time
    from decimal import Decimal

    import rdflib

    with quiet_rdflib():
        lit = rdflib.Literal(lexical, datatype=rdflib.URIRef(datatype), normalize=False)
    if getattr(lit, "ill_typed", None) is True:
        return False
    value = lit.value
    expected: dict[str, tuple[type, ...]] = {
        XSD + "string": (str, bytes),
        XSD + "integer": (int,),
        XSD + "float": (float,),
        XSD + "decimal": (Decimal,),
        XSD + "boolean": (bool,),
        XSD + "date": (date,),
        XSD + "time": (time,),
        XSD + "dateTime": (datetime,),
    }
    types = expected.get(datatype)
    return True if types is None else isinstance(value, types)


def rdflib_at_least(literal: ox.Literal, bound: ox.Literal) -> bool:
    """Whether pySHACL's sh:minInclusive ``bound`` accepts a literal (rdflib compares, as pySHACL does)."""
    from pyshacl.rdfutil.compare import compare_literal

    from .reference import to_rdflib

    with quiet_rdflib():
        v, m = to_rdflib(literal), to_rdflib(bound)
        if isinstance(v.value, str) != isinstance(m.value, str):
            return False
        try:
            return compare_literal(v, m) >= 0
        except (TypeError, NotImplementedError):
            return False


def illtyped_literals(store: ox.Store, checks: CompiledShapes) -> dict[str, list[ox.Literal]]:
    """Marker key -> the literals that fail it: for a datatype IRI, the literals of that datatype
    rdflib finds ill-typed; for a range bound, the literals Oxigraph cannot compare that fail it."""
    bad: dict[str, dict[ox.Literal, None]] = {}
    for scan in checks.scans:
        for row in store.query(scan.query()):
            lit = row["v"]
            if not isinstance(lit, ox.Literal):
                continue
            ok = rdflib_at_least(lit, scan.bound) if isinstance(scan, RangeScan) else rdflib_accepts(lit, scan.datatype)
            if not ok:
                bad.setdefault(scan.key, {})[lit] = None
    return {dt: list(lits) for dt, lits in bad.items()}


def subclass_closure(store: ox.Store, checks: CompiledShapes) -> dict[str, list[str]]:
    """Each class the checks name -> itself and every class below it in the candidate, sorted."""
    query = checks.subclass_query()
    closure: dict[str, set[str]] = {c: {c} for c in checks.classes}
    if query is not None:
        for row in store.query(query):
            closure[row["class"].value].add(row["sub"].value)
    return {c: sorted(subs) for c, subs in closure.items()}


def _run_check(store: ox.Store, check: Check, query: str) -> list[RawResult]:
    shape = ox.NamedNode(check.shape)
    path = ox.NamedNode(check.path) if check.path else None
    component = ox.NamedNode(check.component)
    results = []
    for row in store.query(query):
        focus = row["this"]
        value = row["value"] if check.projects_value else None
        if value is None and check.value_is_focus:
            value = focus
        results.append(RawResult(focus, path, value, shape, check.severity, check.message, component))
    return results


def default_workers() -> int:
    """Threads for the checks: Oxigraph evaluates queries without holding the GIL."""
    return max(1, min(8, os.cpu_count() or 1))


def run_fast(store: ox.Store, shapes: ShapesGraph | None = None, *, workers: int | None = None) -> list[RawResult]:
    """Every check of the shapes on the store, ``workers`` at a time; results in no particular order."""
    checks = compiled(shapes)
    illtyped = illtyped_literals(store, checks)
    subclasses = subclass_closure(store, checks)
    jobs = [(check, check.render(illtyped, subclasses)) for check in checks.checks]
    workers = default_workers() if workers is None else workers
    if workers <= 1:
        batches = [_run_check(store, check, query) for check, query in jobs]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            batches = list(pool.map(lambda job: _run_check(store, *job), jobs))
    return [r for batch in batches for r in batch]
