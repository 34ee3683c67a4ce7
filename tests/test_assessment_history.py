"""Every accepted version keeps its assessment: snapshots readable by SPARQL, counted once by the
reports, each indicator's change since the previous version, ``?version=N`` and the time series."""

from __future__ import annotations

import csv
import io

import pytest

from lcc_graph import assessment_history
from lcc_graph.catalogue import default_catalogue
from lcc_graph.indicators import assess_all
from lcc_graph.namespaces import community_graph
from lcc_graph.uploads import delete_data, upload

ADMIN = {"Authorization": "Bearer admin-secret"}
CROSS = "https://w3id.org/lcc/indicators/partnerships-cross-sector"
RAW = "http://www.w3.org/ns/dqv#value"

HEAD = """@prefix lcc: <https://w3id.org/lcc#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix sector: <https://w3id.org/lcc/sectors/> .
<../brook> a lcc:Community ; rdfs:label "Brook"@en ; lcc:population 8000 .
<p/town> a lcc:Partner ; lcc:community <../brook> ; rdfs:label "Town hall"@en ; lcc:sector sector:public .
<p/school> a lcc:Partner ; lcc:community <../brook> ; rdfs:label "School"@en ; lcc:sector sector:public .
<p/bakery> a lcc:Partner ; lcc:community <../brook> ; rdfs:label "Bakery"@en ; lcc:sector sector:private .
<p/bank> a lcc:Partner ; lcc:community <../brook> ; rdfs:label "Bank"@en ; lcc:sector sector:private .
<ps/market> a lcc:Partnership ; lcc:community <../brook> ; rdfs:label "Market"@en ; org:hasMember <p/town> , <p/bakery> .
<ps/school-days> a lcc:Partnership ; lcc:community <../brook> ; rdfs:label "School days"@en ; org:hasMember <p/town> , <p/school> .
"""
# version 1: three partnerships, two of them cross-sector (2 of 3); version 2: one cross-sector
# partnership removed (1 of 2): the count falls by 1, the share by 2/3 - 1/2 = 1/6
SAVINGS = """<ps/savings> a lcc:Partnership ; lcc:community <../brook> ; rdfs:label "Savings"@en ; org:hasMember <p/school> , <p/bank> .
"""
V1 = (HEAD + SAVINGS).encode()
V2 = HEAD.encode()


def _cross(stores_or_kept, version=None):
    return stores_or_kept[version].measurements[CROSS]


def test_a_second_version_keeps_the_first_assessment_and_shows_the_change(stores):
    upload(stores, "brook", V1, "text/turtle", token_id="t")
    upload(stores, "brook", V2, "text/turtle", token_id="t")
    kept = assessment_history.assessments(stores, "brook")
    assert sorted(kept) == [1, 2]
    assert [kept[1].current, kept[2].current] == [False, True]
    assert (_cross(kept, 1)["count"], _cross(kept, 1)["base"]) == (2, 3)
    assert (_cross(kept, 2)["count"], _cross(kept, 2)["base"]) == (1, 2)
    assert assessment_history.change(kept, 2, CROSS, RAW) == {
        "since_version": 1, "delta": pytest.approx(-1 / 6, abs=1e-5), "count_delta": -1}
    assert assessment_history.change(kept, 1, CROSS, RAW) is None  # nothing before the first


def test_snapshots_are_readable_by_sparql_and_counted_once_by_the_reports(stores):
    upload(stores, "brook", V1, "text/turtle", token_id="t")
    upload(stores, "brook", V2, "text/turtle", token_id="t")
    # the earlier assessment, as DQV measurements computed on the version
    rows = stores.query_public("""
        PREFIX dqv: <http://www.w3.org/ns/dqv#> PREFIX lcc: <https://w3id.org/lcc#>
        SELECT ?count WHERE {
          ?m dqv:computedOn <https://w3id.org/lcc/communities/brook/versions/1> ;
             dqv:isMeasurementOf <https://w3id.org/lcc/indicators/partnerships-cross-sector> ; lcc:numerator ?count .
        }""").rows()
    assert [int(r["count"].value) for r in rows] == [2]
    # the report over every community still has one row per indicator for brook
    report = stores.query_public(default_catalogue().get("resource-relative-indicators").bind({})).rows()
    brook = [r for r in report if r["community"].value.endswith("/brook")]
    assert len({r["indicator"].value for r in brook}) == len(brook)
    cross = [r for r in brook if r["indicator"].value == CROSS]
    assert [int(r["count"].value) for r in cross] == [1]
    # the named query gives the series
    series = stores.query_public(default_catalogue().get("indicator-history").bind(
        {"community": "https://w3id.org/lcc/communities/brook", "indicator": CROSS})).rows()
    assert [(int(r["version"].value), int(r["count"].value)) for r in series] == [(1, 2), (2, 1)]


def test_reassessing_keeps_the_snapshots_and_the_version_link(stores):
    upload(stores, "brook", V1, "text/turtle", token_id="t")
    upload(stores, "brook", V2, "text/turtle", token_id="t")
    assert assess_all(stores) == 1
    kept = assessment_history.assessments(stores, "brook")
    assert sorted(kept) == [1, 2] and kept[2].current
    assert assessment_history.change(kept, 2, CROSS, RAW)["count_delta"] == -1


def test_an_unchanged_upload_adds_no_version_and_deleting_drops_the_history(stores):
    upload(stores, "brook", V1, "text/turtle", token_id="t")
    upload(stores, "brook", V1, "text/turtle", token_id="t")
    assert sorted(assessment_history.assessments(stores, "brook")) == [1]
    upload(stores, "brook", V2, "text/turtle", token_id="t")
    assert stores.public.get_graph(community_graph("brook", "assessment-history"))
    delete_data(stores, "brook")
    assert not stores.public.get_graph(community_graph("brook", "assessment-history"))


def test_uploads_cannot_forge_a_version(stores):
    from lcc_graph.errors import OwnershipError

    forged = HEAD + "<versions/9> a lcc:DataVersion ; lcc:versionNumber 9 .\n"
    with pytest.raises(OwnershipError, match="written by the service"):
        upload(stores, "brook", forged.encode(), "text/turtle", token_id="t")


@pytest.fixture
def brook(client):
    client.post("/communities", json={"id": "brook", "label": "Brook"}, headers=ADMIN)
    token = client.post("/communities/brook/tokens", headers=ADMIN).json()["token"]
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    for body in (V1, V2):
        r = client.put("/communities/brook/data", content=body, headers=auth)
        assert r.status_code == 200, r.text
    return client


def _indicator(body, slug):
    found = next(i for i in body["indicators"] if i["slug"] == slug)
    assert found["indicator"] == slug and found["iri"] == "https://w3id.org/lcc/indicators/" + slug  # the contract
    return found


def test_the_assessment_names_its_version_and_each_change(brook):
    body = brook.get("/communities/brook/assessment").json()
    assert body["version"] == 2 and body["current"] is True
    assert [v["version"] for v in body["versions"]] == [1, 2]
    cross = _indicator(body, "partnerships-cross-sector")
    assert (cross["count"], cross["base"]) == (1, 2)
    assert cross["change"]["since_version"] == 1
    assert cross["change"]["count_delta"] == -1
    assert cross["change"]["delta"] == pytest.approx(-1 / 6, abs=1e-5)
    assert body["plan"] and body["framework_version"]
    assert isinstance(body["resources"], list)


def test_an_earlier_version_by_number(brook):
    body = brook.get("/communities/brook/assessment?version=1").json()
    assert body["version"] == 1 and body["current"] is False
    cross = _indicator(body, "partnerships-cross-sector")
    assert (cross["count"], cross["base"], cross["share"]) == (2, 3, 67)
    assert cross["change"] is None and cross["verdict"] is None and cross["verdict_reason"]
    assert body["findings"] is None and body["peer_group"] is None
    # the current version by number is the current assessment
    assert brook.get("/communities/brook/assessment?version=2").json()["current"] is True
    missing = brook.get("/communities/brook/assessment?version=7")
    assert missing.status_code == 404 and "version 7" in missing.json()["message"]
    for bad in ("0", "-1", "x", "1.5", ""):
        assert brook.get(f"/communities/brook/assessment?version={bad}").status_code == 400, bad
    # a browser is sent to the history page
    r = brook.get("/communities/brook/assessment?version=1", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/communities/brook/assessment/history")


def test_the_history_as_json_csv_and_a_page(brook):
    body = brook.get("/communities/brook/assessment/history").json()
    assert [v["version"] for v in body["versions"]] == [1, 2]
    cross = next(i for i in body["indicators"] if i["indicator"] == "partnerships-cross-sector")
    assert [(p["version"], p["count"], p["base"]) for p in cross["series"]] == [(1, 2, 3), (2, 1, 2)]
    assert cross["series"][1]["count_delta"] == -1
    r = brook.get("/communities/brook/assessment/history?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    mine = [row for row in rows if row["indicator"] == "partnerships-cross-sector"]
    assert [(row["version"], row["count"], row["base"], row["count_delta"]) for row in mine] == [
        ("1", "2", "3", ""), ("2", "1", "2", "-1")]
    for lang in ("en", "he", "ar"):
        page = brook.get(f"/communities/brook/assessment/history?lang={lang}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert 'class="sparkline"' in page.text and 'id="v2"' in page.text
        assert "▼" in page.text  # the cross-sector count went down
    assert "-16.7 pt" in brook.get("/communities/brook/assessment/history", headers={"Accept": "text/html"}).text
    assert brook.get("/communities/nowhere/assessment/history").status_code == 404
    assert brook.get("/communities/brook/assessment/history?format=xml").status_code == 406


def test_the_community_page_shows_the_change_and_links_the_history(brook):
    page = brook.get("/communities/brook?lang=he", headers={"Accept": "text/html"}).text
    assert 'href="/communities/brook/assessment/history?lang=he"' in page
    assert "מאז גרסה 1" in page


def test_the_demo_shows_assessments_that_changed_between_versions(client):
    from lcc_graph.demo_store import WITH_HISTORY

    ids = [c["id"] for c in client.get("/communities").json()["communities"]]
    versions = {cid: client.get(f"/communities/{cid}/assessment").json()["version"] for cid in ids}
    assert sorted(versions.values()).count(2) == WITH_HISTORY and set(versions.values()) == {1, 2}
    changed = [cid for cid, n in versions.items() if n == 2]
    body = client.get(f"/communities/{changed[0]}/assessment").json()
    # the second version adds partnerships left out of the first
    partnerships = _indicator(body, "partnerships-cross-sector")
    assert partnerships["change"]["since_version"] == 1
    assert any(i["change"] and i["change"]["count_delta"] for i in body["indicators"])
