"""The crosswalk to UNESCO's Key Features of Learning Cities (issue 16, item 4): the scheme, a
justified match for every criterion, the criterion pages, and the named query that reads a
community's findings in UNESCO's terms."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from lcc_graph.catalogue import default_catalogue
from lcc_graph.errors import OwnershipError
from lcc_graph.namespaces import community_base, community_graph
from lcc_graph.ownership import check_ownership, framework_terms
from lcc_graph.rdf_input import parse_rdf
from lcc_graph.views.unesco import crosswalk

REPO = Path(__file__).resolve().parents[1]
LCC = Namespace("https://w3id.org/lcc#")
SH = Namespace("http://www.w3.org/ns/shacl#")
CRIT = "https://w3id.org/lcc/criteria/"
KF = "https://w3id.org/lcc/unesco/key-features/"
CW = "https://w3id.org/lcc/unesco/crosswalk/"
SCHEME = URIRef(KF)
MATCHES = {SKOS.closeMatch: "closeMatch", SKOS.relatedMatch: "relatedMatch"}
CRITERIA = ("balances change diversity dynamics inclusion infrastructures innovation learning needs opportunities "
            "outreach participation partnerships penetration policy-making reflection sharing talent transparency "
            "value-codes visibility").split()
AREAS = {"1": "wider-benefits", "2": "building-blocks", "3": "fundamental-conditions"}
FEATURES = {
    "1.1": "empowerment-and-cohesion", "1.2": "economy-and-culture", "1.3": "sustainable-development",
    "2.1": "inclusive-education", "2.2": "families-and-communities", "2.3": "workplace-learning",
    "2.4": "learning-technologies", "2.5": "quality-of-learning", "2.6": "culture-of-learning",
    "3.1": "political-will", "3.2": "governance-and-participation", "3.3": "resources",
}
SCRIPT = {"he": re.compile("[\u0590-\u05ff]"), "ar": re.compile("[\u0600-\u06ff]")}
QUERY = "findings-in-unesco-terms"


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for name in ("criteria.ttl", "unesco.ttl"):
        g.parse(REPO / "ontology" / name, format="turtle")
    return g


def _texts(g: Graph, s, p) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for o in g.objects(s, p):
        assert isinstance(o, Literal)
        out[o.language or ""].append(str(o))
    return out


def _three_languages(texts: dict[str, list[str]], what: str) -> None:
    for lang in ("en", "he", "ar"):
        assert len(texts.get(lang, [])) == 1, f"{what}: one text @{lang}, found {texts.get(lang)}"
    for lang, script in SCRIPT.items():
        assert script.search(texts[lang][0]), f"{what}: the @{lang} text is not in its script"


def mapping(g: Graph) -> dict[tuple[str, str], str]:
    """(criterion slug, feature IRI) -> match type, from the asserted triples."""
    features = {str(f) for f in g.subjects(SKOS.broader, None) if (f, SKOS.inScheme, SCHEME) in g}
    pairs: dict[tuple[str, str], str] = {}
    for prop, name in MATCHES.items():
        for c, f in g.subject_objects(prop):
            if str(f) in features:
                assert (str(c)[len(CRIT):], str(f)) not in pairs, f"{c} {f}: one match type per pair"
                pairs[(str(c)[len(CRIT):], str(f))] = name
    return pairs


# ---------------------------------------------------------------- the scheme and the mappings


def test_the_scheme_has_the_three_areas_and_twelve_features(graph):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in graph
    assert graph.value(SCHEME, DCTERMS.source) is not None
    _three_languages(_texts(graph, SCHEME, SKOS.prefLabel), "scheme")
    tops = set(graph.objects(SCHEME, SKOS.hasTopConcept))
    assert tops == {URIRef(KF + slug) for slug in AREAS.values()}
    for notation, slug in AREAS.items():
        area = URIRef(KF + slug)
        assert (area, SKOS.topConceptOf, SCHEME) in graph and (area, SKOS.inScheme, SCHEME) in graph
        assert [str(n) for n in graph.objects(area, SKOS.notation)] == [notation]
        _three_languages(_texts(graph, area, SKOS.prefLabel), slug)
        _three_languages(_texts(graph, area, SKOS.definition), slug)
    members = {c for c in graph.subjects(SKOS.inScheme, SCHEME)}
    assert len(members) == 15
    for notation, slug in FEATURES.items():
        feature = URIRef(KF + slug)
        assert feature in members and (feature, RDF.type, SKOS.Concept) in graph
        assert [str(n) for n in graph.objects(feature, SKOS.notation)] == [notation]
        area = URIRef(KF + AREAS[notation.split(".")[0]])
        assert list(graph.objects(feature, SKOS.broader)) == [area]
        assert (area, SKOS.narrower, feature) in graph
        _three_languages(_texts(graph, feature, SKOS.prefLabel), slug)
        _three_languages(_texts(graph, feature, SKOS.definition), slug)
    english = {str(x) for x in graph.objects(URIRef(KF + "culture-of-learning"), SKOS.prefLabel) if x.language == "en"}
    assert english == {"A vibrant culture of learning throughout life"}


def test_every_criterion_has_a_justified_match_to_a_feature(graph):
    pairs = mapping(graph)
    assert {c for c, _ in pairs} == set(CRITERIA)
    features = {KF + slug for slug in FEATURES.values()}
    assert {f for _, f in pairs} <= features
    axioms = set(graph.subjects(RDF.type, OWL.Axiom))
    annotated = {}
    for a in axioms:
        c, prop, f = (graph.value(a, OWL[p]) for p in ("annotatedSource", "annotatedProperty", "annotatedTarget"))
        key = (str(c)[len(CRIT):], str(f))
        assert key not in annotated, f"two axioms for {key}"
        assert str(a) == f"{CW}{key[0]}/{str(f)[len(KF):]}"
        assert (c, prop, f) in graph, f"{a} annotates a mapping that is not stated"
        assert (a, RDFS.isDefinedBy, URIRef(CW)) in graph
        annotated[key] = MATCHES[prop]
        _three_languages(_texts(graph, a, LCC.justification), str(a))
    assert annotated == pairs, "every stated mapping has exactly one annotating axiom"
    english = [str(j) for j in graph.objects(None, LCC.justification) if j.language == "en"]
    assert len(english) == len(set(english)) == len(pairs) >= 21, "one justification per pair, none repeated"
    assert all(len(j) >= 120 for j in english), "justifications are one or two substantive sentences"


def test_the_wider_benefits_are_only_related_matches(graph):
    """Area 1 names outcomes; the criteria judge how a community works, never outcomes or topics."""
    benefits = {str(f) for f in graph.objects(URIRef(KF + "wider-benefits"), SKOS.narrower)}
    pairs = mapping(graph)
    assert {t for (_, f), t in pairs.items() if f in benefits} == {"relatedMatch"}
    assert "closeMatch" in pairs.values()


def test_each_justification_names_its_criterion_or_its_statements(graph):
    """Grounded in the criterion: the English justification names the criterion (its seed
    heading) or quotes words of its statements."""
    for a in graph.subjects(RDF.type, OWL.Axiom):
        c = graph.value(a, OWL.annotatedSource)
        text = str(next(j for j in graph.objects(a, LCC.justification) if j.language == "en")).lower()
        heading = str(c)[len(CRIT):].replace("-", " ")
        statements = " ".join(str(graph.value(s, RDF.value)).lower() for s in graph.objects(c, LCC.statement))
        words = {w for w in re.findall(r"[a-z]{6,}", text) if w in statements}
        assert heading in text or len(words) >= 3, (str(a), words)


def test_the_documented_table_is_the_crosswalk(graph):
    """docs/unesco.md's table: one row per pair, with its match type and English justification."""
    rows = set()
    for line in (REPO / "docs" / "unesco.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d\.\d .+", cells[1]):
            rows.add(tuple(cells))
    expected = set()
    for a in graph.subjects(RDF.type, OWL.Axiom):
        c, prop, f = (graph.value(a, OWL[p]) for p in ("annotatedSource", "annotatedProperty", "annotatedTarget"))
        english = {p: next(str(x) for x in graph.objects(s, SKOS.prefLabel) if x.language == "en")
                   for p, s in (("c", c), ("f", f))}
        justification = next(str(j) for j in graph.objects(a, LCC.justification) if j.language == "en")
        expected.add((english["c"], f"{graph.value(f, SKOS.notation)} {english['f']}",
                      MATCHES[prop].removesuffix("Match"), justification))
    assert rows == expected


def test_the_crosswalk_adds_no_framework_class_and_uploads_cannot_state_it():
    terms = framework_terms()
    assert OWL.Axiom not in {URIRef(c) for c in terms.classes}
    prefix = (b"@prefix lcc: <https://w3id.org/lcc#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
              b"@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix kf: <https://w3id.org/lcc/unesco/key-features/> .\n")
    for body in (b"<x> lcc:community <../me> ; skos:relatedMatch kf:resources .",
                 b"<x> lcc:community <../me> ; a owl:Axiom ; owl:annotatedTarget kf:resources .",
                 b"<https://w3id.org/lcc/unesco/crosswalk/balances/resources> lcc:community <../me> ; "
                 b"lcc:justification 'forged'@en ."):
        triples = parse_rdf(prefix + body, "text/turtle", base_iri=community_base("me")).triples
        with pytest.raises(OwnershipError):
            check_ownership(triples, "me")


# ---------------------------------------------------------------- the view and the pages


def test_the_view_reads_each_criterion_in_the_readers_language(stores, graph):
    pairs = mapping(graph)
    for slug in CRITERIA:
        english = crosswalk(stores, CRIT + slug, "en")
        assert [(slug, e["feature"]) for e in english] == sorted(
            ((c, f) for c, f in pairs if c == slug), key=lambda p: [int(n) for n in _notation(graph, p[1]).split(".")])
        for e in english:
            assert e["match"] == pairs[(slug, e["feature"])]
            assert e["scheme"] == "UNESCO's Key Features of Learning Cities"
            assert e["label"] and e["area_label"] and e["justification"] and e["match_label"]
            assert e["notation"] == _notation(graph, e["feature"])
        for lang, script in SCRIPT.items():
            for e in crosswalk(stores, CRIT + slug, lang):
                for key in ("label", "area_label", "justification", "scheme", "match_label"):
                    assert script.search(e[key]), (slug, lang, key, e[key])
    assert crosswalk(stores, CRIT + "no-such-criterion", "en") == []


def _notation(g: Graph, feature: str) -> str:
    return str(g.value(URIRef(feature), SKOS.notation))


def test_the_criterion_answer_carries_the_crosswalk(client, graph):
    body = client.get("/criteria/inclusion", params={"format": "json"}).json()
    unesco = body["unesco"]
    assert [(e["notation"], e["match"]) for e in unesco] == [("1.1", "relatedMatch"), ("2.1", "closeMatch")]
    close = unesco[1]
    assert close["feature"] == KF + "inclusive-education"
    assert close["label"] == "Inclusive learning in the education system"
    assert close["area_label"] == "Major building blocks of a learning city"
    assert close["justification"].startswith("INCLUSION asks that inclusion be designed")
    hebrew = client.get("/criteria/inclusion", params={"format": "json", "lang": "he"}).json()["unesco"]
    assert [e["feature"] for e in hebrew] == [e["feature"] for e in unesco]
    assert hebrew[1]["label"] == "למידה מכלילה במערכת החינוך"
    assert hebrew[1]["scheme"] == "המאפיינים המרכזיים של ערים לומדות לפי אונסק״ו"
    assert SCRIPT["he"].search(hebrew[1]["justification"]) and hebrew[1]["match_label"] == "התאמה קרובה"


def test_the_criterion_page_shows_the_crosswalk(client):
    html = {"Accept": "text/html"}
    page = client.get("/criteria/inclusion", headers=html).text
    assert '<h2 id="unesco"' in page and "UNESCO&#39;s Key Features of Learning Cities" in page
    assert "Inclusive learning in the education system" in page and "close match" in page
    assert "in open collaboration with them; the feature asks the same" in page
    arabic = client.get("/criteria/inclusion", params={"lang": "ar"}, headers=html).text
    assert "السمات الرئيسية للمدن المتعلمة لدى اليونسكو" in arabic and "التعلم الدامج في منظومة التعليم" in arabic
    assert "تطابق وثيق" in arabic
    for slug in ("balances", "value-codes", "visibility"):
        assert 'id="unesco"' in client.get(f"/criteria/{slug}", headers=html).text


# ---------------------------------------------------------------- the named query


def test_the_query_is_in_the_catalogue_with_a_required_community():
    q = default_catalogue().get(QUERY)
    assert q.params["community"].required and q.params["community"].type == "iri"
    assert q.variables == ("community", "area", "feature", "notation", "label", "findings", "warnings", "info",
                           "criteria")


def test_the_criteria_list_is_long_enough_for_every_feature(graph):
    """The query spells out the criteria of rank 0, 1, ... (a list in a fixed order): as many as
    there are criteria, at least as many as any feature has."""
    ranks = {int(n) for n in re.findall(r"COALESCE\(\?rank, -1\) = (\d+)", default_catalogue().get(QUERY).text)}
    per_feature = defaultdict(int)
    for _, f in mapping(graph):
        per_feature[f] += 1
    assert ranks == set(range(len(ranks))) and len(ranks) >= len(CRITERIA) >= max(per_feature.values())


def _expected(stores, community: str, pairs: dict[tuple[str, str], str]) -> tuple[dict[str, dict], int]:
    """Per feature IRI: the community's stored findings that its matched criteria raised, by severity,
    and the criteria they come from; and the number of (finding, feature) pairs, each finding once
    per feature its criterion matches. From the findings graph's triples and the mapping, no SPARQL."""
    triples = stores.public.get_graph(community_graph(community.rsplit("/", 1)[1], "findings"))
    props: dict = defaultdict(lambda: defaultdict(set))
    for t in triples:
        props[t.subject][t.predicate.value].add(t.object.value)
    features_of: dict[str, list[str]] = defaultdict(list)
    for (slug, feature) in pairs:
        features_of[CRIT + slug].append(feature)
    out: dict[str, dict] = {KF + slug: {"findings": set(), "Warning": set(), "Info": set(), "criteria": set()}
                            for slug in FEATURES.values()}
    total = 0
    for node, p in props.items():
        if str(SH.ValidationResult) not in p[str(RDF.type)] or p[str(LCC.community)] != {community}:
            continue
        features = {f for c in p[str(LCC.criterion)] for f in features_of.get(c, ())}
        total += len(features)
        for criterion in p[str(LCC.criterion)]:
            for feature in features_of.get(criterion, ()):
                out[feature]["findings"].add(node)
                for severity in p[str(SH.resultSeverity)]:
                    out[feature].setdefault(severity.rsplit("#", 1)[1], set()).add(node)
                out[feature]["criteria"].add(criterion[len(CRIT):])
    return out, total


def test_the_query_reads_every_demo_communitys_findings_in_unesco_terms(client, graph):
    stores = client.app.state.stores
    communities = [r["c"] for r in stores.query_public(
        "SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } ORDER BY ?c").values()]
    assert len(communities) == 12
    pairs = mapping(graph)
    read = 0
    for community in communities:
        r = client.get(f"/queries/{QUERY}", params={"community": community, "format": "json"})
        assert r.status_code == 200, r.text
        rows = r.json()["rows"]
        assert [row["notation"] for row in rows] == sorted(FEATURES, key=lambda n: [int(p) for p in n.split(".")])
        expected, total = _expected(stores, community, pairs)
        for row in rows:
            assert row["community"] == community
            assert row["area"] == KF + AREAS[row["notation"][0]] and row["feature"] == KF + FEATURES[row["notation"]]
            want = expected[row["feature"]]
            got = (int(row["findings"]), int(row["warnings"]), int(row["info"]), row.get("criteria") or "")
            assert got == (len(want["findings"]), len(want["Warning"]), len(want["Info"]),
                           " ".join(sorted(want["criteria"]))), (community, row["notation"])
            assert int(row["findings"]) == int(row["warnings"]) + int(row["info"])
        # the rows add up to the community's mapped findings, each once per feature its criterion matches
        assert sum(int(row["findings"]) for row in rows) == total
        read += total
    assert read > 0, "the demo communities have findings to read"


def test_the_query_without_a_community_is_refused(client):
    assert client.get(f"/queries/{QUERY}", params={"format": "json"}).status_code == 400


def test_the_query_answers_the_same_with_and_without_substitutions(demo_copy):
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        q = default_catalogue().get(QUERY)
        for community in [r["c"] for r in stores.query_public(
                "SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } ORDER BY ?c").values()]:
            plain = stores.query_public(q.bind({"community": community}))
            assert q.run(stores, {"community": community}).data == plain.data
            assert len(plain.rows()) == 12
            assert all(isinstance(r["criteria"], ox.Literal) for r in plain.rows())
    finally:
        stores.close()
