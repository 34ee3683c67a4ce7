"""The reference: pySHACL on the same candidate data and shapes (slow, per focus node, exact)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from threading import Lock
from types import ModuleType

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF as RDFNS
from rdflib.namespace import SH as SHNS

from .engine import RawResult, quiet_rdflib
from .shapes import ShapesGraph, Term, default_shapes, severity_name


_PATCH_LOCK = Lock()


def to_rdflib(term: Term) -> rdflib.term.Identifier:
    """A pyoxigraph term as rdflib's (literals keep their lexical form)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value), normalize=False)


def from_rdflib(term: rdflib.term.Identifier) -> Term:
    """An rdflib term as pyoxigraph's."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def rdflib_graph(triples: Iterable[ox.Triple]) -> rdflib.Graph:
    """An rdflib graph of pyoxigraph triples (terms converted once each)."""
    graph = rdflib.Graph()
    cache: dict[Term, rdflib.term.Identifier] = {}

    def conv(t: Term) -> rdflib.term.Identifier:
        found = cache.get(t)
        if found is None:
            found = cache[t] = to_rdflib(t)
        return found

    add = graph.add
    with quiet_rdflib():
        for t in triples:
            add((conv(t.subject), conv(t.predicate), conv(t.object)))
    return graph


_SH_MESSAGE = ox.NamedNode(str(SHNS.message))


def _translation(t: ox.Triple) -> bool:
    """A sh:message in another language than English."""
    o = t.object
    return t.predicate == _SH_MESSAGE and isinstance(o, ox.Literal) and o.language not in (None, "en")


def shapes_rdflib(shapes: ShapesGraph | None = None) -> rdflib.Graph:
    """The shapes graph for pySHACL, with the English sh:message of each shape only.

    pySHACL rewrites a SPARQL-based constraint's messages as plain literals (the language tag is
    lost), so with @he and @ar messages beside the @en one a result's English message could not
    be told apart. The engines compute results; the report picks the reader's language from the
    shapes graph (report.py).
    """
    return rdflib_graph(t for t in (shapes or default_shapes()).triples if not _translation(t))


def _english(messages: list[rdflib.Literal]) -> str | None:
    for wanted in ("en", None):
        for m in messages:
            if m.language == wanted:
                return str(m)
    return str(messages[0]) if messages else None


def report_results(report: rdflib.Graph) -> list[RawResult]:
    """The sh:ValidationResults of a pySHACL report graph."""
    out: list[RawResult] = []
    # Top-level results only: results nested under sh:detail (pySHACL explains sh:node failures
    # that way) are not results of the report.
    results = [r for rep in report.subjects(RDFNS.type, SHNS.ValidationReport) for r in report.objects(rep, SHNS.result)]
    for r in results:
        focus = report.value(r, SHNS.focusNode)
        path = report.value(r, SHNS.resultPath)
        value = report.value(r, SHNS.value)
        shape = report.value(r, SHNS.sourceShape)
        severity = report.value(r, SHNS.resultSeverity)
        component = report.value(r, SHNS.sourceConstraintComponent)
        messages = list(report.objects(r, SHNS.resultMessage))
        out.append(
            RawResult(
                focus_node=from_rdflib(focus),
                path=from_rdflib(path) if path is not None else None,  # type: ignore[arg-type]
                value=from_rdflib(value) if value is not None else None,
                source_shape=from_rdflib(shape),  # type: ignore[arg-type]
                severity=severity_name(from_rdflib(severity)),
                message=_english(messages),
                component=from_rdflib(component),  # type: ignore[arg-type]
            )
        )
    return out


@contextmanager
def memoised_sparql_parsing() -> Iterator[None]:
    """Parse each SPARQL text once while pySHACL runs, instead of once per focus node.

    pySHACL hands rdflib the same constraint text for every focus node (``$this`` is passed as
    an initial binding), and rdflib parses and translates it every time, which costs more than
    evaluating it. The translated query is what ``prepareQuery`` returns for reuse, so results
    are unchanged; only the repeated parsing goes.
    """
    from rdflib.plugins.sparql import processor

    with _PATCH_LOCK:  # one patched run at a time: the patch is process-wide
        original = processor.SPARQLProcessor.query
        cache: dict[tuple, object] = {}

        def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
            if isinstance(strOrQuery, str):
                key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
                prepared = cache.get(key)
                if prepared is None:
                    prepared = cache[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
                strOrQuery = prepared
            return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

        processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            processor.SPARQLProcessor.query = original  # type: ignore[method-assign]


def run_pyshacl(
    triples: Iterable[ox.Triple],
    shapes: ShapesGraph | None = None,
    *,
    module: ModuleType | None = None,
    memoise_parsing: bool = True,
) -> list[RawResult]:
    """Validate with pySHACL (or an API-compatible ``module`` such as pyshacl_turbo).

    No inference, warnings and infos allowed (acceptance is gated on severity, not on
    ``conforms``); the data graph already holds the ontology. ``memoise_parsing`` parses each
    SPARQL constraint once (see :func:`memoised_sparql_parsing`).
    """
    if module is None:
        import pyshacl as module  # noqa: PLW0127

    data = rdflib_graph(triples)
    shacl = shapes_rdflib(shapes)
    options = dict(
        shacl_graph=shacl,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        advanced=False,
        abort_on_first=False,
    )
    if memoise_parsing:
        with memoised_sparql_parsing():
            _conforms, report, _text = module.validate(data, **options)
    else:
        _conforms, report, _text = module.validate(data, **options)
    if not isinstance(report, rdflib.Graph):
        raise RuntimeError(f"{module.__name__} returned no report graph: {report!r}")
    return report_results(report)
