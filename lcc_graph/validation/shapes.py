"""The shapes graph: loading shapes/*.ttl and reading what each shape says about itself."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..namespaces import CRITERIA, LCC, RDF, RDFS, SH
from ..resources import data_dir

Term = ox.NamedNode | ox.BlankNode | ox.Literal

SHAPES_BASE = "https://w3id.org/lcc/shapes/"
SEVERITIES = ("Violation", "Warning", "Info")
_RDF_FIRST = ox.NamedNode(RDF + "first")
_RDF_REST = ox.NamedNode(RDF + "rest")
_RDF_NIL = ox.NamedNode(RDF + "nil")


def sh(local: str) -> ox.NamedNode:
    """The ``sh:`` term with this local name."""
    return ox.NamedNode(SH + local)


class Graph:
    """A small read-only index over triples: enough to walk a shapes graph."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.triples = list(triples)
        self._sp: dict[tuple, list[Term]] = defaultdict(list)
        self._po: dict[tuple, list[Term]] = defaultdict(list)
        self._p: dict[ox.NamedNode, list[ox.Triple]] = defaultdict(list)
        for t in self.triples:
            self._sp[(t.subject, t.predicate)].append(t.object)
            self._po[(t.predicate, t.object)].append(t.subject)
            self._p[t.predicate].append(t)

    def objects(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        """Objects of (subject, predicate, ?), in file order."""
        return list(self._sp.get((subject, predicate), ()))

    def value(self, subject: Term, predicate: ox.NamedNode) -> Term | None:
        """One object of (subject, predicate, ?), or None."""
        found = self._sp.get((subject, predicate))
        return found[0] if found else None

    def subjects(self, predicate: ox.NamedNode, obj: Term) -> list[Term]:
        """Subjects of (?, predicate, obj)."""
        return list(self._po.get((predicate, obj), ()))

    def with_predicate(self, predicate: ox.NamedNode) -> list[ox.Triple]:
        """Triples with this predicate."""
        return list(self._p.get(predicate, ()))

    def rdf_list(self, head: Term) -> list[Term]:
        """The members of an RDF collection."""
        items: list[Term] = []
        node: Term | None = head
        seen = set()
        while node is not None and node != _RDF_NIL:
            if node in seen:
                raise ValueError(f"cyclic RDF list at {node}")
            seen.add(node)
            first = self.value(node, _RDF_FIRST)
            if first is None:
                raise ValueError(f"malformed RDF list at {node}")
            items.append(first)
            node = self.value(node, _RDF_REST)
        return items


@dataclass(frozen=True)
class ShapeInfo:
    """What a shape says about itself, for reports."""

    iri: str
    severity: str
    message: str | None
    hint: str | None
    criterion: str | None
    label: str | None


def shape_files() -> list[Path]:
    """The Turtle files of the shapes folder, sorted by name."""
    return sorted(data_dir("shapes").glob("*.ttl"))


def read_turtle(path: Path) -> list[ox.Triple]:
    """The triples of one of our own Turtle files."""
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def english(graph: Graph, subject: Term, predicate: ox.NamedNode) -> str | None:
    """The English (or untagged, or else first) literal value of a property."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, ox.Literal)]
    for wanted in ("en", None):
        for v in values:
            if v.language == wanted:
                return v.value
    return values[0].value if values else None


def severity_name(term: Term | None) -> str:
    """``Violation``, ``Warning`` or ``Info`` (SHACL's default is Violation)."""
    if term is None:
        return "Violation"
    name = term.value.removeprefix(SH)
    return name if name in SEVERITIES else term.value


def criterion_slug(term: Term | None) -> str | None:
    """The slug of a criterion IRI, or None."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(CRITERIA):
        return term.value[len(CRITERIA):]
    return None


@dataclass
class ShapesGraph:
    """The shapes, their triples and what each says about itself."""

    graph: Graph
    files: list[Path]

    @property
    def triples(self) -> list[ox.Triple]:
        """All triples of the shapes files."""
        return self.graph.triples

    def info(self, shape: str) -> ShapeInfo:
        """Severity, message, hint, criterion and label of a shape."""
        return self._infos().get(shape) or ShapeInfo(shape, "Violation", None, None, None, None)

    def infos(self) -> dict[str, ShapeInfo]:
        """Every shape's info, by IRI."""
        return dict(self._infos())

    def _infos(self) -> dict[str, ShapeInfo]:
        cached = getattr(self, "_cache", None)
        if cached is not None:
            return cached
        g = self.graph
        out: dict[str, ShapeInfo] = {}
        for shape in all_shapes(g):
            if not isinstance(shape, ox.NamedNode):
                continue
            out[shape.value] = ShapeInfo(
                iri=shape.value,
                severity=severity_name(g.value(shape, sh("severity"))),
                message=english(g, shape, sh("message")),
                hint=english(g, shape, ox.NamedNode(LCC + "hint")),
                criterion=criterion_slug(g.value(shape, ox.NamedNode(LCC + "criterion"))),
                label=english(g, shape, ox.NamedNode(RDFS + "label")),
            )
        self._cache = out
        return out


_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


def all_shapes(g: Graph) -> list[Term]:
    """Every node that is a shape: typed as one, targeted, or referenced as one."""
    shapes: dict[Term, None] = {}
    for cls in ("NodeShape", "PropertyShape"):
        for s in g.subjects(ox.NamedNode(RDF + "type"), sh(cls)):
            shapes[s] = None
    for pred in _TARGETS + ("path",):
        for t in g.with_predicate(sh(pred)):
            shapes[t.subject] = None
    for pred in ("property", "node", "not", "qualifiedValueShape"):
        for t in g.with_predicate(sh(pred)):
            shapes[t.object] = None
    for pred in ("or", "and", "xone"):
        for t in g.with_predicate(sh(pred)):
            for member in g.rdf_list(t.object):
                shapes[member] = None
    return list(shapes)


def targeted_shapes(g: Graph) -> list[Term]:
    """Shapes with a target of their own."""
    found: dict[Term, None] = {}
    for pred in _TARGETS:
        for t in g.with_predicate(sh(pred)):
            found[t.subject] = None
    return list(found)


def load_shapes(files: Iterable[Path] | None = None) -> ShapesGraph:
    """The shapes graph of the given files (default: every file of shapes/)."""
    paths = list(files) if files is not None else shape_files()
    triples: list[ox.Triple] = []
    for path in paths:
        triples.extend(read_turtle(path))
    return ShapesGraph(Graph(triples), paths)


@lru_cache(maxsize=1)
def default_shapes() -> ShapesGraph:
    """The shapes that ship, loaded once."""
    return load_shapes()
