"""The framework graphs: the ontology, criteria, vocabularies and shapes, installed in the public store."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import GRAPHS, framework_graph, shapes_graph
from .resources import data_dir
from .store.embedded import EmbeddedStore


def framework_files() -> dict[str, Path]:
    """Graph IRI -> Turtle file, for every ontology and shapes file that ships."""
    files: dict[str, Path] = {}
    for path in sorted(data_dir("ontology").glob("*.ttl")):
        files[framework_graph(path.stem)] = path
    for path in sorted(data_dir("shapes").glob("*.ttl")):
        files[shapes_graph(path.stem)] = path
    return files


@lru_cache(maxsize=1)
def _framework_graph_iris() -> tuple[str, ...]:
    return tuple(framework_files())


def framework_graphs() -> list[str]:
    """The graphs :func:`install_framework` writes (ontology and shapes files): what views read the
    framework from (criteria, statements, questions, indicators, concepts and their labels), so that
    nothing a community uploads changes what another community sees."""
    return list(_framework_graph_iris())


def read_turtle(path: Path) -> list[ox.Triple]:
    """The triples of one of our own Turtle files."""
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def install_framework(store: EmbeddedStore) -> int:
    """Replace every framework graph in one transaction; returns the number of triples installed.

    Framework graphs of files that no longer ship are dropped in the same transaction.
    """
    files = framework_files()
    graphs: dict[str, list[ox.Triple] | None] = {iri: read_turtle(p) for iri, p in files.items()}
    for iri in store.graphs():
        if (iri.startswith(GRAPHS + "framework/") or iri.startswith(GRAPHS + "shapes/")) and iri not in graphs:
            graphs[iri] = None
    store.replace_graphs(graphs)
    return sum(len(t) for t in graphs.values() if t)


def framework_version_label(store: EmbeddedStore) -> str:
    """The installed framework's version label, e.g. "1.0" (``owl:versionInfo``); indicators.framework_version gives its IRI."""
    rows = store.query(
        "SELECT ?v WHERE { <https://w3id.org/lcc/criteria/> <http://www.w3.org/2002/07/owl#versionInfo> ?v }",
        default_graph=[framework_graph("criteria")],
    ).values()
    return rows[0]["v"] if rows else "unknown"
