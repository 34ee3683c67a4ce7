"""Filling a store with the demo communities: data, registry, history, criteria findings and indicators."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyoxigraph as ox

from . import access, demo, history
from .communities import load_communities
from .findings import refresh_findings
from .framework import framework_version_label, install_framework
from .indicators import assess_all, remember_assessments
from .namespaces import LCC, SH, community_graph, community_id_of_graph
from .store.stores import Stores
from .assessment_history import version_triples
from .uploads import commit, prepare

Step = Callable[[str, int], Callable[[int], None]]
DEMO_TOKEN = "demo"
WITH_HISTORY = 4  # demo communities with an earlier version
BATCH = 100


def finding_counts(stores: Stores, ids: Sequence[str]) -> dict[str, int]:
    """The number of stored criteria findings of each community (one query)."""
    graphs = [community_graph(cid, "findings") for cid in ids]
    if not graphs:
        return {}
    values = " ".join(str(ox.NamedNode(g)) for g in graphs)
    rows = stores.public.query(
        f"SELECT ?g (COUNT(DISTINCT ?r) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
        f"GRAPH ?g {{ ?r a {ox.NamedNode(SH + 'ValidationResult')} }} }} GROUP BY ?g").values()
    return {community_id_of_graph(row["g"]): int(row["n"]) for row in rows}


def record_loaded_versions(stores: Stores, communities: Sequence, *, token_id: str, batch: int = BATCH,
                           progress: Callable[[int], None] | None = None, graphs_loaded: bool = False,
                           numbers: dict[str, int] | None = None) -> int:
    """Make each loaded community's data a history version, as an accepted upload would be.

    Each community (with ``id`` and ``triples``, already stored as its data graph, findings
    computed) gets the next version number (or ``numbers[id]``) with its checksum in the private
    store, then the ``lcc:dataVersion`` marker in its public assessment graph, ``batch``
    communities per transaction, so that ``uploads.reconcile()`` keeps them and earlier data can
    be restored. ``graphs_loaded``: :func:`history.load_version_graphs` stored their data already.
    Returns the number of versions recorded.
    """
    numbers = numbers if numbers is not None else next_numbers(stores, communities)
    framework = framework_version_label(stores.public)
    dv = ox.NamedNode(LCC + "dataVersion")
    av = ox.NamedNode(LCC + "assessedVersion")
    done = 0
    for start in range(0, len(communities), batch):
        chunk = communities[start:start + batch]
        counts = finding_counts(stores, [c.id for c in chunk])
        new = [history.NewVersion(c.id, numbers[c.id], list(c.triples), history.checksum(list(c.triples)),
                                  counts.get(c.id, 0)) for c in chunk]
        history.record_versions(stores.private, new, token_id=token_id, framework_version=framework,
                                graphs_loaded=graphs_loaded)
        graphs = {item.community_id: ox.NamedNode(community_graph(item.community_id, "assessment")) for item in new}
        values = " ".join(str(g) for g in graphs.values())
        inserts = " ".join(
            f"GRAPH {graphs[item.community_id]} {{ {' '.join(f'{t} .' for t in version_triples(item.community_id, item.version))} }}"
            for item in new)
        stores.public.update(
            f"DELETE {{ GRAPH ?g {{ ?c {dv} ?v }} }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?c {dv} ?v }} }} ;\n"
            f"DELETE {{ GRAPH ?g {{ ?a {av} ?v }} }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?a {av} ?v }} }} ;\n"
            f"INSERT DATA {{ {inserts} }}")
        done += len(new)
        if progress:
            progress(len(new))
    return done


def next_numbers(stores: Stores, communities: Sequence) -> dict[str, int]:
    """The version number each community's next version gets."""
    latest = history.latest_versions(stores.private)
    return {c.id: latest.get(c.id, 0) + 1 for c in communities}


def earlier_triples(triples: list[ox.Triple]) -> list[ox.Triple]:
    """A demo community's data as it stood before its last partnerships: a third of its
    partnerships (at least one, the last by IRI) left out, with every triple naming them."""
    partnership = ox.NamedNode(LCC + "Partnership")
    kinds = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    found = sorted({t.subject.value for t in triples if t.predicate == kinds and t.object == partnership})
    if len(found) < 2:
        return list(triples)
    later = {ox.NamedNode(iri) for iri in found[-max(1, len(found) // 3):]}
    return [t for t in triples if t.subject not in later and t.object not in later]


def build_demo_store(stores: Stores, communities: int = 12, seed: int = 0, *, step: Step | None = None) -> dict:
    """Install the framework and load the demo communities with their findings, indicators and history.

    Each community's data is recorded as a history version (token ``demo``), exactly as an
    accepted upload is (the versions' data bulk-loaded into the private store, then their records
    and markers). A few communities (up to ``WITH_HISTORY``, spread over the list) are first
    loaded as they stood before their latest partnerships (:func:`earlier_triples`), then their
    whole data is uploaded as version 2 through the upload path, so the demo shows assessments
    that changed between versions. ``step(name, total)`` may return a callback advanced as work is done.
    """
    def advance(name: str, total: int) -> Callable[[int], None]:
        return step(name, total) if step else (lambda n: None)

    install_framework(stores, remember=True)  # recorded: the first start does not install it again
    whole = list(demo.generate(communities, seed))
    chosen = {c.id for c in whole[::max(1, len(whole) // WITH_HISTORY)][:WITH_HISTORY]}
    generated = [demo.DemoCommunity(c.id, c.label, earlier_triples(c.triples)) if c.id in chosen else c
                 for c in whole]
    access.register_many(stores.private, {c.id: c.label for c in generated})
    tick = advance("loading communities", communities)
    triples = load_communities(stores.public, generated, progress=lambda _id: tick(1))
    ids = [c.id for c in generated]
    findings = refresh_findings(stores.public, ids, progress=advance("criteria findings", communities))
    numbers = next_numbers(stores, generated)
    history.load_version_graphs(stores.private, {history.version_graph(c.id, numbers[c.id]): c.triples
                                                 for c in generated})
    record_loaded_versions(stores, generated, token_id=DEMO_TOKEN, graphs_loaded=True, numbers=numbers,
                           progress=advance("history versions", communities))
    tick = advance("indicators", communities)
    assess_all(stores.public, progress=lambda _id: tick(1))
    later = [c for c in whole if c.id in chosen and len(c.triples) != len(generated[whole.index(c)].triples)]
    tick = advance("second versions", len(later))
    for c in later:
        data = ox.serialize(c.triples, format=ox.RdfFormat.N_TRIPLES) or b""
        commit(stores, prepare(stores, c.id, data, "application/n-triples"), DEMO_TOKEN)
        triples += len(c.triples) - len(generated[whole.index(c)].triples)
        tick(1)
    remember_assessments(stores)  # every community assessed now: the first start checks nothing
    stores.publish()
    return {"communities": communities, "triples": triples, "findings": findings}
