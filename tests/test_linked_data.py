"""Linked data (issue 21): every IRI the service mints dereferences; the views answer RDF too; their
JSON is JSON-LD under the published context; profiles; the resource pages; hostile input."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
import rdflib

from lcc_graph.framework import framework_graphs
from lcc_graph.linked_data import path_for
from lcc_graph.namespaces import community_graph

COMMUNITY = "birchenmere"
BASE = "https://w3id.org/lcc/"
RDF_TYPES = {"ttl": "turtle", "jsonld": "json-ld"}


def _iris(triples) -> set[str]:
    """Every IRI in subject position or object of an IRI, and every predicate minted under w3id.org/lcc (an
    outside predicate, say dcterms:description, that nothing is said about is rightly a 404)."""
    out = set()
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            out.add(t.subject.value)
            if isinstance(t.object, ox.NamedNode):  # objects of blank nodes only (rdf:nil) are not described
                out.add(t.object.value)
        if t.predicate.value.startswith("https://w3id.org/lcc"):
            out.add(t.predicate.value)
    return out


def _about(store_triples: list[ox.Triple], iri: str) -> set[tuple[str, str, str]]:
    """The triples with ``iri`` as subject and an IRI or literal object, as comparable tuples."""
    node = ox.NamedNode(iri)
    return {(t.subject.value, t.predicate.value, str(t.object)) for t in store_triples
            if t.subject == node and not isinstance(t.object, ox.BlankNode)}


def _blank_count(store_triples, iri) -> int:
    node = ox.NamedNode(iri)
    return sum(1 for t in store_triples if t.subject == node and isinstance(t.object, ox.BlankNode))


def _parsed(body: bytes, fmt: str) -> set[tuple[str, str, str]]:
    g = rdflib.Graph().parse(data=body, format=RDF_TYPES[fmt])
    return {(str(s), str(p), o.n3()) for s, p, o in g if not isinstance(s, rdflib.BNode)
            and not isinstance(o, rdflib.BNode)}, g


def _same(expected: set, got: set) -> set:
    """Expected triples missing from ``got`` (literals compared by rdflib's N3 form)."""
    normalised = set()
    for s, p, o in got:
        normalised.add((s, p, o))
    missing = set()
    for s, p, o in expected:
        term = rdflib.util.from_n3(o) if not o.startswith("<") else rdflib.URIRef(o[1:-1])
        if (s, p, term.n3()) not in normalised:
            missing.add((s, p, o))
    return missing


def _url(iri: str) -> tuple[str, tuple]:
    """Where the test dereferences an IRI: the path rule, else /resource?iri=."""
    path = path_for(iri)
    if path is None:
        return "/resource", (("iri", iri),)
    return path, ()


def test_every_iri_of_a_community_and_of_the_framework_dereferences(client):
    stores = client.app.state.stores
    public = stores.public
    data = public.get_graph(community_graph(COMMUNITY, "data"))
    framework = {g: public.get_graph(g) for g in framework_graphs() if g in public.graphs()}
    framework_triples = [t for ts in framework.values() for t in ts]
    iris = _iris(data) | _iris(framework_triples)
    # what the store holds about each: framework IRIs from the framework graphs, the others from
    # every public graph
    union = data + [t for g in public.graphs() if g.startswith(BASE + "graphs/communities/")
                    and g != community_graph(COMMUNITY, "data") for t in public.get_graph(g)]
    started, fetched, pages = time.monotonic(), 0, {}
    for iri in sorted(iris):
        framework_iri = iri.startswith(BASE) and not iri.startswith(BASE + "communities/") or iri.startswith(
            "https://w3id.org/lcc#") or iri == "https://w3id.org/lcc"
        held = framework_triples if (framework_iri or _about(framework_triples, iri)) else union
        expected = _about(held, iri)
        url = _url(iri)
        for fmt in ("ttl", "jsonld"):
            key = (url, fmt)
            if key not in pages:
                r = client.get(url[0], params={**dict(url[1]), "format": fmt})
                fetched += 1
                assert r.status_code == 200, (iri, url, fmt, r.status_code, r.text[:300])
                pages[key] = _parsed(r.content, fmt)
            got, graph = pages[key]
            missing = _same(expected, got)
            assert not missing, (iri, fmt, sorted(missing)[:5])
            blanks = _blank_count(held, iri)
            if blanks:
                assert sum(1 for _ in graph.triples((rdflib.URIRef(iri), None, None))
                           if isinstance(_[2], rdflib.BNode)) >= blanks, (iri, fmt)
    elapsed = time.monotonic() - started
    print(f"{len(iris)} IRIs, {fetched} requests in {elapsed:.1f} s")
    assert len(iris) > 500


def test_the_path_rule_keeps_the_existing_routes(client):
    assert client.get("/criteria/balances").json()["slug"] == "balances"
    assert client.get("/communities").json()["count"] == 12
    assert client.get("/communities/").status_code == 200  # redirected to /communities as before
    assert client.get("/framework/drafts").status_code == 405
    assert client.post("/validate-nothing-here").status_code == 404
    assert client.get("/no/such/thing").json()["error"] == "not_found"
    r = client.post(f"/communities/{COMMUNITY}/partners/5")
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    ttl = client.get("/criteria/balances", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=ttl.content, format="turtle")
    assert (rdflib.URIRef(BASE + "criteria/balances"), rdflib.RDF.type,
            rdflib.URIRef("https://w3id.org/lcc#Criterion")) in g
    assert len(set(g.objects(rdflib.URIRef(BASE + "criteria/balances"), rdflib.URIRef("https://w3id.org/lcc#statement")))) == 2
    # the framework version's IRI under criteria/ is described, not taken for a criterion
    assert client.get("/criteria/", params={"format": "ttl"}).status_code == 200


@pytest.mark.parametrize("accept, media", [
    ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"), ("application/rdf+xml", "application/rdf+xml"),
    ("text/html", "text/html"), ("application/json", "application/ld+json"), ("*/*", "application/ld+json"),
])
def test_a_partner_in_every_format(client, accept, media):
    r = client.get(f"/communities/{COMMUNITY}/partners/5", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    assert "ETag" in r.headers and "alternate" in r.headers["link"]


def test_not_acceptable_and_not_found(client):
    assert client.get(f"/communities/{COMMUNITY}/partners/5", headers={"Accept": "text/csv"}).status_code == 406
    assert client.get(f"/communities/{COMMUNITY}/partners/5", params={"format": "csv"}).status_code == 406
    assert client.get(f"/communities/{COMMUNITY}/partners/99999").status_code == 404
    assert client.get("/resource", params={"iri": "https://example.org/never"}).status_code == 404


def test_the_partner_page_links_to_its_partnerships_and_initiatives_and_back(client):
    stores = client.app.state.stores
    rows = stores.query_public(
        "SELECT ?partner ?ps ?i WHERE { ?ps <http://www.w3.org/ns/org#hasMember> ?partner ; "
        f"<https://w3id.org/lcc#community> <{BASE}communities/{COMMUNITY}> . "
        "?i <https://w3id.org/lcc#ledBy> ?partner } LIMIT 1").values()
    assert rows, "the demo community has a partner in a partnership leading an initiative"
    partner, partnership, initiative = rows[0]["partner"], rows[0]["ps"], rows[0]["i"]
    page = client.get(path_for(partner), headers={"Accept": "text/html"}).text
    assert f'href="{path_for(partnership)}?lang=en"' in page
    assert f'href="{path_for(initiative)}?lang=en"' in page
    for other in (partnership, initiative):
        back = client.get(path_for(other), headers={"Accept": "text/html"}).text
        assert f'href="{path_for(partner)}?lang=en"' in back
    he = client.get(path_for(partner), params={"lang": "he"}, headers={"Accept": "text/html"}).text
    assert 'dir="rtl"' in he and f'href="{path_for(partnership)}?lang=he"' in he
    assert "שותף" in he  # lcc:Partner's Hebrew label


def _jsonld_triples(doc: dict, context: dict) -> set:
    g = rdflib.Graph().parse(data=json.dumps(doc), format="json-ld", context=context["@context"])
    return {(str(s), str(p), o.n3()) for s, p, o in g
            if not isinstance(s, rdflib.BNode) and not isinstance(o, rdflib.BNode)}, g


def _context_of(client, response) -> dict:
    link = response.headers["link"]
    m = re.search(r'<([^>]+)>; rel="http://www.w3.org/ns/json-ld#context"', link)
    assert m, link
    target = urlsplit(m.group(1))
    return client.get(target.path + ("?" + target.query if target.query else "")).json()


def test_the_plain_json_of_a_community_is_json_ld_with_the_same_statements(client):
    r = client.get(f"/communities/{COMMUNITY}")
    context = _context_of(client, r)
    from_json, _ = _jsonld_triples(r.json(), context)
    ttl = client.get(f"/communities/{COMMUNITY}", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=ttl.content, format="turtle")
    from_ttl = {(str(s), str(p), o.n3()) for s, p, o in g if not isinstance(o, rdflib.BNode)}
    assert from_json - from_ttl == set(), sorted(from_json - from_ttl)[:40]
    # every link of the community's resources to the community, every member, sector, label and
    # the links between them are read from the JSON as they are in the Turtle
    for predicate in ("https://w3id.org/lcc#community", "http://www.w3.org/ns/org#hasMember",
                      "https://w3id.org/lcc#sector", "https://w3id.org/lcc#ledBy", "https://w3id.org/lcc#targets",
                      "http://www.w3.org/2000/01/rdf-schema#label"):
        in_ttl = {t for t in from_ttl if t[1] == predicate and t[0].startswith(BASE + "communities/")
                  and (not t[2].startswith('"') or t[2].endswith("@en"))}
        assert in_ttl and in_ttl <= from_json, (predicate, sorted(in_ttl - from_json)[:5])
    jsonld = client.get(f"/communities/{COMMUNITY}", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=jsonld.content, format="json-ld")) == len(g)


def test_the_plain_json_of_an_assessment_is_json_ld_with_the_same_statements(client):
    r = client.get(f"/communities/{COMMUNITY}/assessment")
    context = _context_of(client, r)
    _, graph = _jsonld_triples(r.json(), context)
    ttl = client.get(f"/communities/{COMMUNITY}/assessment", params={"format": "ttl"})
    g = rdflib.Graph().parse(data=ttl.content, format="turtle")
    dqv = rdflib.Namespace("http://www.w3.org/ns/dqv#")
    community = rdflib.URIRef(f"{BASE}communities/{COMMUNITY}")

    def measured(graph) -> set:
        return {o for m in graph.subjects(dqv.computedOn, community) for o in graph.objects(m, dqv.isMeasurementOf)}

    in_json, in_ttl = measured(graph), measured(g)
    assert in_json and in_json <= in_ttl
    indicators = {i for i in in_ttl if "/indicators/" in str(i) or str(i).count("/metrics/") and
                  not list(g.subjects(dqv.isMeasurementOf, i))[1:]}
    assert {i for i in in_ttl if "/indicators/" in str(i)} <= in_json
    assert indicators
    assert "assessment-current" in r.headers["link"] and "assessment-figures" in r.headers["link"]


def test_profiles(client):
    r = client.get(f"/communities/{COMMUNITY}/network", params={"profile": "bipartite"})
    assert r.status_code == 200 and r.json()["data"]["view"] == "bipartite"
    assert r.headers["content-profile"] == "<https://w3id.org/lcc/profiles/network-bipartite>"
    assert 'rel="profile"' in r.headers["link"] and "network-partners" in r.headers["link"]
    r = client.get(f"/communities/{COMMUNITY}/network",
                   params={"profile": "https://w3id.org/lcc/profiles/network-partners"})
    assert r.json()["data"]["view"] == "partners"
    assert client.get(f"/communities/{COMMUNITY}/network", params={"profile": "nope"}).status_code == 406
    figures = client.get(f"/communities/{COMMUNITY}/assessment", params={"profile": "figures"})
    assert figures.status_code == 200
    assert figures.headers["content-profile"].endswith("assessment-figures>")


def test_views_answer_rdf(client):
    for url in ("/communities", f"/communities/{COMMUNITY}", f"/communities/{COMMUNITY}/assessment", "/criteria",
                "/criteria/penetration"):
        for fmt, parser in (("ttl", "turtle"), ("jsonld", "json-ld")):
            r = client.get(url, params={"format": fmt})
            assert r.status_code == 200, (url, fmt, r.text[:200])
            assert len(rdflib.Graph().parse(data=r.content, format=parser)) > 10, (url, fmt)
    criteria = client.get("/criteria")
    ctx = _context_of(client, criteria)
    from_json, _ = _jsonld_triples(criteria.json(), ctx)
    ttl = rdflib.Graph().parse(data=client.get("/criteria", params={"format": "ttl"}).content, format="turtle")
    from_ttl = {(str(s), str(p), o.n3()) for s, p, o in ttl if not isinstance(o, rdflib.BNode)}
    assert from_json and from_json - from_ttl == set(), sorted(from_json - from_ttl)[:5]


def test_the_ontology(client):
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.content, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/lcc"), rdflib.RDF.type, rdflib.OWL.Ontology) in g
    assert (rdflib.URIRef("https://w3id.org/lcc#Partner"), None, None) in g
    assert client.get("/ontology", params={"format": "rdfxml"}).status_code == 200
    assert client.get("/ontology", headers={"Accept": "text/html"}).status_code == 406


HOSTILE = ["", " ", "x" * 3000, "not an iri", "urn:lcc:private:tokens", "URN:LCC:PRIVATE:tokens",
           "urn:lcc:private:history", "<script>alert(1)</script>", "https://w3id.org/lcc/communities/birchenmere/partners/5>",
           "https://w3id.org/lcc/communities/birchenmere/partners/5 ", "https://w3id.org/lcc/communities/BIRCHENMERE",
           "https://w3id.org/lcc/communities/birchenmere/partners/%35", "javascript:alert(1)",
           "https://w3id.org/lcc/communities/birchenmere/partners/5\" } ; DROP ALL ; {",
           "https://w3id.org/lcc/communities/birchenmere/partners/5\nx", "\u202ehttps://w3id.org/lcc/criteria/balances"]


@pytest.mark.parametrize("iri", HOSTILE)
def test_hostile_iris_are_refused_without_echo(client, iri):
    r = client.get("/resource", params={"iri": iri}, headers={"Accept": "text/html"})
    assert r.status_code in (400, 404), (iri, r.status_code)
    assert "<script>alert" not in r.text
    j = client.get("/resource", params={"iri": iri})
    assert j.status_code == r.status_code and j.json()["error"] in ("parse_error", "not_found")


def test_private_graphs_and_their_iris_are_never_served(client):
    private = client.app.state.stores.private
    iris = set()
    for g in private.graphs():
        iris.add(g)
        for t in private.get_graph(g)[:200]:
            iris |= {term.value for term in (t.subject, t.object) if isinstance(term, ox.NamedNode)}
    private_only = [i for i in iris if i.startswith("urn:lcc:private:")]
    assert private_only
    for iri in private_only[:50]:
        assert client.get("/resource", params={"iri": iri}).status_code == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_every_method_on_the_path_rule_and_resource(client, method):
    r = client.request(method, f"/communities/{COMMUNITY}/partners/5")
    assert r.status_code == 405
    r = client.request(method, "/resource", params={"iri": BASE + "criteria/balances"})
    assert r.status_code == 405
    r = client.request(method, "/no-such-path")
    assert r.status_code == 404


def test_a_named_query_answers_its_rows_as_rdf(client):
    """The page of a named query's answer in the W3C result-set vocabulary: the same rows, the
    same values as its JSON (a decimal stays a decimal), with their index across pages."""
    import rdflib

    params = {"community": "birchenmere", "limit": "3", "offset": "1"}
    rows = client.get("/queries/cross-sector-partnerships", params=params).json()
    r = client.get("/queries/cross-sector-partnerships", params=params, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    rs = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
    (result,) = list(g.subjects(rdflib.RDF.type, rs.ResultSet))
    assert int(g.value(result, rs.size)) == rows["total"]
    assert {str(v) for v in g.objects(result, rs.resultVariable)} == set(rows["variables"])
    solutions = sorted(g.objects(result, rs.solution), key=lambda s: int(g.value(s, rs["index"])))
    assert [int(g.value(s, rs["index"])) for s in solutions] == [2, 3, 4]
    for solution, row in zip(solutions, rows["rows"]):
        bound = {str(g.value(b, rs.variable)): g.value(b, rs.value) for b in g.objects(solution, rs.binding)}
        assert str(bound["partnership"]) == row["partnership"] and int(bound["sectors"]) == int(row["sectors"])
    # a query whose required parameter is missing describes itself only
    r = client.get("/queries/findings-in-unesco-terms", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert not list(g.subjects(rdflib.RDF.type, rs.ResultSet))
    assert (rdflib.URIRef("https://w3id.org/lcc/queries/findings-in-unesco-terms"), None, None) in g


def test_a_community_s_odd_data_cannot_break_a_page_or_a_link_header(client):
    """A cycle of blank nodes is shown once (it recursed without end: a 500), and an IRI holding
    '>' and ';' stays inside its Link target (it added entries to the header)."""
    admin = {"Authorization": "Bearer admin-secret"}
    token = client.post(f"/communities/{COMMUNITY}/tokens", headers=admin).json()["token"]
    data = client.get("/graphs", params={"graph": community_graph(COMMUNITY)}, headers={"Accept": "text/turtle"}).text
    odd = f"https://w3id.org/lcc/communities/{COMMUNITY}/partners/x%3E%3B%20rel%3D%22preload"
    extra = (f"\n<https://w3id.org/lcc/communities/{COMMUNITY}> <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:a .\n"
             "_:a <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:b .\n_:b <http://www.w3.org/2000/01/rdf-schema#seeAlso> _:a .\n"
             f"<{odd}> <http://www.w3.org/2000/01/rdf-schema#label> \"Odd\"@en ;"
             f" <https://w3id.org/lcc#community> <https://w3id.org/lcc/communities/{COMMUNITY}> .\n")
    r = client.put(f"/communities/{COMMUNITY}/data", content=(data + extra).encode(),
                   headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"})
    assert r.status_code in (200, 201), r.text
    page = client.get("/resource", params={"iri": f"https://w3id.org/lcc/communities/{COMMUNITY}"},
                      headers={"Accept": "text/html"})
    assert page.status_code == 200
    r = client.get(f"/communities/{COMMUNITY}/partners/x%3E%3B%20rel%3D%22preload")
    assert r.status_code == 200, r.text[:300]
    assert 'rel="preload' not in r.headers.get("link", "")
    assert all(target.startswith("</communities/") for target in re.findall(r"<[^>]*>", r.headers["link"]))
