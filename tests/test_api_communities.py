"""``/communities``, ``/communities/{id}`` and ``/communities/{id}/network`` over HTTP:
the hand-made fixture community (known answers) and the 12 demo communities (cross-checked
against SPARQL COUNTs at ``/sparql``).
"""

from __future__ import annotations

import io
import re
import shutil

import networkx as nx
import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from .test_views_community import BANK, LIBRARY, SCHOOL, SECTORS, load_fixture

PREFIXES = "PREFIX lcc: <https://w3id.org/lcc#>\nPREFIX org: <http://www.w3.org/ns/org#>\n"


def _client(data_dir):
    from api.app import create_app
    from api.settings import Settings

    return TestClient(create_app(Settings(data_dir=data_dir, query_workers=1)))


@pytest.fixture(scope="module")
def fixture_client(tmp_path_factory):
    """An app over the framework and the fixture community alone."""
    path = tmp_path_factory.mktemp("api-views") / "data"
    load_fixture(path)
    with _client(path) as c:
        yield c


@pytest.fixture(scope="module")
def demo_client(demo_dir, tmp_path_factory):
    """An app over a copy of the 12 demo communities, shared by this module's read-only tests."""
    path = tmp_path_factory.mktemp("api-views-demo") / "data"
    shutil.copytree(demo_dir, path)
    with _client(path) as c:
        yield c


def sparql_count(client, query: str) -> int:
    r = client.get("/sparql", params={"query": PREFIXES + query})
    assert r.status_code == 200, r.text
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# --------------------------------------------------------------------------- the fixture


def test_list_json(fixture_client):
    r = fixture_client.get("/communities")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["count"] == 1 and body["sort"] == "label" and body["order"] == "asc"
    c = body["communities"][0]
    assert (c["id"], c["population"], c["counts"]["partners"], c["counts"]["partnerships"],
            c["counts"]["initiatives"]) == ("fixture", 12345, 5, 3, 2)
    assert c["resources"]["available"]["totals"][0]["amount"] == 1500.5


def test_list_html(fixture_client):
    r = fixture_client.get("/communities", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'href="/communities/fixture?lang=en"' in r.text and "12,345" in r.text


def test_list_bad_sort_is_400(fixture_client):
    r = fixture_client.get("/communities", params={"sort": "size"})
    assert r.status_code == 400 and r.json()["error"] == "bad_request" and "sort" in r.json()["message"]


def test_profile_json(fixture_client):
    r = fixture_client.get("/communities/fixture")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    p = r.json()
    assert p["partners"]["count"] == 5 and len(p["partnerships"]) == 3
    assert [(g["sector"]["slug"], g["count"]) for g in p["partners"]["bySector"]] == [
        ("public", 2), ("private", 2), ("social", 1)]
    assert len(p["initiatives"]) == 2 and len(p["citizenGroups"]) == 2 and len(p["resources"]["items"]) == 3


def test_profile_html_escapes_labels(fixture_client):
    r = fixture_client.get("/communities/fixture", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    # the label as written (isolated in its own direction: <h1><span dir="auto" ...>Fixture Town</span></h1>)
    assert re.search(r"<h1>(<[^>]*>)?Fixture Town(</[a-z]+>)?</h1>", r.text) and "Reading Alliance" in r.text
    assert "Book Fair &lt;2021&gt;" in r.text and "Book Fair <2021>" not in r.text
    he = fixture_client.get("/communities/fixture?lang=he", headers={"Accept": "text/html"})
    assert "עיר הבדיקה" in he.text and 'dir="rtl"' in he.text


@pytest.mark.parametrize("path", ["/communities/atlantis", "/communities/atlantis/network",
                                  "/communities/Not_A_Slug", "/communities/Not_A_Slug/network?format=turtle",
                                  "/communities/elsewhere"])
def test_unknown_or_malformed_community_is_404_json(fixture_client, path):
    r = fixture_client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] == "not_found" and "no community" in r.json()["message"]


def test_malformed_id_message_says_what_an_id_is(fixture_client):
    r = fixture_client.get("/communities/Not_A_Slug")
    assert "lower-case letters, digits and '-'" in r.json()["message"]


def test_network_default_is_cytoscape_json(fixture_client):
    r = fixture_client.get("/communities/fixture/network")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert len(data["elements"]["nodes"]) == 5 and len(data["elements"]["edges"]) == 5
    g = nx.cytoscape_graph(data)
    assert (g.number_of_nodes(), g.number_of_edges()) == (5, 5)
    assert {n: a["sector"] for n, a in g.nodes(data=True)} == SECTORS
    assert g.number_of_edges(SCHOOL, BANK) == 2


@pytest.mark.parametrize("kwargs", [{"headers": {"Accept": "application/vnd.cytoscape+json"}},
                                    {"params": {"format": "cytoscape"}}])
def test_network_cytoscape_media_type(fixture_client, kwargs):
    r = fixture_client.get("/communities/fixture/network", **kwargs)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.cytoscape+json")
    assert len(r.json()["elements"]["edges"]) == 5


@pytest.mark.parametrize("kwargs", [{"headers": {"Accept": "application/graphml+xml"}}, {"params": {"format": "graphml"}}])
def test_network_graphml(fixture_client, kwargs):
    r = fixture_client.get("/communities/fixture/network", **kwargs)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/graphml+xml")
    g = nx.read_graphml(io.BytesIO(r.content))
    assert (g.number_of_nodes(), g.number_of_edges()) == (5, 5)
    assert g.nodes[LIBRARY]["sector"] == "public"


@pytest.mark.parametrize("accept, fmt", [("text/turtle", ox.RdfFormat.TURTLE), ("application/ld+json", ox.RdfFormat.JSON_LD)])
def test_network_rdf(fixture_client, accept, fmt):
    r = fixture_client.get("/communities/fixture/network", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    store = ox.Store()
    store.load(r.content, format=fmt)
    n = store.query(PREFIXES + "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a lcc:Partner }")
    assert int(next(iter(n))["n"].value) == 5
    m = store.query(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?ps a lcc:Partnership ; org:hasMember ?m }")
    assert int(next(iter(m))["n"].value) == 7
    same = fixture_client.get("/communities/fixture/network",
                              params={"format": "turtle" if fmt == ox.RdfFormat.TURTLE else "jsonld"})
    assert same.content == r.content


def test_network_bipartite(fixture_client):
    data = fixture_client.get("/communities/fixture/network", params={"view": "bipartite"}).json()
    kinds = [n["data"]["kind"] for n in data["elements"]["nodes"]]
    assert kinds.count("partner") == 5 and kinds.count("partnership") == 3
    assert len(data["elements"]["edges"]) == 7
    assert {e["data"]["kind"] for e in data["elements"]["edges"]} == {"member"}
    g = nx.read_graphml(io.BytesIO(fixture_client.get(
        "/communities/fixture/network", params={"view": "bipartite", "format": "graphml"}).content))
    assert (g.number_of_nodes(), g.number_of_edges()) == (8, 7)
    assert fixture_client.get("/communities/fixture/network", params={"view": "circles"}).status_code == 400


def test_network_html_has_an_svg_drawing(fixture_client):
    r = fixture_client.get("/communities/fixture/network", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    svg = r.text[r.text.index("<svg"):r.text.index("</svg>", r.text.index('class="nodes"'))]
    assert svg.count("<circle") == 5 and svg.count("<path") == 5
    assert "Book Fair &lt;2021&gt;" in r.text and "Book Fair <2021>" not in r.text
    b = fixture_client.get("/communities/fixture/network?view=bipartite&format=html")
    assert len(re.findall(r"<rect x=", b.text)) == 3


def test_network_format_not_offered_is_406(fixture_client):
    r = fixture_client.get("/communities/fixture/network", params={"format": "csv"})
    assert r.status_code == 406 and r.json()["error"] == "not_acceptable"


def test_routes_are_in_openapi(fixture_client):
    paths = fixture_client.get("/openapi.json").json()["paths"]
    for path in ("/communities", "/communities/{id}", "/communities/{id}/network"):
        assert "get" in paths[path]
    network = paths["/communities/{id}/network"]["get"]
    assert {p["name"] for p in network["parameters"]} >= {"id", "view", "format"}
    assert "application/graphml+xml" in network["responses"]["200"]["content"]


# --------------------------------------------------------------------------- the demo


def test_demo_lists_12_communities_in_each_order(demo_client):
    body = demo_client.get("/communities").json()
    assert body["count"] == 12 == len(body["communities"])
    labels = [c["label"].casefold() for c in body["communities"]]
    assert labels == sorted(labels)
    pops = [c["population"] for c in demo_client.get("/communities?sort=population").json()["communities"]]
    assert pops == sorted(pops, reverse=True)
    asc = [c["population"] for c in demo_client.get("/communities?sort=population&order=asc").json()["communities"]]
    assert asc == sorted(pops)
    partners = [c["counts"]["partners"] for c in demo_client.get("/communities?sort=partners").json()["communities"]]
    assert partners == sorted(partners, reverse=True) and partners[0] > partners[-1] > 0


def test_demo_counts_agree_with_sparql(demo_client):
    communities = demo_client.get("/communities?sort=partners").json()["communities"]
    for c in (communities[0], communities[-1]):
        iri = c["iri"]
        profile = demo_client.get(f"/communities/{c['id']}").json()
        partners = sparql_count(demo_client, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a lcc:Partner ; lcc:community <{iri}> }}")
        partnerships = sparql_count(demo_client, f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a lcc:Partnership ; lcc:community <{iri}> }}")
        assert profile["partners"]["count"] == c["counts"]["partners"] == partners
        assert len(profile["partnerships"]) == c["counts"]["partnerships"] == partnerships
        assert sum(g["count"] for g in profile["partners"]["bySector"]) == partners
        assert profile["counts"] == c["counts"] and profile["resources"]["available"] == c["resources"]["available"]


def test_demo_network_agrees_with_sparql(demo_client):
    biggest = demo_client.get("/communities?sort=partners").json()["communities"][0]
    iri = biggest["iri"]
    pairs = sparql_count(demo_client, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        ?ps a lcc:Partnership ; lcc:community <{iri}> ; org:hasMember ?a , ?b . FILTER(STR(?a) < STR(?b)) }}""")
    members = sparql_count(demo_client, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        ?ps a lcc:Partnership ; lcc:community <{iri}> ; org:hasMember ?a }}""")
    data = demo_client.get(f"/communities/{biggest['id']}/network").json()
    g = nx.cytoscape_graph(data)
    assert g.number_of_nodes() == biggest["counts"]["partners"] and g.number_of_edges() == pairs
    b = nx.cytoscape_graph(demo_client.get(f"/communities/{biggest['id']}/network?view=bipartite").json())
    assert b.number_of_nodes() == biggest["counts"]["partners"] + biggest["counts"]["partnerships"]
    assert b.number_of_edges() == members
    page = demo_client.get(f"/communities/{biggest['id']}/network", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.text.count("<circle") == biggest["counts"]["partners"]
