"""The framework graphs: the ontology, criteria, vocabularies and shapes, installed in the public store.

What is installed is the shipped framework with every version published since applied in turn
(:mod:`lcc_graph.framework_versions`): a published version outlives restarts and upgrades.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .namespaces import GRAPHS, OWL, framework_graph, shapes_graph
from .resources import data_dir, shipped_dir

_VERSION_INFO = ox.NamedNode(OWL + "versionInfo")


def framework_files(*, shipped: bool = False) -> dict[str, Path]:
    """Graph IRI -> Turtle file, for every ontology and shapes file in use (``shipped``: as shipped)."""
    folder = shipped_dir if shipped else data_dir
    files: dict[str, Path] = {}
    for path in sorted(folder("ontology").glob("*.ttl")):
        files[framework_graph(path.stem)] = path
    for path in sorted(folder("shapes").glob("*.ttl")):
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


def is_framework_graph(iri: str) -> bool:
    """Whether a graph IRI is one of the framework's (ontology or shapes)."""
    return iri.startswith(GRAPHS + "framework/") or iri.startswith(GRAPHS + "shapes/")


def read_turtle(path: Path) -> list[ox.Triple]:
    """The triples of one of our own Turtle files."""
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def shipped_framework() -> dict[str, list[ox.Triple]]:
    """The framework as it ships: graph IRI -> triples."""
    return {iri: read_turtle(path) for iri, path in framework_files(shipped=True).items()}


_INSTALLED_GRAPH = "urn:lcc:private:framework-installed"
_INSTALLED = ox.NamedNode(_INSTALLED_GRAPH)
_DIGEST = ox.NamedNode("https://w3id.org/lcc#frameworkDigest")


def _framework_digest(private) -> str:
    """A digest of what the framework in use is made of: the shipped files' bytes and every
    published version's file as stored."""
    import hashlib

    from .framework_versions import published, version_file_graph

    digest = hashlib.sha256()
    for iri, path in sorted(framework_files(shipped=True).items()):
        digest.update(f"{iri}\n".encode() + path.read_bytes())
    for version in published(private) if private is not None else []:
        triples = sorted(str(t) for t in private.get_graph(version_file_graph(version.label)))
        digest.update(f"{version.label}\n".encode() + "\n".join(triples).encode())
    return digest.hexdigest()


def install_framework(stores, *, remember: bool = False) -> int:
    """Replace every framework graph in one transaction; returns the number of triples installed.

    ``stores`` is a :class:`~lcc_graph.store.stores.Stores` (the published versions are read from
    its private store and applied to the shipped framework) or a bare public store (the shipped
    framework only). Framework graphs that are no longer part of it are dropped in the same
    transaction. The framework files in use then follow (:func:`resources.use_framework_dir`).

    With ``remember`` (start-up) a digest of what the framework is made of (the shipped files,
    the published versions) is kept in the private store, and the graphs are not rewritten when
    it and the public store's framework graphs are unchanged: rewriting them cost a start 0.3 to
    0.7 s and a checkpoint. Returns 0 then.
    """
    from .framework_versions import effective_framework, materialise

    private = getattr(stores, "private", None)
    public = getattr(stores, "public", stores)
    graphs_now, versions = effective_framework(private)
    graphs: dict[str, list[ox.Triple] | None] = dict(graphs_now)
    present = {iri for iri in public.graphs() if is_framework_graph(iri)}
    for iri in present - set(graphs):
        graphs[iri] = None
    digest = _framework_digest(private) if remember and private is not None else None
    unchanged = (digest is not None and present == set(graphs_now)
                 and [q.object.value for q in private.quads(_INSTALLED, _DIGEST, None, graph=_INSTALLED_GRAPH)] == [digest])
    if not unchanged:
        if hasattr(stores, "publish"):
            stores.replace_graphs(graphs)
        else:
            public.replace_graphs(graphs)
        if digest is not None:
            private.replace_graphs({_INSTALLED_GRAPH: [ox.Triple(_INSTALLED, _DIGEST, ox.Literal(digest))]})
    materialise(stores, graphs_now, versions[-1].label if len(versions) > 1 else None)
    _in_use["iri"] = versions[-1].iri if versions else None
    return 0 if unchanged else sum(len(t) for t in graphs.values() if t)


_in_use: dict[str, str | None] = {"iri": None}  # the version whose files this process validates with


def follow_published(stores) -> None:
    """Validate with the version the store says is current: another instance over the same engine
    may have published one since this process started (docs/deploy.md). A query when nothing
    changed; the framework files, and the upload workers, when something did."""
    from .framework_versions import effective_framework, materialise
    from .indicators import framework_version

    current = framework_version(getattr(stores, "public", stores))
    if current is None or current == _in_use["iri"]:
        return
    import os

    from .resources import FRAMEWORK_DIR_ENV

    before = os.environ.get(FRAMEWORK_DIR_ENV)
    graphs, versions = effective_framework(getattr(stores, "private", None))
    materialise(stores, graphs, versions[-1].label if len(versions) > 1 else None)
    _in_use["iri"] = current
    restart = getattr(stores, "restart_sandbox", None)
    if restart is not None and os.environ.get(FRAMEWORK_DIR_ENV) != before:
        restart()  # the workers read the framework files once, when they start


def forget_framework() -> None:
    """Clear what this process read of the framework files (after a version is published)."""
    from . import indicators, ownership
    from .tabular import vocab
    from .validation import candidate, engine, report, shapes

    for cached in (_framework_graph_iris, shapes.default_shapes, engine._default_compiled, report.shape_texts,
                   candidate._ontology_ntriples, indicators._load_indicators, ownership.framework_terms,
                   vocab._framework, vocab.values_for):
        cached.cache_clear()


def framework_version_label(store) -> str:
    """The current framework version's label, e.g. "1.0" (its ``owl:versionInfo``);
    :func:`indicators.framework_version` gives its IRI."""
    from .indicators import framework_version

    store = getattr(store, "public", store)
    iri = framework_version(store)
    if iri is None:
        return "unknown"
    graphs = [g for g in store.graphs() if g.startswith(GRAPHS + "framework/")]
    for q in store.raw.quads_for_pattern(ox.NamedNode(iri), _VERSION_INFO, None) if hasattr(store, "raw") else ():
        if q.graph_name.value in graphs:
            return q.object.value
    rows = store.query(f"SELECT ?v WHERE {{ {ox.NamedNode(iri)} {_VERSION_INFO} ?v }}", default_graph=graphs).values()
    return rows[0]["v"] if rows else "unknown"
