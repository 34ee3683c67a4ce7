"""Uploads never stall, never crash, never lose data: bombs refused in the sandbox, empty uploads
refused, demo data versioned, retries idempotent, reports capped, and `lcc validate` = `lcc load`."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from lcc_graph import history, uploads
from lcc_graph.errors import InputTooComplex, ParseError, ValidationRejected
from lcc_graph.namespaces import community_graph
from lcc_graph.rdf_input import MAX_NESTING, json_depth, parse_rdf, turtle_depth, xml_depth
from lcc_graph.sandbox import Sandbox
from lcc_graph.validation.report import MAX_RESULTS_PER_SHAPE

ADMIN = {"Authorization": "Bearer admin-secret"}
PREFIXES = (b"@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            b"@prefix sectors: <https://w3id.org/lcc/sectors/> . @prefix fields: <https://w3id.org/lcc/fields/> .\n"
            b"@prefix levels: <https://w3id.org/lcc/levels/> . @prefix org: <http://www.w3.org/ns/org#> .\n")
GOOD = PREFIXES + b"""<../riverside> a lcc:Community ; rdfs:label "Riverside"@en ; lcc:population 5000 .
<partners/school> a lcc:Partner ; lcc:community <../riverside> ; rdfs:label "School"@en ;
  lcc:sector sectors:public ; lcc:field fields:education ; lcc:level levels:municipal .
"""
MORE = GOOD + b"""<partners/club> a lcc:Partner ; lcc:community <../riverside> ; rdfs:label "Club"@en ;
  lcc:sector sectors:social ; lcc:field fields:sport ; lcc:level levels:neighbourhood .
"""
DEEP_JSONLD = b'{"@id": "https://w3id.org/lcc/communities/riverside", "http://example.org/p": ' \
              + b"[" * 5000 + b"]" * 5000 + b"}"


def blank_chain(n: int) -> bytes:
    """The community, then _:b0 -> _:b1 -> ... -> _:bn (RDFC-1.0 is cubic on it)."""
    me = b"<https://w3id.org/lcc/communities/riverside>"
    return me + b" <http://example.org/next> _:b0 .\n" + b"".join(
        b"_:b%d <http://example.org/next> _:b%d .\n" % (i, i + 1) for i in range(n))


def data_triples(stores, cid: str = "riverside") -> int:
    return stores.public.count(community_graph(cid, "data"))


@pytest.fixture
def app_client(demo_copy):
    app = create_app(Settings(data_dir=demo_copy, admin_token="admin-secret"))
    with TestClient(app) as c:
        c.post("/communities", json={"id": "riverside", "label": "Riverside"}, headers=ADMIN)
        token = c.post("/communities/riverside/tokens", headers=ADMIN).json()["token"]
        c.headers.update({"Authorization": f"Bearer {token}"})
        yield c


# ---- bombs: refused before any parser, or stopped in the sandbox; the server goes on


def test_jsonld_nested_5000_deep_is_a_400_and_the_server_survives(app_client):
    for path in ("/validate?community=riverside", "/communities/riverside/data"):
        method = app_client.post if path.startswith("/validate") else app_client.put
        r = method(path, content=DEEP_JSONLD, headers={"Content-Type": "application/ld+json"})
        assert r.status_code == 400, r.text
        assert r.json()["error"] == "input_too_complex"
        assert f"nests 5001 levels deep; the limit is {MAX_NESTING}" in r.json()["message"]
    assert app_client.get("/health").status_code == 200


@pytest.mark.parametrize("body, media", [
    (b"<https://w3id.org/lcc/communities/riverside> <http://example.org/p> " + b"[ <http://example.org/p> " * 3000
     + b"]" * 3000 + b" .", "text/turtle"),
    (b"<https://w3id.org/lcc/communities/riverside> <http://example.org/p> " + b"( " * 3000 + b")" * 3000 + b" .",
     "text/turtle"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
     + b'<rdf:Description rdf:about="https://w3id.org/lcc/communities/riverside"><ex:p rdf:parseType="Resource">' * 1000
     + b"</ex:p></rdf:Description>" * 1000 + b"</rdf:RDF>", "application/rdf+xml"),
])
def test_deep_turtle_lists_and_xml_are_refused_by_depth(body, media):
    with pytest.raises(InputTooComplex, match=f"the limit is {MAX_NESTING}"):
        parse_rdf(body, media)


def test_depth_scanners_skip_strings_iris_comments_and_escapes():
    assert turtle_depth('<a> <b> [ <c> ( "[[[" """ ((( """ ) ] . # [[[[\n<a#[> <b> "x" .') == 2
    assert turtle_depth(r"ex:a\# [ [ [") == 3  # an escaped '#' in a local name starts no comment
    assert turtle_depth("<< << <a> <b> <c> >> <d> <e> >> <f> <g> .") == 2
    assert json_depth('{"a": [1, {"b": "]]]{{{\\" [["}]}') == 3
    assert xml_depth('<?xml version="1.0"?><a x="<b>"><!-- <c><c> --><b/><b><![CDATA[<d><d>]]><c>t</c></b></a>') == 3


def test_a_500_node_blank_chain_is_stopped_at_the_deadline(stores):
    before = data_triples(stores)
    stores.sandbox = Sandbox(timeout_s=2, preload=("lcc_graph.uploads:warm_up",))
    started = time.monotonic()
    with pytest.raises(InputTooComplex, match="longer than 2 s"):
        uploads.upload(stores, "riverside", blank_chain(500), "application/n-triples", "t1")
    assert time.monotonic() - started < 10  # a 2 s deadline; 5x margin (in-process it took 14 s)
    assert data_triples(stores) == before == 0
    assert uploads.upload(stores, "riverside", GOOD, "text/turtle", "t1").version.version == 1  # a fresh worker


def test_rdf_star_triple_terms_are_refused():
    with pytest.raises(ParseError, match="RDF-star"):
        parse_rdf(b"<< <http://a> <http://b> <http://c> >> <http://d> <http://e> .", "text/turtle")


# ---- nothing lost: an empty upload is an error, never an erasure


@pytest.mark.parametrize("body, media, needle", [
    (b"", "text/turtle", "the upload is empty"),
    (b"  \n\t ", "application/n-triples", "the upload is empty"),
    (PREFIXES + b"# only prefixes and a comment\n", "text/turtle", "the upload has no triples"),
    (b'{"@context": {"x": "http://example.org/"}}', "application/ld+json", "the upload has no triples"),
])
def test_an_empty_upload_is_refused_and_the_data_stays(stores, body, media, needle):
    uploads.upload(stores, "riverside", GOOD, "text/turtle", "t1")
    before = data_triples(stores)
    assert before > 0
    with pytest.raises(ParseError, match=needle):
        uploads.upload(stores, "riverside", body, media, "t1")
    assert data_triples(stores) == before
    assert [v.version for v in history.versions(stores.private, "riverside")] == [1]


def test_an_empty_put_is_a_400(app_client):
    assert app_client.put("/communities/riverside/data", content=GOOD,
                          headers={"Content-Type": "text/turtle"}).status_code == 200
    r = app_client.put("/communities/riverside/data", content=b"", headers={"Content-Type": "text/turtle"})
    assert r.status_code == 400 and "the upload is empty" in r.json()["message"]
    n = app_client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?p a "
                                          "<https://w3id.org/lcc#Partner> ; <https://w3id.org/lcc#community> "
                                          "<https://w3id.org/lcc/communities/riverside> }"}).json()
    assert n["results"]["bindings"][0]["n"]["value"] == "1"


# ---- the demo's data is history like an upload's


def test_demo_communities_have_their_versions_in_history(demo_copy):
    """Every demo community's data is a version (token ``demo``); the WITH_HISTORY communities that
    start from an earlier state have two, the latest being the data the public store holds."""
    from lcc_graph.communities import community_ids
    from lcc_graph.demo_store import WITH_HISTORY
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        ids = community_ids(stores.public)
        assert len(ids) == 12
        counts = []
        for cid in ids:
            found = history.versions(stores.private, cid)
            counts.append(len(found))
            assert [(v.version, v.token_id) for v in found] == [(n, "demo") for n in range(1, len(found) + 1)]
            latest = found[-1]
            data = stores.public.get_graph(community_graph(cid, "data"))
            assert latest.triple_count == len(data)
            assert latest.checksum == history.checksum(data)
            assert len(history.version_triples(stores.private, cid, latest.version)) == len(data)
        assert sorted(counts) == [1] * (12 - WITH_HISTORY) + [2] * WITH_HISTORY
        assert uploads.reconcile(stores) == []  # each has its lcc:dataVersion marker: nothing dropped
        assert len(history.all_versions(stores.private)) == 12 + WITH_HISTORY
    finally:
        stores.close()


# ---- idempotent retries


def test_resending_the_latest_version_makes_no_new_version(stores):
    first = uploads.upload(stores, "riverside", GOOD, "text/turtle", "t1")
    again = uploads.upload(stores, "riverside", GOOD.replace(b"\n<partners", b"\n\n<partners"), "text/turtle", "t1")
    assert again.unchanged and again.to_json()["unchanged"] is True
    assert again.to_json()["version"] == first.to_json()["version"]
    assert set(again.to_json()) == set(first.to_json()) and first.to_json()["unchanged"] is False
    assert [v.version for v in history.versions(stores.private, "riverside")] == [1]
    assert uploads.upload(stores, "riverside", MORE, "text/turtle", "t1").version.version == 2
    reverted = uploads.upload(stores, "riverside", GOOD, "text/turtle", "t1")  # an older version again: a revert
    assert not reverted.unchanged and reverted.version.version == 3
    assert [v.version for v in history.versions(stores.private, "riverside")] == [1, 2, 3]


def test_a_retried_put_answers_the_same_version(app_client):
    first = app_client.put("/communities/riverside/data", content=GOOD, headers={"Content-Type": "text/turtle"})
    retry = app_client.put("/communities/riverside/data", content=GOOD, headers={"Content-Type": "text/turtle"})
    assert first.status_code == retry.status_code == 200
    assert retry.json()["unchanged"] is True and retry.json()["version"] == first.json()["version"]
    versions = app_client.get("/communities/riverside/history").json()["versions"]
    assert [v["version"] for v in versions] == [1]


# ---- reports are capped, counts exact


def test_a_report_shows_the_first_results_of_a_shape_and_counts_them_all(stores):
    partners = b"".join(b"<partners/p%d> a lcc:Partner ; lcc:community <../riverside> ; rdfs:label 'P%d'@en ; "
                        b"lcc:field fields:education ; lcc:level levels:municipal .\n" % (i, i) for i in range(500))
    body = PREFIXES + b"<../riverside> a lcc:Community ; rdfs:label 'Riverside'@en .\n" + partners
    prepared = uploads.prepare(stores, "riverside", body, "text/turtle", reject=False)
    report = prepared.report
    assert report.counts["Violation"] == 500  # every partner lacks its sector
    out = json.loads(json.dumps(report.to_json()))
    assert out["truncated"] is True and out["counts"]["Violation"] == 500
    (sector,) = [s for g in out["criteria"] for s in g["shapes"] if s["shape"].endswith("/Partner-sector")]
    assert (sector["shown"], sector["total"], len(sector["results"])) == (MAX_RESULTS_PER_SHAPE, 500,
                                                                        MAX_RESULTS_PER_SHAPE)
    assert sum(s["total"] for g in out["criteria"] for s in g["shapes"]) == sum(out["counts"].values())
    text = report.to_text()
    assert "(500 results, the first 100 shown)" in text and "... and 400 more" in text
    assert text.count("<https://w3id.org/lcc/communities/riverside/partners/p") <= 2 * MAX_RESULTS_PER_SHAPE
    turtle = report.to_turtle()
    assert "truncated: 100 of the 500 results of <https://w3id.org/lcc/shapes/Partner-sector> are shown" in turtle
    assert turtle.count("Partner-sector") == MAX_RESULTS_PER_SHAPE + 1
    with pytest.raises(ValidationRejected) as caught:  # the rejection (HTTP 422) carries the capped report
        uploads.prepare(stores, "riverside", body, "text/turtle")
    assert caught.value.report.to_json() == out


# ---- `lcc validate` applies `lcc load`'s checks


def lcc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lcc_graph.cli", *args], capture_output=True, text=True, timeout=300)


def error_line(stderr: str) -> str:
    (line,) = [x for x in stderr.splitlines() if x.startswith("error:")]
    return line


def test_lcc_validate_refuses_a_foreign_subject_as_lcc_load_does(tmp_path):
    foreign = tmp_path / "foreign.ttl"
    foreign.write_bytes(GOOD.replace(b"<../riverside>", b"<../mine>")
                        + b"<https://w3id.org/lcc/communities/other/partners/x> lcc:community <../mine> .\n")
    validated = lcc("validate", str(foreign), "--community", "mine")
    loaded = lcc("load", str(foreign), "--community", "mine", "--data-dir", str(tmp_path / "data"))
    assert validated.returncode == loaded.returncode == 1, (validated.stderr, loaded.stderr)
    assert error_line(validated.stderr) == error_line(loaded.stderr)
    assert "lies in the namespace of another community" in error_line(validated.stderr)
    empty = tmp_path / "empty.ttl"
    empty.write_bytes(PREFIXES)
    validated = lcc("validate", str(empty), "--community", "mine")
    loaded = lcc("load", str(empty), "--community", "mine", "--data-dir", str(tmp_path / "data"))
    assert validated.returncode == loaded.returncode == 2
    assert "the upload has no triples" in validated.stderr and "the upload has no triples" in loaded.stderr
    fine = tmp_path / "fine.ttl"
    fine.write_bytes(GOOD.replace(b"<../riverside>", b"<../mine>"))
    validated = lcc("validate", str(fine), "--community", "mine")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "Not checked here: whether another community's stored data already describes" in validated.stdout
