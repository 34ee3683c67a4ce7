"""Publishing a framework version: checked, applied, kept across restarts; results re-judged and stamped.

The version published is tests/data/framework-v1.1-publish.ttl: COMMUNICATION added, TRANSPARENCY
and VISIBILITY merged into OPENNESS, DYNAMICS retired, LEARNING's definition changed, a question for
the mid stage. Known answers on the 12 demo communities are read from the store before publishing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lcc_graph.namespaces import CRITERIA, GRAPHS

DATA = Path(__file__).resolve().parent / "data"
V11 = DATA / "framework-v1.1-publish.ttl"
ADMIN = {"Authorization": "Bearer admin-secret"}
TURTLE = {"Content-Type": "text/turtle"}
V10_IRI = CRITERIA
V11_IRI = CRITERIA + "v1.1"

FINDINGS_BY_CRITERION = """PREFIX lcc: <https://w3id.org/lcc#> PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?c (COUNT(?f) AS ?n) WHERE { ?f a sh:ValidationResult ; lcc:community ?x ; lcc:criterion ?c } GROUP BY ?c"""
STAMPS = """PREFIX lcc: <https://w3id.org/lcc#> PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX dqv: <http://www.w3.org/ns/dqv#>
SELECT ?kind ?v (COUNT(?r) AS ?n) WHERE {
  VALUES ?kind { sh:ValidationResult dqv:QualityMeasurement lcc:Assessment }
  GRAPH ?g { ?r a ?kind }
  FILTER(STRENDS(STR(?g), "/findings") || STRENDS(STR(?g), "/assessment"))
  OPTIONAL { GRAPH ?g { ?r lcc:frameworkVersion ?v } }
} GROUP BY ?kind ?v"""
SNAPSHOT_STAMPS = STAMPS.replace('FILTER(STRENDS(STR(?g), "/findings") || STRENDS(STR(?g), "/assessment"))',
                                 'FILTER(STRENDS(STR(?g), "/assessment-history") && CONTAINS(STR(?r), "/frameworks/"))')


def _counts(store, query: str) -> dict:
    rows = store.query(query, union=True).values()
    return {r["c"][len(CRITERIA):]: int(r["n"]) for r in rows}


def _stamps(store, query: str) -> dict:
    return {(r["kind"].rsplit("#", 1)[-1], r.get("v")): int(r["n"]) for r in store.query(query).values()}


def _before(demo_copy) -> dict:
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        return _counts(stores.public, FINDINGS_BY_CRITERION)
    finally:
        stores.close()


def _check_published_store(data_dir: Path, before: dict) -> None:
    """What a published and re-judged 1.1 leaves in the store, whichever way it was published."""
    from lcc_graph.store import open_stores

    stores = open_stores(data_dir)
    try:
        after = _counts(stores.public, FINDINGS_BY_CRITERION)
        # the retired criterion's findings are gone from the new results ...
        assert "dynamics" not in after
        # ... the merged ones are under their successor ...
        assert "transparency" not in after and "visibility" not in after
        assert after["openness"] == before["transparency"] + before["visibility"]
        # ... and the rest are as they were
        for slug, n in before.items():
            if slug not in ("dynamics", "transparency", "visibility"):
                assert after.get(slug) == n, slug
        # every current result is stamped 1.1, every kept earlier one 1.0
        stamps = _stamps(stores.public, STAMPS)
        assert {v for (_, v) in stamps} == {V11_IRI}, stamps
        assert stamps[("ValidationResult", V11_IRI)] == sum(after.values())
        assert stamps[("Assessment", V11_IRI)] == 12
        kept = _stamps(stores.public, SNAPSHOT_STAMPS)
        assert {v for (_, v) in kept} == {V10_IRI}, kept
        assert kept[("ValidationResult", V10_IRI)] == sum(before.values())
        assert kept[("Assessment", V10_IRI)] == 12
        # the old results keep the retired criterion's findings, under its own name
        old = stores.public.query(
            "PREFIX lcc: <https://w3id.org/lcc#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "SELECT (COUNT(?f) AS ?n) WHERE { ?f dcterms:isPartOf ?s ; lcc:criterion <%sdynamics> }" % CRITERIA,
            union=True).values()
        assert int(old[0]["n"]) == before["dynamics"] > 0
    finally:
        stores.close()


def test_publish_through_the_api(demo_copy):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    before = _before(demo_copy)
    assert before["dynamics"] > 0 and before["transparency"] > 0 and before["visibility"] > 0
    settings = Settings(data_dir=demo_copy, admin_token="admin-secret")
    with TestClient(create_app(settings)) as client:
        body = V11.read_bytes()
        assert client.post("/framework/versions", content=body, headers=TURTLE).status_code == 401
        r = client.post("/framework/versions", content=body, headers={**TURTLE, "Authorization": "Bearer nope"})
        assert r.status_code == 403
        r = client.post("/framework/versions", content=body, headers={**TURTLE, **ADMIN})
        assert r.status_code == 201, r.text
        answer = r.json()
        assert answer["version"]["version"] == "1.1" and r.headers["location"] == "/framework/versions/1.1"
        assert answer["assessed"]["kept"] == 12 and answer["assessed"]["framework_version"] == "1.1"
        assert {c["iri"] for c in answer["changes"]["criteria"]["added"]} == {CRITERIA + "communication",
                                                                               CRITERIA + "openness"}
        # the same version again is refused: its label is taken
        r = client.post("/framework/versions", content=body, headers={**TURTLE, **ADMIN})
        assert r.status_code == 422 and any("1.1 is published already" in p for p in r.json()["problems"])

        versions = client.get("/framework/versions").json()
        assert versions["current"] == "1.1"
        assert [v["version"] for v in versions["versions"]] == ["1.0", "1.1"]
        assert versions["versions"][0]["shipped"] and not versions["versions"][1]["shipped"]

        diff = client.get("/framework/versions/1.0/diff/1.1").json()
        assert {c["iri"]: c["into"] for c in diff["criteria"]["merged"]} == {
            CRITERIA + "transparency": CRITERIA + "openness", CRITERIA + "visibility": CRITERIA + "openness"}
        assert [c["iri"] for c in diff["criteria"]["retired"]] == [CRITERIA + "dynamics"]
        assert [c["iri"] for c in diff["criteria"]["changed"]] == [CRITERIA + "learning"]
        assert [q["iri"] for q in diff["questions"]["added"]] == ["https://w3id.org/lcc/questions/mid-1"]
        assert {s["iri"].rsplit("/", 1)[1] for s in diff["shapes"]["retired"]} == {"dynamics-no-citizen-initiative"}
        assert {s["iri"].rsplit("/", 1)[1] for s in diff["shapes"]["moved"]} == {
            "transparency-no-agenda", "visibility-initiative-no-channel", "visibility-no-channel"}
        page = client.get("/framework/versions/1.0/diff/1.1", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Dynamics" in page.text and "Openness" in page.text
        assert 'id="diff-criteria"' in page.text and 'id="diff-shapes"' in page.text
        he = client.get("/framework/versions/1.0/diff/1.1?lang=he", headers={"Accept": "text/html"})
        # the version numbers are isolated left to right (a full stop after one stays outside it)
        assert 'dir="rtl"' in he.text and "מה השתנה מגרסה \u20661.0\u2069 לגרסה \u20661.1\u2069" in he.text
        assert client.get("/framework/versions/1.1").json()["changes"]["criteria"]["retired"][0]["label"] == "Dynamics"
        assert client.get("/framework/versions/9.9").status_code == 404
        assert client.get("/framework/versions/1.0/diff/9.9").status_code == 404

        # /criteria: 20 current criteria, the three retired ones apart and marked
        listing = client.get("/criteria").json()
        assert listing["count"] == 20 and listing["framework_version"] == "1.1"
        retired = {c["slug"]: c["retired"] for c in listing["retired"]}
        assert retired == {"dynamics": {"in": "1.1", "replaced_by": None},
                           "transparency": {"in": "1.1", "replaced_by": "openness", "replaced_by_label": "Openness"},
                           "visibility": {"in": "1.1", "replaced_by": "openness", "replaced_by_label": "Openness"}}
        page = client.get("/criteria", headers={"Accept": "text/html"}).text.replace("\u2066", "").replace("\u2069", "")
        assert 'id="retired"' in page and "Retired in version 1.1." in page and "Merged into Openness in version 1.1." in page
        one = client.get("/criteria/dynamics").json()
        assert one["retired"] == {"in": "1.1", "replaced_by": None}
        assert [s["retired"] for s in one["shapes"]] == [True]
        assert "mid-1" in [q["id"] for q in client.get("/criteria/partnerships").json()["questions"]]
        assert client.get("/criteria/communication").json()["introduced_in"] == "1.1"

        # the crosswalk to UNESCO follows the merge: findings under OPENNESS read in UNESCO's terms
        carried = {c["iri"] for c in answer["changes"]["consequences"] if c["kind"] == "crosswalk"}
        assert "https://w3id.org/lcc/unesco/crosswalk/openness/governance-and-participation" in carried
        rows = client.get("/queries/findings-in-unesco-terms",
                          params={"community": "https://w3id.org/lcc/communities/birchenmere"}).json()["rows"]
        named = {r["notation"]: r["criteria"].split() for r in rows}
        assert "openness" in named["1.1"] and not any("transparency" in c or "visibility" in c for c in named.values())
        # the assessment says what changed because the framework changed
        a = client.get("/communities/birchenmere/assessment").json()
        change = a["framework_change"]
        assert change["from"] == "1.0" and change["to"] == "1.1"
        moved = {f["slug"]: (f["before"], f["after"]) for f in change["findings"]}
        assert moved["openness"][0] == 0 and moved["openness"][1] == moved["transparency"][0] + moved["visibility"][0]
        assert a["framework_version"] == V11_IRI
        page = client.get("/communities/birchenmere", headers={"Accept": "text/html"}).text
        assert 'id="framework-change"' in page

        # an answer recorded now is stamped 1.1
        token = client.post("/communities/birchenmere/tokens", headers=ADMIN).json()["token"]
        r = client.post("/communities/birchenmere/answers", json={"question": "mid-1", "text": "Two of three still meet."},
                        headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
        q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT ?v WHERE { ?a lcc:answers <https://w3id.org/lcc/questions/mid-1> ;"
             " lcc:frameworkVersion ?v }")
        rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
        assert [row["v"]["value"] for row in rows] == [V11_IRI]
    _check_published_store(demo_copy, before)

    # a restart keeps the published version, and uploads are judged by it
    with TestClient(create_app(settings)) as client:
        assert client.get("/framework/versions").json()["current"] == "1.1"
        assert client.get("/criteria").json()["count"] == 20
        data = client.get("/graphs", params={"graph": GRAPHS + "communities/birchenmere/data"},
                          headers={"Accept": "text/turtle"})
        assert data.status_code == 200
        token = client.post("/communities/birchenmere/tokens", headers=ADMIN).json()["token"]
        extra = data.text + "\n<https://w3id.org/lcc/communities/birchenmere> <http://www.w3.org/2000/01/rdf-schema#comment> \"again\" .\n"
        r = client.put("/communities/birchenmere/data", content=extra.encode(),
                       headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"})
        assert r.status_code in (200, 201), r.text
        # the upload history names the version each upload was judged under
        kept = client.get("/communities/birchenmere/history", headers={"Authorization": f"Bearer {token}"}).json()
        assert [v["framework_version"] for v in kept["versions"]][-2:] == ["1.0", "1.1"], kept
        rows = client.get("/sparql", params={"query": FINDINGS_BY_CRITERION.replace(
            "lcc:community ?x", "lcc:community <https://w3id.org/lcc/communities/birchenmere>")}).json()
        found = {b["c"]["value"][len(CRITERIA):] for b in rows["results"]["bindings"]}
        assert "dynamics" not in found and "transparency" not in found and "openness" in found


BAD_VERSIONS = [
    # drops VISIBILITY: neither kept, merged nor retired
    (lambda text: text.replace("crit:visibility\n    owl:deprecated true ;\n    dcterms:isReplacedBy crit:openness ;\n"
                               "    lcc:retiredIn <https://w3id.org/lcc/criteria/v1.1> ;\n"
                               "    skos:changeNote \"Merged into OPENNESS in 1.1.\"@en .\n", ""),
     "criterion visibility of version 1.0 is neither kept"),
    # merges into a criterion the version does not have
    (lambda text: text.replace("crit:dynamics\n    owl:deprecated true ;",
                               "crit:dynamics\n    owl:deprecated true ;\n    dcterms:isReplacedBy crit:nowhere ;"),
     "merged into nowhere, which is not a criterion of version 1.1"),
    # revises something other than the current version
    (lambda text: text.replace("prov:wasRevisionOf <https://w3id.org/lcc/criteria/>",
                               "prov:wasRevisionOf <https://w3id.org/lcc/criteria/v0.9>"),
     "must be prov:wasRevisionOf the current version 1.0"),
    # pulls in another document
    (lambda text: text + "\n<https://w3id.org/lcc/criteria/v1.1> owl:imports <http://127.0.0.1:9/x.ttl> .\n",
     "owl:imports is not followed"),
    # speaks for a community
    (lambda text: text + "\n<https://w3id.org/lcc/communities/birchenmere> rdfs:label \"Mine\" .\n",
     "a version describes the framework, not https://w3id.org/lcc/communities/birchenmere"),
    # a new criterion without a definition
    (lambda text: text.replace('    skos:definition "The community develops infrastructures of communication', '    rdfs:comment "x'),
     "the new criterion communication needs an English skos:definition"),
]


@pytest.mark.parametrize("change,reason", BAD_VERSIONS, ids=["drops", "merge-target", "revision", "imports",
                                                            "community", "definition"])
def test_a_version_that_breaks_the_rules_is_refused_with_its_reason(stores, change, reason):
    from lcc_graph.errors import FrameworkVersionRefused
    from lcc_graph.framework_versions import publish, versions

    with pytest.raises(FrameworkVersionRefused) as refused:
        publish(stores, change(V11.read_text()).encode())
    assert any(reason in p for p in refused.value.problems), refused.value.problems
    assert [v.label for v in versions(stores)] == ["1.0"]  # nothing changed


def test_a_version_that_would_reject_stored_data_is_refused(demo_copy):
    """A version whose structure shapes reject a stored community's data is refused, naming it."""
    from lcc_graph.errors import FrameworkVersionRefused
    from lcc_graph.framework import install_framework
    from lcc_graph.framework_versions import publish
    from lcc_graph.store import open_stores

    strict = V11.read_text() + """
<https://w3id.org/lcc/shapes/partner-needs-a-homepage>
    a <http://www.w3.org/ns/shacl#NodeShape> ;
    <http://www.w3.org/ns/shacl#targetClass> lcc:Partner ;
    <http://www.w3.org/ns/shacl#severity> <http://www.w3.org/ns/shacl#Violation> ;
    <http://www.w3.org/ns/shacl#message> "A partner needs a homepage (test)."@en ;
    <http://www.w3.org/ns/shacl#property> <https://w3id.org/lcc/shapes/partner-needs-a-homepage-property> .
<https://w3id.org/lcc/shapes/partner-needs-a-homepage-property>
    a <http://www.w3.org/ns/shacl#PropertyShape> ;
    <http://www.w3.org/ns/shacl#severity> <http://www.w3.org/ns/shacl#Violation> ;
    <http://www.w3.org/ns/shacl#message> "A partner needs a homepage (test)."@en ;
    <http://www.w3.org/ns/shacl#path> <https://schema.org/url> ;
    <http://www.w3.org/ns/shacl#minCount> 1 .
"""
    stores = open_stores(demo_copy)
    try:
        install_framework(stores)
        with pytest.raises(FrameworkVersionRefused) as refused:
            publish(stores, strict.encode())
        assert any(p.startswith("community birchenmere would be rejected") for p in refused.value.problems), \
            refused.value.problems
    finally:
        stores.close()


def test_publish_through_the_cli(demo_copy):
    before = _before(demo_copy)
    env = {"LCC_DATA_DIR": str(demo_copy), "PATH": "/usr/bin:/bin"}
    bad = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "publish", str(DATA / "seed" / "common-criteria.txt")],
                         capture_output=True, text=True, env=env, timeout=300)
    assert bad.returncode == 2 and "syntax error" in bad.stderr
    done = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "publish", str(V11)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "published framework version 1.1" in done.stderr and "judged 12 communities under 1.1" in done.stderr
    listed = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "versions"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert "1.0" in listed.stdout and "1.1" in listed.stdout and "shipped" in listed.stdout
    diff = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "diff", "1.0", "1.1"],
                          capture_output=True, text=True, env=env, timeout=120)
    import json

    assert [c["iri"] for c in json.loads(diff.stdout)["criteria"]["retired"]] == [CRITERIA + "dynamics"]
    _check_published_store(demo_copy, before)
    # lcc assess again: nothing more to keep, the results stay 1.1
    again = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "assess"], capture_output=True, text=True,
                           env=env, timeout=300)
    assert again.returncode == 0 and "under framework version 1.1" in again.stderr and "kept" not in again.stderr
    _check_published_store(demo_copy, before)


def test_framework_graph_names_stay_those_of_the_files(stores):
    """A published version adds to the framework graphs; it never makes a graph of its own."""
    from lcc_graph.framework_versions import publish

    before = {g for g in stores.public.graphs() if g.startswith(GRAPHS)}
    publish(stores, V11.read_bytes())
    assert {g for g in stores.public.graphs() if g.startswith(GRAPHS)} == before


def test_a_proposal_drafted_and_published_from_the_command_line(demo_copy, tmp_path):
    """A community's proposal (a mid-stage question) goes into a draft with `lcc framework draft`,
    which `lcc framework publish` accepts as it is; the proposal is then accepted in 1.1."""
    from lcc_graph import proposals
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        filed = proposals.file_proposal(stores, "birchenmere", proposals.NewProposal(
            kind="question", criterion="partnerships", stage="mid", reason="The seed leaves the mid stage open.",
            text="Which partnerships from the early stage still meet?"))
    finally:
        stores.close()
    number = filed["number"]
    env = {"LCC_DATA_DIR": str(demo_copy), "PATH": "/usr/bin:/bin"}
    target = tmp_path / "draft.ttl"
    drafted = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "draft", "--version", "1.1",
                              "--proposal", str(number), "-o", str(target)], capture_output=True, text=True, env=env,
                             timeout=120)
    assert drafted.returncode == 0, drafted.stderr
    assert "Which partnerships from the early stage still meet?" in target.read_text()
    unknown = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "draft", "--version", "1.1",
                              "--proposal", "999"], capture_output=True, text=True, env=env, timeout=120)
    assert unknown.returncode == 1 and "999" in unknown.stderr
    done = subprocess.run([sys.executable, "-m", "lcc_graph.cli", "framework", "publish", str(target), "--no-assess"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    stores = open_stores(demo_copy)
    try:
        one = proposals.get_proposal(stores, number)
        assert one["status"] == "accepted" and one["version"]["label"] == "1.1"
    finally:
        stores.close()


def test_published_but_not_yet_judged_again_says_so(client):
    """With ?assess=false the results stay those of 1.0 until `lcc assess`: the assessment says
    which version judged it and which is current."""
    r = client.post("/framework/versions?assess=false", content=V11.read_bytes(), headers={**TURTLE, **ADMIN})
    assert r.status_code == 201 and "assessed" not in r.json()
    a = client.get("/communities/birchenmere/assessment").json()
    assert a["framework_version"] == V10_IRI and a["framework_current"] == V11_IRI
    assert a["framework_change"] is None
