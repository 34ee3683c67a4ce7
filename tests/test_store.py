"""The embedded store: graphs, one-transaction replacement, the public/private split."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lcc_graph.communities import community_ids, replace_community
from lcc_graph.errors import QueryError, StoreLocked
from lcc_graph.namespaces import community_graph
from lcc_graph.store import EmbeddedStore, open_stores

EX = "https://w3id.org/lcc/communities/t/"


def t(s: str, p: str, o: str) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.Literal(o))


def test_replace_graphs_is_one_transaction(tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    store.replace_graphs({"urn:g:a": [t("a", "p", "1"), t("a", "p", "2")], "urn:g:b": [t("b", "p", "1")]})
    assert store.graphs() == ["urn:g:a", "urn:g:b"]
    before = store.canonical_nquads()
    bad = ox.Triple(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "p"), ox.Literal("y"))
    # an update that fails half-way (a malformed IRI smuggled into the text) changes nothing
    with pytest.raises(QueryError):
        store.update(f"DROP GRAPH <urn:g:a> ; INSERT DATA {{ GRAPH <urn:g:b> {{ {bad.subject} {bad.predicate} <not an iri> }} }}")
    assert store.canonical_nquads() == before
    store.replace_graphs({"urn:g:a": [t("a", "p", "3")], "urn:g:b": None})
    assert store.graphs() == ["urn:g:a"]
    assert [x.object.value for x in store.get_graph("urn:g:a")] == ["3"]


def test_query_explicit_default_graph(tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    same = t("a", "p", "1")
    store.replace_graphs({"urn:g:a": [same], "urn:g:b": [same, t("b", "p", "2")]})
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # Measured: pyoxigraph counts a triple once per listed graph that holds it, even with an
    # explicit default_graph list. This is why the public store keeps graphs disjoint (uploads own
    # their subjects) and history lives in the private store.
    assert store.query(q, default_graph=["urn:g:a", "urn:g:b"]).values() == [{"n": "3"}]
    assert store.query(q, default_graph=["urn:g:a"]).values() == [{"n": "1"}]
    assert store.query(q).values() == [{"n": "0"}]  # the store's own default graph is empty


def test_results_serialise_to_every_protocol_format(tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    store.replace_graphs({"urn:g:a": [t("a", "p", "x,y")]})
    r = store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graph=["urn:g:a"])
    assert r.serialize("text/csv") == b'o\r\n"x,y"\r\n'
    assert r.serialize("text/tab-separated-values").splitlines() == [b"?o", b'"x,y"']
    assert b"<literal>x,y</literal>" in r.serialize("application/sparql-results+xml")
    g = store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=["urn:g:a"])
    assert len(g.triples()) == 1
    assert b"x,y" in g.serialize("text/turtle")
    assert store.query("ASK { ?s ?p 'x,y' }", default_graph=["urn:g:a"]).boolean is True


def test_a_locked_store_says_so(tmp_path):
    first = EmbeddedStore(tmp_path / "s")
    with pytest.raises(StoreLocked, match="in use by another process"):
        EmbeddedStore(tmp_path / "s")
    first.close()


def test_private_store_is_not_in_public_queries(tmp_path):
    stores = open_stores(tmp_path / "d")
    stores.private.replace_graphs({"urn:lcc:private:tokens": [t("tok", "hash", "secret-hash")]})
    replace_community(stores.public, "t", [t("c", "p", "public")])
    r = stores.query_public("SELECT ?o WHERE { ?s ?p ?o }")
    assert [row["o"] for row in r.values()] == ["public"]
    assert community_ids(stores.public) == ["t"]
    assert stores.public.graphs() == [community_graph("t", "data")]
    replace_community(stores.public, "t", None)
    assert stores.public.graphs() == []
    stores.close()


def test_checkpoint_opens_read_only(tmp_path):
    store = EmbeddedStore(tmp_path / "s")
    store.replace_graphs({"urn:g:a": [t("a", "p", "1")]})
    store.checkpoint(tmp_path / "cp")
    store.replace_graphs({"urn:g:a": [t("a", "p", "2")]})
    snapshot = EmbeddedStore(tmp_path / "cp", read_only=True)
    assert snapshot.query("SELECT ?o { ?s ?p ?o }", default_graph=["urn:g:a"]).values() == [{"o": "1"}]


def test_patching_graphs_writes_only_the_differences_in_one_transaction(stores):
    import pyoxigraph as ox

    def t(s, o):
        return ox.Triple(ox.NamedNode(f"https://example.org/{s}"), ox.NamedNode("https://example.org/p"), ox.Literal(o))

    g1, g2 = "https://example.org/g1", "https://example.org/g2"
    stores.public.replace_graphs({g1: [t("a", "1"), t("b", "2")], g2: [t("c", "3")]})
    old1, old2 = stores.public.get_graph(g1), stores.public.get_graph(g2)
    stores.patch_graphs({g1: (old1, [t("a", "1"), t("b", "20")]), g2: (old2, [])})
    assert set(stores.public.get_graph(g1)) == {t("a", "1"), t("b", "20")}
    assert stores.public.get_graph(g2) == []
    # a graph holding a blank node (DELETE DATA cannot name one) is replaced whole
    bad = ox.Triple(ox.NamedNode("https://example.org/x"), ox.NamedNode("https://example.org/p"), ox.BlankNode("b0"))
    stores.patch_graphs({g1: (stores.public.get_graph(g1), [t("a", "1"), bad])})
    assert len(stores.public.get_graph(g1)) == 2
    stores.patch_graphs({g1: (stores.public.get_graph(g1), [t("a", "1")])})
    assert stores.public.get_graph(g1) == [t("a", "1")]


def test_starting_the_readers_reopens_the_embedded_stores_unless_held(stores, tmp_path, monkeypatch):
    stores.public.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> '
                         '<http://example.org/p> "o" } }')
    reopened = []
    original = stores._reopen_embedded
    monkeypatch.setattr(stores, "_reopen_embedded", lambda: reopened.append(original()) or reopened[-1])
    stores.start_readers(tmp_path / "cp", size=1)
    # both closed and opened again (what start-up read into RocksDB's caches goes), with their data
    assert reopened == [2]
    assert stores.public.query('ASK { GRAPH <http://example.org/g> { ?s ?p "o" } }').boolean is True
    assert stores.query_public('ASK { ?s ?p "o" }').boolean is True
    held = stores.public.raw  # someone holds the public store: it stays open; the private one is reopened
    assert original() == 1 and stores.public.raw is held
    del held
    stores.public.update('INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> '
                         '<http://example.org/p> "after" } }')
    stores.publish()
    assert stores.query_public('ASK { ?s ?p "after" }').boolean is True
