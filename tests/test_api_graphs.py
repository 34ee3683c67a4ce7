"""``/graphs``: Graph Store Protocol reads of public graphs only."""

from __future__ import annotations

import pyoxigraph as ox

CRITERIA = "https://w3id.org/lcc/graphs/framework/criteria"


def test_list_and_read_a_public_graph(client):
    listed = client.get("/graphs").json()["graphs"]
    assert CRITERIA in listed
    assert not any(g.startswith("urn:lcc:private") for g in listed)
    r = client.get("/graphs", params={"graph": CRITERIA}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    triples = list(ox.parse(r.content, format=ox.RdfFormat.N_TRIPLES))
    expected = client.app.state.stores.public.count(CRITERIA)
    assert len(triples) == expected
    crit = ox.NamedNode("https://w3id.org/lcc#Criterion")
    assert sum(1 for q in triples if q.object == crit) == 21
    turtle = client.get("/graphs", params={"graph": CRITERIA, "format": "ttl"})
    assert len(list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))) == expected


def test_private_and_unknown_graphs_are_not_found(client):
    assert client.get("/graphs", params={"graph": "urn:lcc:private:tokens"}).status_code == 404
    assert client.get("/graphs", params={"graph": "urn:lcc:private:provenance"}).status_code == 404
    assert client.get("/graphs", params={"graph": "not an iri"}).status_code == 400
