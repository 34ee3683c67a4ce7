"""The partnership-network metrics written back as data: DQV measurements of each assessment,
read through /sparql, the assessment, /communities/{id}/network/metrics and the network JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .test_assessment_history import ADMIN, V1, V2

EI = "https://w3id.org/lcc/metrics/ei-index-sector"
BROOK = "https://w3id.org/lcc/communities/brook"
# Brook's partner network. Version 1: town (public) - bakery (private) share the market, town -
# school (both public) school days, school - bank (private) savings: 3 ties, 2 crossing sectors,
# E-I = (2 - 1) / 3. Version 2 drops savings: town - bakery and town - school, the bank alone:
# E-I = (1 - 1) / 2 = 0, a change of -1/3; 2 ties of 4 * 3 / 2 = 6 pairs, density 1/3.


@pytest.fixture
def brook(client):
    client.post("/communities", json={"id": "brook", "label": "Brook"}, headers=ADMIN)
    token = client.post("/communities/brook/tokens", headers=ADMIN).json()["token"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    r = client.put("/communities/brook/data", content=V1, headers=auth)
    assert r.status_code == 200, r.text
    return client, auth


def _sparql(client, query: str) -> list[dict]:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def _ei(client, on: str) -> list[str]:
    return [b["v"]["value"] for b in _sparql(client, f"""
        PREFIX dqv: <http://www.w3.org/ns/dqv#>
        SELECT ?v WHERE {{ ?m dqv:computedOn <{on}> ; dqv:isMeasurementOf <{EI}> ; dqv:value ?v }}""")]


def test_the_ei_index_is_a_dqv_measurement_and_its_change_is_kept(brook):
    client, auth = brook
    assert [float(v) for v in _ei(client, BROOK)] == [pytest.approx(1 / 3, abs=1e-6)]
    assert client.put("/communities/brook/data", content=V2, headers=auth).status_code == 200
    assert [float(v) for v in _ei(client, BROOK)] == [0.0]
    # the first version's figure, kept with its assessment
    assert [float(v) for v in _ei(client, BROOK + "/versions/1")] == [pytest.approx(1 / 3, abs=1e-6)]
    body = client.get("/communities/brook/assessment").json()
    metrics = {m["metric"]: m for m in body["metrics"]}
    assert metrics["ei-index-sector"]["value"] == 0
    assert metrics["ei-index-sector"]["change"]["since_version"] == 1
    assert metrics["ei-index-sector"]["change"]["delta"] == pytest.approx(-1 / 3, abs=1e-5)
    assert metrics["ties"]["value"] == 2 and metrics["ties"]["change"]["delta"] == -1
    assert metrics["density"]["value"] == pytest.approx(1 / 3, abs=1e-6)
    assert "diversity" in metrics["ei-index-sector"]["criteria"]
    # metrics are not indicators: no peer band, no verdict, not in the indicators list
    assert not any(i["iri"].startswith("https://w3id.org/lcc/metrics/") for i in body["indicators"])
    earlier = client.get("/communities/brook/assessment?version=1").json()
    assert {m["metric"]: m["value"] for m in earlier["metrics"]}["ties"] == 3


def test_network_metrics_as_json_csv_and_jsonld(brook):
    client, _ = brook
    body = client.get("/communities/brook/network/metrics").json()
    assert body["version"] == 1
    partners = {p["label"]: p for p in body["partners"]}
    assert sorted(partners) == ["Bakery", "Bank", "School", "Town hall"]
    # the path bakery - town - school - bank: town and school each sit between sectors
    assert (partners["Town hall"]["degree"], partners["School"]["degree"], partners["Bank"]["degree"]) == (2, 2, 1)
    assert partners["Town hall"]["broker"] is True and partners["Bank"]["broker"] is False
    rows = list(csv.DictReader(io.StringIO(client.get("/communities/brook/network/metrics?format=csv").text)))
    assert {(r["scope"], r["metric"], r["value"]) for r in rows} >= {("community", "partners", "4"),
                                                                      ("community", "ties", "3")}
    assert sum(1 for r in rows if r["scope"] == "partner") == 4 * len(body["partner_metrics"])
    graph = json.loads(client.get("/communities/brook/network/metrics?format=jsonld").text)
    text = json.dumps(graph)
    assert EI in text and "http://www.w3.org/ns/dqv#QualityMeasurement" in text
    assert client.get("/communities/nowhere/network/metrics").status_code == 404
    assert client.get("/communities/brook/network/metrics?format=xml").status_code == 406


def test_partner_figures_travel_in_cytoscape_and_graphml(brook):
    client, _ = brook
    nodes = {n["data"]["label"]: n["data"] for n in
             client.get("/communities/brook/network?format=cytoscape").json()["elements"]["nodes"]}
    assert nodes["Town hall"]["degree"] == 2 and nodes["Town hall"]["broker"] is True
    assert nodes["Bank"]["betweenness"] == 0.0
    graphml = client.get("/communities/brook/network?format=graphml").text
    assert 'attr.name="betweenness" attr.type="double"' in graphml and 'attr.name="broker" attr.type="boolean"' in graphml
    assert 'attr.name="constraint" attr.type="double"' in graphml and 'attr.name="degree" attr.type="long"' in graphml


def test_every_demo_assessment_holds_the_network_metrics(client):
    rows = _sparql(client, """
        PREFIX dqv: <http://www.w3.org/ns/dqv#> PREFIX lcc: <https://w3id.org/lcc#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
          ?m dqv:isMeasurementOf <https://w3id.org/lcc/metrics/partners> ; dqv:computedOn ?c . ?c a lcc:Community }""")
    assert int(rows[0]["n"]["value"]) == 12


def test_a_partnership_of_very_many_members_is_refused_with_the_reason(brook):
    client, auth = brook
    # 400 members: 400 x 399 / 2 = 79,800 ties, over the 50,000 the metrics and drawings are bounded by
    members = "".join(f"<p/m{i}> a lcc:Partner ; lcc:community <../brook> ; rdfs:label \"M{i}\"@en ; lcc:sector sector:social .\n" for i in range(400))
    big = V1.decode() + members + ("<ps/all> a lcc:Partnership ; lcc:community <../brook> ; org:hasMember "
                                   + " , ".join(f"<p/m{i}>" for i in range(400)) + " .\n")
    r = client.put("/communities/brook/data", content=big.encode(), headers=auth)
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "network_too_large" and "79,803" in r.json()["message"]  # with the 3 pairs of the other partnerships
    assert client.get("/communities/brook/assessment").json()["version"] == 1  # nothing stored
    assert client.get("/health").status_code == 200
