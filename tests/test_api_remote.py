"""The same API over a remote engine: a real `oxigraph serve` on loopback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

from .conftest import require
from .remote_servers import oxigraph_binary, oxigraph_server

pytestmark = pytest.mark.slow
ADMIN = {"Authorization": "Bearer admin-secret"}
DATA = b"""@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sectors: <https://w3id.org/lcc/sectors/> . @prefix fields: <https://w3id.org/lcc/fields/> .
@prefix levels: <https://w3id.org/lcc/levels/> . @prefix org: <http://www.w3.org/ns/org#> .
<../harbour> a lcc:Community ; rdfs:label "Harbour"@en ; lcc:population 12000 .
<partners/school> a lcc:Partner ; lcc:community <../harbour> ; rdfs:label "Harbour School"@en ;
  lcc:sector sectors:public ; lcc:field fields:education ; lcc:level levels:municipal .
<partners/bank> a lcc:Partner ; lcc:community <../harbour> ; rdfs:label "Harbour Bank"@en ;
  lcc:sector sectors:private ; lcc:field fields:finance ; lcc:level levels:municipal .
<partnerships/p1> a lcc:Partnership ; lcc:community <../harbour> ; rdfs:label "School and bank"@en ;
  org:hasMember <partners/school>, <partners/bank> ; lcc:agenda "Money skills for adults" .
"""


@pytest.fixture(scope="module")
def remote_client(tmp_path_factory):
    require(oxigraph_binary() is not None, "the oxigraph server binary is not installed (pip install oxigraph)")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph"), timeout_s=5) as srv:
        settings = Settings(store="remote", remote_engine="oxigraph", remote_query_url=srv.query_url,
                            remote_update_url=srv.update_url, data_dir=tmp_path_factory.mktemp("private"),
                            admin_token="admin-secret")
        with TestClient(create_app(settings)) as client:
            yield client


def test_framework_and_uploads_over_a_remote_engine(remote_client):
    c = remote_client
    assert c.get("/health").json()["status"] == "ok"
    assert c.get("/criteria").json()["count"] == 21
    assert c.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=ADMIN).status_code == 201
    token = c.post("/communities/harbour/tokens", headers=ADMIN).json()["token"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    for _ in range(2):  # a second upload replaces, it does not double
        r = c.put("/communities/harbour/data", content=DATA, headers=auth)
        assert r.status_code == 200, r.text
    q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) WHERE "
         "{ ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/harbour> }")
    assert c.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]["n"]["value"] == "2"
    profile = c.get("/communities/harbour").json()
    assert profile["partners"]["count"] == 2 and len(profile["partnerships"]) == 1
    network = c.get("/communities/harbour/network").json()
    assert len(network["elements"]["nodes"]) == 2 and len(network["elements"]["edges"]) == 1


def test_a_from_graph_the_public_store_lacks_is_empty_an_outside_one_refused(remote_client):
    c = remote_client
    count = "SELECT (COUNT(*) AS ?n) FROM <{}> WHERE {{ ?s ?p ?o }}"
    framework = c.get("/sparql", params={"query": count.format("https://w3id.org/lcc/graphs/framework/criteria")})
    assert int(framework.json()["results"]["bindings"][0]["n"]["value"]) > 0
    # a community with no answers has no answers graph: the editor's scoped text still runs
    absent = c.get("/sparql", params={"query": count.format("https://w3id.org/lcc/graphs/communities/nowhere/answers")})
    assert absent.status_code == 200, absent.text
    assert absent.json()["results"]["bindings"][0]["n"]["value"] == "0"
    for graph in ("urn:lcc:private:tokens", "http://example.org/someone-elses"):
        refused = c.get("/sparql", params={"query": count.format(graph)})
        assert refused.status_code == 400 and "only public graphs" in refused.json()["message"]
