"""The pages for people, through the app (TestClient): what each page says, in which language,
and that every error a browser meets is a page while the API keeps its JSON."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ADMIN = {"Authorization": "Bearer admin-secret"}
LCC = "PREFIX lcc: <https://w3id.org/lcc#>\n"


class Page(HTMLParser):
    """Just enough of a page: the html element's attributes, tags with attributes, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.root = attrs
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        found = []
        for name, a in self.tags:
            if name != tag:
                continue
            if all((a.get(k.rstrip("_")) or "").split().count(v) if k.rstrip("_") == "class" else a.get(k.rstrip("_")) == v
                   for k, v in attrs.items()):
                found.append(a)
        return found


def page(client, url: str, status: int = 200) -> Page:
    r = client.get(url, headers=HTML)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return Page(r.text)


def sparql_count(client, query: str) -> int:
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.text
    binding = r.json()["results"]["bindings"][0]
    return int(next(iter(binding.values()))["value"])


def local_only(text: str) -> None:
    """No script, style, image or frame from another host, and no link to a stylesheet elsewhere."""
    assert not re.search(r"""<(script|img|iframe|link|source|video|audio)\b[^>]*\b(src|href)=["']?(https?:)?//""", text, re.I)
    assert "@import" not in text and "url(http" not in text


@pytest.fixture(scope="module")
def site(demo_dir, tmp_path_factory):
    """One app over a copy of the demo data, shared by the tests that only read."""
    import shutil

    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    data = tmp_path_factory.mktemp("pages") / "data"
    shutil.copytree(demo_dir, data)
    with TestClient(create_app(Settings(data_dir=data, admin_token="admin-secret"))) as c:
        yield c


@pytest.fixture
def token(client):
    """A token for the demo community 'nedelgate' (registered through the admin API if need be)."""
    r = client.post("/communities", json={"id": "nedelgate", "label": "Nedelgate"}, headers=ADMIN)
    assert r.status_code in (201, 409), r.text  # the demo load may have registered it
    r = client.post("/communities/nedelgate/tokens", headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_home_page_counts_and_ways_in(site):
    p = page(site, "/")
    assert p.root == {"lang": "en", "dir": "ltr"}
    assert "21 criteria" in p.text and "95 statements" in p.text and "12 communities" in p.text
    hrefs = {a["href"] for a in p.find("a")}
    assert {"/criteria?lang=en", "/communities?lang=en", "/queries?lang=en", "/upload?lang=en",
            "/sparql?format=html&lang=en"} <= hrefs
    assert p.find("main", id="main") and p.find("nav") and p.find("a", class_="skip")
    assert site.get("/").json()["service"] == "lcc-graph"  # the API answer is unchanged


@pytest.mark.parametrize("lang, word", [("he", "קריטריונים"), ("ar", "المعايير")])
def test_hebrew_and_arabic_are_right_to_left(site, lang, word):
    for url in ("/", "/criteria", "/communities", "/communities/nedelgate", "/upload", "/queries", "/sparql"):
        p = page(site, f"{url}?lang={lang}")
        assert p.root == {"lang": lang, "dir": "rtl"}, url
        assert word in p.text, url
    by_header = site.get("/criteria", headers={**HTML, "Accept-Language": f"{lang},en;q=0.5"})
    assert f'dir="rtl"' in by_header.text and f'lang="{lang}"' in by_header.text


def test_language_links_keep_the_page_and_its_parameters(site):
    p = page(site, "/communities?sort=population&lang=he")
    langs = {a.get("hreflang"): a["href"] for a in p.find("a") if a.get("hreflang")}
    assert langs["en"] == "/communities?sort=population&lang=en"
    assert langs["ar"] == "/communities?sort=population&lang=ar"
    # links within the service keep the reader's language
    assert any(a["href"] == "/communities/nedelgate?lang=he" for a in p.find("a"))


def test_criteria_list_and_page(site):
    p = page(site, "/criteria")
    assert len(p.find("section", class_="criterion")) == 21
    assert len(p.find("li")) >= 95
    p = page(site, "/criteria/partnerships")
    assert "Partnership within one sector" in p.text
    assert "Warning" in p.text and "What to change:" in p.text
    assert "To what extent are different sectors collaborating" in p.text  # a dialogue question
    assert p.find("a", href="/communities/carnenwell?lang=en")  # the communities' evidence
    assert page(site, "/criteria/partnerships?lang=he").root["dir"] == "rtl"


def test_communities_list_is_sortable(site):
    p = page(site, "/communities?sort=partners")
    table = p.find("table", id="communities")
    assert table and "sortable" in table[0]["class"]
    heads = p.find("th", scope="col")
    assert sum(1 for h in heads if h.get("data-sort") == "number") >= 6  # population, partners ... resources
    rows = [a["href"] for a in p.find("a") if re.fullmatch(r"/communities/[a-z0-9-]+\?lang=en", a["href"] or "")]
    assert len(rows) == 12
    assert rows[0] == "/communities/nedelgate?lang=en"  # the most partners first


def test_community_page_draws_one_node_per_partner(site):
    partners = sparql_count(site, LCC + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/nedelgate> }""")
    p = page(site, "/communities/nedelgate")
    assert len(p.find("circle", class_="node")) == partners > 40
    assert len(p.find("text", class_="node-label")) == partners  # labels stay on at this size
    assert len(p.find("path", class_="edge")) > 0
    svg = p.find("svg", class_="network-svg")[0]
    assert svg["role"] == "img" and svg["aria-labelledby"]
    assert "Public sector" in p.text and "Private sector" in p.text and "Social sector" in p.text
    for heading in ("Partners by sector", "Partnership network", "Criteria findings", "Indicators within the peer group",
                    "Stage and dialogue"):
        assert heading in p.text
    assert p.find("a", href="/communities/nedelgate/dialogue?lang=en")
    small = page(site, "/communities/stanerwick")
    assert len(small.find("circle", class_="node")) == sparql_count(site, LCC + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/stanerwick> }""")


def test_network_page(site):
    p = page(site, "/communities/nedelgate/network")
    assert p.find("svg", class_="network-svg")
    assert "Show partnerships as nodes" in p.text
    b = page(site, "/communities/nedelgate/network?view=bipartite")
    assert b.find("rect", class_="partnership-node")


def test_dialogue_page_and_recording_an_answer(client, token):
    p = page(client, "/communities/nedelgate/dialogue")
    assert "Role model" in p.text  # nedelgate's stage in the demo
    assert p.find("form", id="answer-form")[0]["action"] == "/communities/nedelgate/answers"
    for field in ("question", "text", "token"):
        assert p.find("label", for_=field), field
    r = client.post("/communities/nedelgate/answers", headers=HTML, follow_redirects=False,
                    data={"question": "lc-3", "text": "A college, a bank and a sport club now meet monthly.", "token": token})
    assert r.status_code == 303 and r.headers["location"] == "/communities/nedelgate/dialogue?recorded=1&lang=en"
    p = page(client, r.headers["location"])
    assert "Your answer was recorded." in p.text
    assert "A college, a bank and a sport club now meet monthly." in p.text
    wrong = client.post("/communities/nedelgate/answers", headers=HTML,
                        data={"question": "lc-3", "text": "x", "token": "not-a-token"})
    assert wrong.status_code in (401, 403) and "text/html" in wrong.headers["content-type"]


def test_upload_form_and_its_fallback(site):
    p = page(site, "/upload?community=nedelgate")
    form = p.find("form", id="upload-form")[0]
    assert form["enctype"] == "multipart/form-data" and form["method"] == "post"
    assert form["data-action-template"] == "/communities/{id}/data"
    for field in ("community", "token", "file"):
        assert p.find("label", for_=field), field
    assert p.find("input", id="community")[0]["value"] == "nedelgate"
    r = site.post("/upload", data={"community": "riverside", "token": "t"}, files={"file": ("a.ttl", b"", "text/turtle")},
                    follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/communities/riverside/data"
    bad = site.post("/upload", data={"community": "Not A Slug"}, headers=HTML)
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]


def test_sparql_editor_and_the_protocol_unchanged(site):
    p = page(site, "/sparql")
    assert p.find("textarea", id="query") and p.find("label", for_="query")
    assert p.find("script", src="/static/sparql.js")
    assert p.find("select", id="examples")
    assert page(site, "/sparql?format=html&query=ASK%20%7B%7D").find("form", id="sparql-form")[0]["data-run-now"] == "true"
    r = site.get("/sparql")  # no Accept: the service description, as before
    assert r.headers["content-type"].startswith("text/turtle") and "sd:Service" in r.text
    r = site.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True


def test_queries_pages(site):
    p = page(site, "/queries")
    assert p.find("h1")
    catalogue = site.app.state.catalogue
    if not len(catalogue):
        pytest.skip("the query catalogue is empty")
    q = next(iter(catalogue))
    listed = [a["href"] for a in p.find("a")]
    assert f"/queries/{q.id}?lang=en" in listed
    qp = page(site, f"/queries/{q.id}?" + "&".join(f"{n}={p_.default}" for n, p_ in q.params.items() if p_.default))
    form = qp.find("form", id="query-form")[0]
    assert form["method"] == "get" and form["action"] == f"/queries/{q.id}"
    for name in q.params:
        assert qp.find("label", for_=f"p-{name}"), name
    assert qp.find("a", id="csv-link")


def test_errors_are_pages_for_browsers_and_json_for_programs(site):
    p = page(site, "/nowhere", 404)
    assert "Not found" in p.text and p.find("a", href="/?lang=en")
    assert site.get("/nowhere").json() == {"error": "not_found",
                                           "message": "nothing is served at /nowhere: see /communities, /criteria or /ontology"}
    p = page(site, "/communities/atlantis", 404)
    assert "atlantis" in p.text
    body = site.get("/communities/atlantis").json()
    assert body["error"] == "not_found" and "atlantis" in body["message"]
    p = page(site, "/communities/atlantis?lang=ar", 404)
    assert p.root["dir"] == "rtl" and "غير موجود" in p.text
    r = site.get("/communities?sort=nonsense", headers=HTML)
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    assert site.get("/communities?sort=nonsense").json()["error"] == "bad_request"


@pytest.mark.parametrize("url", ["/", "/criteria", "/criteria/inclusion", "/communities", "/communities/nedelgate",
                                 "/communities/nedelgate/network", "/communities/nedelgate/dialogue", "/upload",
                                 "/queries", "/sparql", "/nowhere"])
def test_pages_load_nothing_from_elsewhere_and_are_labelled(site, url):
    r = site.get(url, headers=HTML)
    local_only(r.text)
    p = Page(r.text)
    assert p.find("main") and p.find("header") and p.find("footer")
    assert len(p.find("h1")) == 1
    ids = {a.get("id") for _, a in p.tags}
    for name, a in p.tags:  # every form control has a label
        if name in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            assert a.get("id") and p.find("label", for_=a["id"]), (url, a)
    assert "lang" in p.root and "dir" in p.root and ids


def test_static_files_are_served(site):
    for path in ("/static/style.css", "/static/app.js", "/static/sparql.js", "/static/favicon.svg"):
        r = site.get(path)
        assert r.status_code == 200, path
        local_only(r.text)


def test_indicators_show_as_bands_within_the_peer_group_not_a_league_table(client):
    """Each indicator of the community's assessment is a band within its peer group, one per normalisation."""
    from lcc_graph.indicators import assess_all

    stores = client.app.state.stores
    if "No indicators yet" in page(client, "/communities/nedelgate").text:  # demo data without assessments
        assert assess_all(stores) == 12
        stores.publish()
    p = page(client, "/communities/nedelgate")
    assert "too few peers to compare" not in p.text  # the largest community has its 10 nearest too
    assert "the 10 communities nearest" in p.text
    links = [a["href"] for a in p.find("a") if "peers=" in (a.get("href") or "")]
    assert links == ["/communities/nedelgate?peers=5&lang=en#indicators",
                     "/communities/nedelgate?peers=20&lang=en#indicators"]
    p = page(client, "/communities/birchenmere?peers=5")
    assert "the 5 communities nearest" in p.text
    rows = p.find("tr", class_="band-row")
    assert len(rows) >= 10
    tracks = p.find("span", class_="band-track")
    assert tracks and all(t["role"] == "img" and t["aria-label"] for t in tracks)
    placed = len(p.find("span", class_="here"))
    few = sum(1 for t in tracks if "few" in t["class"].split())
    # one quarter marked per band; "few" only where fewer than 5 of the 5 nearest have a value
    assert placed + few == len(tracks) and placed > few
    assert "Cross-sector partnerships" in p.text and "Per 1,000 inhabitants" in p.text
    # the community's own figures, beside its bands: "1 of 2 (50 %)"
    body = client.get("/communities/birchenmere/assessment").json()
    shares = [i for i in body["indicators"] if i["base"]]
    assert shares and all(i["share"] == round(100 * i["count"] / i["base"]) for i in shares)
    assert len(p.find("td", class_="own")) == len(rows)
    assert all(f"{i['count']} of {i['base']} ({i['share']} %)" in p.text for i in shares)
    # and what its resources predict: one verdict cell per row, the words of each verdict given
    assert len(p.find("td", class_="given-resources")) == len(rows)
    words = {"above": "above what its resources predict", "as-expected": "as its resources predict",
             "below": "below what its resources predict"}
    given = {i["verdict"] for i in body["indicators"] if i["verdict"]}
    assert given and all(words[v] in p.text for v in given)
    section = p.text[p.text.index("Indicators within the peer group"):]
    section = section[:section.index("Stage and dialogue")]
    others = [c for c in client.get("/communities").json()["communities"] if c["id"] != "birchenmere"]
    assert not any(c["label"] in section for c in others)  # no other community is named


def _request(app, path: str = "/validate", query: str = ""):
    from starlette.requests import Request

    return Request({"type": "http", "app": app, "method": "POST", "path": path, "raw_path": path.encode(),
                    "query_string": query.encode(), "headers": [(b"accept", b"text/html"), (b"host", b"testserver")],
                    "scheme": "http", "server": ("testserver", 80), "root_path": ""})


def _demo_upload(cid: str, extra: str = "") -> list:
    import pyoxigraph as ox

    from lcc_graph import demo

    smallest = min(demo.generate(12, 0), key=lambda c: len(c.triples))
    text = ox.serialize(smallest.triples, format=ox.RdfFormat.N_TRIPLES).decode()
    text = text.replace(f"https://w3id.org/lcc/communities/{smallest.id}", f"https://w3id.org/lcc/communities/{cid}")
    return list(ox.parse((text + extra).encode(), format=ox.RdfFormat.N_TRIPLES))


LONELY = """<https://w3id.org/lcc/communities/riverside/partnerships/lonely> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/lcc#Partnership> .
<https://w3id.org/lcc/communities/riverside/partnerships/lonely> <https://w3id.org/lcc#community> <https://w3id.org/lcc/communities/riverside> .
<https://w3id.org/lcc/communities/riverside/partnerships/lonely> <http://www.w3.org/2000/01/rdf-schema#label> "A partnership of one"@en .
<https://w3id.org/lcc/communities/riverside/partnerships/lonely> <http://www.w3.org/ns/org#hasMember> <https://w3id.org/lcc/communities/riverside/partners/1> .
"""


def test_report_page_groups_by_criterion_and_shape(site):
    """A rejected report: the verdict, counts by severity, structure first, each result with its node's
    label, the message and the hint, and downloads as Turtle and JSON built into the page."""
    from urllib.parse import unquote

    import pyoxigraph as ox

    from api.pages import render
    from lcc_graph.validation import validate

    report = validate(_demo_upload("riverside", LONELY), "riverside").to_json()
    assert report["conforms"] is False
    response = render(_request(site.app), "report.html", "en", status_code=422, community="riverside",
                      accepted=False, report=report)
    assert response.status_code == 422
    p = Page(response.body.decode())
    assert p.find("p", id="verdict")[0]["data-verdict"] == "rejected"
    counts = {li["data-severity"] for li in p.find("li") if li.get("data-severity")}
    assert counts == {"Violation", "Warning", "Info"}
    assert f"Violation {report['counts']['Violation']}" in p.text
    groups = p.find("section", class_="finding-group")
    assert len(groups) == len(report["criteria"])
    assert p.text.index("Structure (what the data must be)") < p.text.index("Partnerships")
    assert "A partnership of one" in p.text and "What to change:" in p.text
    assert p.find("a", href="/criteria/partnerships?lang=en")
    shapes = sum(len(g["shapes"]) for g in report["criteria"])
    assert len(p.find("details", class_="shape-results")) == shapes
    turtle = p.find("a", id="download-turtle")[0]["href"]
    assert turtle.startswith("data:text/turtle")
    parsed = list(ox.parse(unquote(turtle.split(",", 1)[1]).encode(), format=ox.RdfFormat.TURTLE))
    results = [t for t in parsed if t.predicate.value.endswith("#result")]
    assert len(results) == sum(report["counts"].values())
    assert p.find("a", id="download-json")[0]["href"].startswith("data:application/json")

    accepted = validate(_demo_upload("riverside"), "riverside").to_json()
    page_ = Page(render(_request(site.app, query="lang=he"), "report.html", "en", community="riverside", accepted=True,
                        report=accepted, version={"version": 1, "triples": 250}).body.decode())
    assert page_.find("p", id="verdict")[0]["data-verdict"] == "accepted"
    assert page_.root["dir"] == "rtl" and "התקבל" in page_.text


def test_community_findings_are_read_from_its_findings_graph(client):
    import pyoxigraph as ox

    from lcc_graph import demo
    from lcc_graph.namespaces import community_graph
    from lcc_graph.validation import validate

    smallest = min(demo.generate(12, 0), key=lambda c: len(c.triples))
    report = validate(smallest.triples, smallest.id)
    assert report.conforms and report.findings
    client.app.state.stores.replace_graphs({community_graph(smallest.id, "findings"): report.findings_triples()})
    p = page(client, f"/communities/{smallest.id}")
    groups = p.find("section", class_="finding-group")
    criteria = {r.criterion for r in report.findings}
    assert len(groups) == len(criteria)
    for slug in criteria:
        assert p.find("a", href=f"/criteria/{slug}?lang=en"), slug
    assert len(p.find("details", class_="shape-results")) == len({r.source_shape for r in report.findings})
    items = sum(1 for name, a in p.tags if name == "span" and "node" in (a.get("class") or "").split())
    assert items == len(report.findings)
    assert "What to change:" in p.text
    assert isinstance(report.findings[0].focus_node, (ox.NamedNode, ox.BlankNode))
