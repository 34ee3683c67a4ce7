"""Proposals (issue 16, item 3): communities propose changes to the framework and comment on them,
the administrator accepts them into a draft version that the publisher takes."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from lcc_graph import proposals as P

ADMIN = {"Authorization": "Bearer admin-secret"}
LCC = Namespace("https://w3id.org/lcc#")
CRIT = Namespace("https://w3id.org/lcc/criteria/")
SCHEMA = Namespace("https://schema.org/")
V11 = URIRef("https://w3id.org/lcc/criteria/v1.1")


def community(client, cid: str) -> dict:
    r = client.post("/communities", json={"id": cid, "label": cid.title()}, headers=ADMIN)
    assert r.status_code in (201, 409), r.text
    r = client.post(f"/communities/{cid}/tokens", headers=ADMIN)
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


STATEMENT = {"kind": "statement", "criterion": "penetration", "lang": "en",
             "text": "The values of the learning community reach the neighbourhoods as well as the town hall.",
             "reason": "Penetration says little about neighbourhoods."}
RETIREMENT = {"kind": "retirement", "criterion": "balances", "reason": "REFLECTION and the relative evaluation cover it."}
MERGE = {"kind": "merge", "criterion": "visibility", "into": "transparency", "reason": "Both ask that citizens can see."}
QUESTION = {"kind": "question", "criterion": "reflection", "stage": "crisis",
            "text": "What did the community learn from the crisis about its partnerships?", "reason": "Crisis questions are to be developed."}
EXAMPLE = {"kind": "example", "criterion": "sharing", "successful": False,
           "text": "A peer visit planned by the municipality alone.", "lesson": "Plan a visit with the partners who are to learn from it.",
           "reason": "The seed asks for examples that did not work."}


@pytest.fixture
def riverside(client):
    return community(client, "riverside")


@pytest.fixture
def hilltop(client):
    return community(client, "hilltop")


def test_a_community_files_a_proposal_and_everyone_reads_it(client, riverside):
    r = client.post("/framework/proposals", json=STATEMENT, headers=riverside)
    assert r.status_code == 201, r.text
    filed = r.json()
    assert filed["number"] == 1 and filed["status"] == "open" and filed["community"] == "riverside"
    assert filed["iri"] == "https://w3id.org/lcc/framework/proposals/1"
    assert r.headers["location"] == "/framework/proposals/1"
    listed = client.get("/framework/proposals").json()
    assert listed["count"] == 1
    p = listed["proposals"][0]
    assert (p["kind"], p["criterion"], p["text"]["text"], p["reason"]["lang"]) == (
        "statement", "penetration", STATEMENT["text"], "en")
    assert client.get("/framework/proposals?status=accepted").json()["count"] == 0
    # the page in English and in Hebrew (right to left, the kind and status in Hebrew from the graph)
    page = client.get("/framework/proposals", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Proposal" in page.text and STATEMENT["text"] in page.text
    he = client.get("/framework/proposals?lang=he", headers={"Accept": "text/html"})
    assert he.status_code == 200 and 'dir="rtl"' in he.text
    assert "הצעות" in he.text and "היגד חדש" in he.text and "פתוחה" in he.text and "חלחול" in he.text
    assert STATEMENT["text"] in he.text  # the community's words are never translated
    ar = client.get("/framework/proposals/1?lang=ar", headers={"Accept": "text/html"})
    assert ar.status_code == 200 and 'dir="rtl"' in ar.text and "مقترح" in ar.text
    # the proposal is RDF in the public proposals graph
    q = ("SELECT ?k WHERE { GRAPH <https://w3id.org/lcc/graphs/proposals> { "
         "<https://w3id.org/lcc/framework/proposals/1> <https://w3id.org/lcc#proposalKind> ?k } }")
    rows = client.get("/sparql", params={"query": q}).json()["results"]["bindings"]
    assert [row["k"]["value"] for row in rows] == ["https://w3id.org/lcc/proposal-kinds/statement"]


def test_a_hebrew_proposal_keeps_its_language(client, riverside):
    body = {**QUESTION, "lang": "he", "text": "מה למדה הקהילה מהמשבר על השותפויות שלה?", "reason": "השאלות לשלב המשבר טרם פותחו."}
    r = client.post("/framework/proposals?lang=he", json=body, headers=riverside)
    assert r.status_code == 201, r.text
    assert r.json()["text"] == {"text": body["text"], "lang": "he"}
    assert r.json()["stage_label"] == "משבר" or r.json()["stage_label"]
    page = client.get("/framework/proposals/1?lang=he", headers={"Accept": "text/html"}).text
    assert f'lang="he">{body["text"]}' in page


def test_writing_needs_a_community_token(client, riverside):
    r = client.post("/framework/proposals", json=STATEMENT)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.post("/framework/proposals", json=STATEMENT, headers={"Authorization": "Bearer lcc_x_y"}).status_code == 401
    assert client.post("/framework/proposals", json=STATEMENT, headers=ADMIN).status_code == 403
    assert client.post("/framework/proposals/1/comments", json={"text": "x"}).status_code == 401
    assert client.get("/framework/proposals").json()["count"] == 0


@pytest.mark.parametrize(("body", "words"), [
    ({**STATEMENT, "criterion": "no-such"}, "no criterion 'no-such'"),
    ({**STATEMENT, "text": None}, "needs text"),
    ({**STATEMENT, "stage": "mid"}, "has no stage"),
    ({**STATEMENT, "colour": "red"}, "colour"),
    ({**STATEMENT, "text": "x" * 2001}, "text"),
    ({**STATEMENT, "text": "   "}, "text is empty"),
    ({**STATEMENT, "text": "a\u0000b"}, "U+0000"),
    ({**STATEMENT, "lang": "fr"}, "lang"),
    ({**QUESTION, "stage": "early"}, "stage"),
    ({**MERGE, "into": "visibility"}, "itself"),
    ({**MERGE, "into": "nowhere"}, "no criterion 'nowhere'"),
    ({**EXAMPLE, "successful": "yes"}, "successful"),
    ({"kind": "rewrite", "criterion": "penetration", "reason": "r"}, "kind"),
    ({**STATEMENT, "criterion": ["penetration"]}, "criterion"),
    ({**STATEMENT, "criterion": "https://w3id.org/lcc/criteria/penetration"}, "criterion"),
    ({**STATEMENT, "criterion": "Penetration"}, "Penetration"),
])
def test_a_bad_proposal_is_refused_with_its_reason(client, riverside, body, words):
    body = {k: v for k, v in body.items() if v is not None}
    r = client.post("/framework/proposals", json=body, headers=riverside)
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "proposal_refused" and words in r.json()["message"], r.json()
    assert client.get("/framework/proposals").json()["count"] == 0


@pytest.mark.parametrize("raw", [b"", b"not json", b"[]", b"null", b'{"kind": ' * 5000, b"[" * 30_000, b"{\"a\":" * 3_000,
                                 b'{"kind": "statement"}'])
def test_malformed_bodies_are_400_and_huge_ones_413(client, riverside, raw):
    r = client.post("/framework/proposals", content=raw, headers={**riverside, "Content-Type": "application/json"})
    assert r.status_code in (400, 413), r.text
    assert r.json()["error"] in ("proposal_refused", "payload_too_large")


def test_huge_and_wrongly_typed_bodies(client, riverside):
    r = client.post("/framework/proposals", content=b"x" * 40_000, headers={**riverside, "Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post("/framework/proposals", content=b"kind=statement", headers={**riverside,
                                                                               "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    # the token is checked before the body is read: no token and a huge body is 401, not 413
    assert client.post("/framework/proposals", content=b"x" * 40_000,
                       headers={"Content-Type": "application/json"}).status_code == 401


def test_a_retired_criterion_cannot_be_proposed_about(stores):
    fw = P.read_framework(stores)
    fw.retired.add("balances")
    with pytest.raises(P.ProposalRefused, match="'balances' is retired"):
        P.check_proposal(fw, P.NewProposal(**{k: v for k, v in STATEMENT.items()} | {"criterion": "balances"}))


def test_wrong_methods_and_ids(client, riverside):
    assert client.put("/framework/proposals", json=STATEMENT, headers=riverside).status_code == 405
    assert client.delete("/framework/proposals/1", headers=riverside).status_code == 405
    assert client.get("/framework/drafts").status_code == 405
    for bad in ("0", "01", "-1", "1e3", "x", "99999999999", "1%0a"):
        assert client.get(f"/framework/proposals/{bad}").status_code == 404, bad
    assert client.get("/framework/proposals/7").status_code == 404
    assert client.get("/framework/proposals?status=merged").status_code == 400


def test_comments_from_any_community(client, riverside, hilltop):
    client.post("/framework/proposals", json=STATEMENT, headers=riverside)
    r = client.post("/framework/proposals/1/comments", json={"text": "We saw the same in Hilltop."}, headers=hilltop)
    assert r.status_code == 201, r.text
    assert r.json()["iri"] == "https://w3id.org/lcc/framework/proposals/1/comments/1"
    r = client.post("/framework/proposals/1/comments", json={"text": "תודה", "lang": "he"}, headers=riverside)
    assert r.status_code == 201
    one = client.get("/framework/proposals/1").json()
    assert [(c["community"], c["text"]["text"]) for c in one["comment_list"]] == [
        ("hilltop", "We saw the same in Hilltop."), ("riverside", "תודה")]
    assert one["comments"] == 2
    page = client.get("/framework/proposals/1", headers={"Accept": "text/html"}).text
    assert "We saw the same in Hilltop." in page and 'id="comment-2"' in page
    assert client.post("/framework/proposals/2/comments", json={"text": "x"}, headers=hilltop).status_code == 404
    assert client.post("/framework/proposals/1/comments", json={"text": ""}, headers=hilltop).status_code == 400
    assert client.post("/framework/proposals/1/comments", json={"text": "x" * 2001}, headers=hilltop).status_code == 400
    # markup is text: escaped on the page
    client.post("/framework/proposals/1/comments", json={"text": "<script>alert(1)</script>"}, headers=hilltop)
    page = client.get("/framework/proposals/1", headers={"Accept": "text/html"}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_a_community_has_a_daily_share(stores):
    limits = P.Limits(proposals_per_day=2, comments_per_day=2)
    now = dt.datetime(2027, 1, 2, 10, tzinfo=dt.timezone.utc)
    new = P.NewProposal(**STATEMENT)
    for _ in range(2):
        P.file_proposal(stores, "riverside", new, now=now, limits=limits)
    with pytest.raises(P.TooManyProposals) as caught:
        P.file_proposal(stores, "riverside", new, now=now, limits=limits)
    assert caught.value.details["retry_after"] == 14 * 3600
    P.file_proposal(stores, "hilltop", new, now=now, limits=limits)  # another community's share is its own
    P.file_proposal(stores, "riverside", new, now=now + dt.timedelta(days=1), limits=limits)
    for _ in range(2):
        P.add_comment(stores, 1, "hilltop", "yes", now=now, limits=limits)
    with pytest.raises(P.TooManyProposals):
        P.add_comment(stores, 2, "hilltop", "yes", now=now, limits=limits)
    assert len(P.list_proposals(stores)) == 4


def test_the_daily_share_answers_429_with_retry_after(client, riverside):
    for _ in range(P.LIMITS.proposals_per_day):
        assert client.post("/framework/proposals", json=STATEMENT, headers=riverside).status_code == 201
    r = client.post("/framework/proposals", json=STATEMENT, headers=riverside)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert r.json()["error"] == "too_many_proposals"


def _file_all(client, riverside, hilltop) -> None:
    for body, who in ((STATEMENT, riverside), (RETIREMENT, hilltop), (MERGE, hilltop), (QUESTION, riverside),
                      (EXAMPLE, riverside)):
        r = client.post("/framework/proposals", json=body, headers=who)
        assert r.status_code == 201, r.text


def test_a_draft_version_accepts_proposals(client, riverside, hilltop):
    _file_all(client, riverside, hilltop)
    r = client.post("/framework/drafts", json={"version": "1.1", "proposals": [1, 2, 3, 4, 5]}, headers=ADMIN)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    # the version node
    assert (V11, RDF.type, SKOS.ConceptScheme) in g and (V11, RDF.type, LCC.FrameworkVersion) in g
    assert (V11, OWL.versionInfo, Literal("1.1")) in g
    assert (V11, PROV.wasRevisionOf, URIRef("https://w3id.org/lcc/criteria/")) in g
    assert (V11, DCTERMS.issued, Literal(today, datatype=XSD.date)) in g
    assert g.value(V11, SKOS.changeNote).language == "en"
    assert set(g.objects(V11, LCC.acceptsProposal)) == {URIRef(P.proposal_iri(n)) for n in range(1, 6)}
    # kept criteria: 21 minus one merged and one retired
    kept = set(g.objects(V11, SKOS.hasTopConcept))
    assert len(kept) == 19 and CRIT.balances not in kept and CRIT.visibility not in kept
    assert all((c, SKOS.inScheme, V11) in g and (c, SKOS.topConceptOf, V11) in g for c in kept)
    # the new statement: penetration has 6 statements in 1.0
    st = URIRef("https://w3id.org/lcc/criteria/penetration/statements/7")
    assert set(g.predicate_objects(st)) == {
        (RDF.type, LCC.Statement), (RDF.value, Literal(STATEMENT["text"], lang="en")),
        (SCHEMA.position, Literal(7)), (LCC.introducedIn, V11)}
    assert (CRIT.penetration, LCC.statement, st) in g
    # the example, unsuccessful, with its lesson
    ex = URIRef("https://w3id.org/lcc/criteria/sharing/examples/1")
    assert set(g.predicate_objects(ex)) == {
        (RDF.type, LCC.Example), (RDF.value, Literal(EXAMPLE["text"], lang="en")), (LCC.successful, Literal(False)),
        (LCC.lesson, Literal(EXAMPLE["lesson"], lang="en")), (LCC.introducedIn, V11)}
    assert (CRIT.sharing, LCC.example, ex) in g
    # the crisis question
    q = URIRef("https://w3id.org/lcc/questions/crisis-1")
    assert (q, RDF.type, LCC.DialogueQuestion) in g and (q, LCC.stage, URIRef("https://w3id.org/lcc/stages/crisis")) in g
    assert (q, RDF.value, Literal(QUESTION["text"], lang="en")) in g and (q, LCC.criterion, CRIT.reflection) in g
    assert (q, SCHEMA.position, Literal(1)) in g and (q, LCC.introducedIn, V11) in g
    assert g.value(q, RDFS.label).language == "en"
    # the merge and the retirement
    assert set(g.predicate_objects(CRIT.visibility)) == {
        (OWL.deprecated, Literal(True)), (DCTERMS.isReplacedBy, CRIT.transparency), (LCC.retiredIn, V11),
        (SKOS.changeNote, Literal(MERGE["reason"], lang="en"))}
    assert (CRIT.transparency, DCTERMS.replaces, CRIT.visibility) in g
    assert set(g.predicate_objects(CRIT.balances)) == {
        (OWL.deprecated, Literal(True)), (LCC.retiredIn, V11), (SKOS.changeNote, Literal(RETIREMENT["reason"], lang="en"))}
    # nothing of the proposals' own terms leaks into the version, and nothing was stored
    assert not any(str(p).startswith(str(LCC) + "proposed") for p in g.predicates())
    assert {p["status"] for p in client.get("/framework/proposals").json()["proposals"]} == {"open"}


def test_a_draft_needs_the_admin_and_agreeing_proposals(client, riverside, hilltop):
    _file_all(client, riverside, hilltop)
    body = {"version": "1.1", "proposals": [1]}
    assert client.post("/framework/drafts", json=body).status_code == 401
    assert client.post("/framework/drafts", json=body, headers=riverside).status_code == 403
    assert client.post("/framework/drafts", json=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    for bad in ({"version": "one", "proposals": [1]}, {"version": "1.1", "proposals": []},
                {"version": "1.1", "proposals": ["1"]}, {"version": "1.1"}, {"version": "1.1", "proposals": [1], "x": 1},
                {"version": "1.1", "proposals": [1, 1]}):
        r = client.post("/framework/drafts", json=bad, headers=ADMIN)
        assert r.status_code in (400, 422), (bad, r.text)
    r = client.post("/framework/drafts", json={"version": "1.0", "proposals": [9]}, headers=ADMIN)
    assert r.status_code == 422
    assert "version 1.0 exists already" in r.text and "there is no proposal 9" in r.text
    # retiring a criterion and adding to it, or merging into a criterion retired at the same time
    r = community(client, "dale")
    client.post("/framework/proposals", json={**RETIREMENT, "criterion": "transparency"}, headers=r)
    client.post("/framework/proposals", json={**STATEMENT, "criterion": "balances"}, headers=r)
    r = client.post("/framework/drafts", json={"version": "1.1", "proposals": [2, 3, 6, 7]}, headers=ADMIN)
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert any("merges 'visibility' into 'transparency', which proposal 6 removes" in p for p in problems)
    assert any("adds a statement to 'balances', which proposal 2 removes" in p for p in problems)


def test_accepted_marks_the_proposals(stores):
    P.file_proposal(stores, "riverside", P.NewProposal(**STATEMENT))
    P.file_proposal(stores, "riverside", P.NewProposal(**RETIREMENT))
    graph, triples = P.accepted(stores, [P.proposal_iri(1), "https://w3id.org/lcc/framework/proposals/99"], str(V11))
    assert graph == "https://w3id.org/lcc/graphs/proposals"
    assert len(P.list_proposals(stores)) == 2 and P.get_proposal(stores, 1)["status"] == "open"  # nothing written
    stores.replace_graphs({graph: triples})
    one, two = P.list_proposals(stores)
    assert (one["status"], one["accepted_in"], one["version"]["href"]) == ("accepted", str(V11), "/framework/versions/1.1")
    assert two["status"] == "open" and two["accepted_in"] is None


def _has_publish() -> bool:
    """Whether the publisher (lcc_graph.framework_versions.publish, POST /framework/versions) is there."""
    try:
        module = importlib.import_module("lcc_graph.framework_versions")
        importlib.import_module("api.routes.framework")
    except ImportError:
        return False
    return hasattr(module, "publish")


@pytest.mark.skipif(not _has_publish(), reason="lcc_graph.framework_versions.publish / POST /framework/versions "
                                               "are not there yet")
def test_a_draft_is_published_and_its_proposals_accepted(client, riverside, hilltop):
    _file_all(client, riverside, hilltop)
    draft = client.post("/framework/drafts", json={"version": "1.1", "proposals": [1, 2, 4]}, headers=ADMIN)
    assert draft.status_code == 200, draft.text
    r = client.post("/framework/versions", content=draft.text.encode(),
                    headers={**ADMIN, "Content-Type": "text/turtle"})
    assert r.status_code == 201, r.text
    listed = {p["number"]: p for p in client.get("/framework/proposals").json()["proposals"]}
    assert [listed[n]["status"] for n in (1, 2, 3, 4, 5)] == ["accepted", "accepted", "open", "accepted", "open"]
    assert listed[1]["accepted_in"] == str(V11) and listed[1]["version"]["label"] == "1.1"
    page = client.get("/framework/proposals?lang=he", headers={"Accept": "text/html"}).text
    assert 'href="/framework/versions/1.1?lang=he"' in page
    # the retired criterion can no longer be proposed about
    r = client.post("/framework/proposals", json={**STATEMENT, "criterion": "balances"}, headers=riverside)
    assert r.status_code == 400 and "balances" in r.json()["message"]
