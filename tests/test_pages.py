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


@pytest.fixture
def token(client):
    """A token for the demo community 'nedelgate' (registered for the test through the admin API)."""
    r = client.post("/communities", json={"id": "nedelgate", "label": "Nedelgate"}, headers=ADMIN)
    assert r.status_code == 201, r.text
    r = client.post("/communities/nedelgate/tokens", headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def test_home_page_counts_and_ways_in(client):
    p = page(client, "/")
    assert p.root == {"lang": "en", "dir": "ltr"}
    assert "21 criteria" in p.text and "95 statements" in p.text and "12 communities" in p.text
    hrefs = {a["href"] for a in p.find("a")}
    assert {"/criteria", "/communities", "/queries", "/upload", "/sparql?format=html"} <= hrefs
    assert p.find("main", id="main") and p.find("nav") and p.find("a", class_="skip")
    assert client.get("/").json()["service"] == "lcc-graph"  # the API answer is unchanged


@pytest.mark.parametrize("lang, word", [("he", "קריטריונים"), ("ar", "المعايير")])
def test_hebrew_and_arabic_are_right_to_left(client, lang, word):
    for url in ("/", "/criteria", "/communities", "/communities/nedelgate", "/upload", "/queries", "/sparql"):
        p = page(client, f"{url}?lang={lang}")
        assert p.root == {"lang": lang, "dir": "rtl"}, url
        assert word in p.text, url
    by_header = client.get("/criteria", headers={**HTML, "Accept-Language": f"{lang},en;q=0.5"})
    assert f'dir="rtl"' in by_header.text and f'lang="{lang}"' in by_header.text


def test_language_links_keep_the_page_and_its_parameters(client):
    p = page(client, "/communities?sort=population&lang=he")
    langs = {a.get("hreflang"): a["href"] for a in p.find("a") if a.get("hreflang")}
    assert langs["en"] == "/communities?sort=population&lang=en"
    assert langs["ar"] == "/communities?sort=population&lang=ar"
    # links within the service keep the reader's language
    assert any(a["href"] == "/communities/nedelgate?lang=he" for a in p.find("a"))


def test_criteria_list_and_page(client):
    p = page(client, "/criteria")
    assert len(p.find("section", class_="criterion")) == 21
    assert len(p.find("li")) >= 95
    p = page(client, "/criteria/partnerships")
    assert "Partnership within one sector" in p.text
    assert "Warning" in p.text and "What to change:" in p.text
    assert "To what extent are different sectors collaborating" in p.text  # a dialogue question
    assert p.find("a", href="/communities/carnenwell")  # the communities' evidence
    assert page(client, "/criteria/partnerships?lang=he").root["dir"] == "rtl"


def test_communities_list_is_sortable(client):
    p = page(client, "/communities?sort=partners")
    table = p.find("table", id="communities")
    assert table and "sortable" in table[0]["class"]
    heads = p.find("th", scope="col")
    assert sum(1 for h in heads if h.get("data-sort") == "number") >= 6  # population, partners ... resources
    rows = [a["href"] for a in p.find("a") if re.fullmatch(r"/communities/[a-z0-9-]+", a["href"] or "")]
    assert len(rows) == 12
    assert rows[0] == "/communities/nedelgate"  # the most partners first


def test_community_page_draws_one_node_per_partner(client):
    partners = sparql_count(client, LCC + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/nedelgate> }""")
    p = page(client, "/communities/nedelgate")
    assert len(p.find("circle", class_="node")) == partners > 40
    assert len(p.find("text", class_="node-label")) == partners  # labels stay on at this size
    assert len(p.find("path", class_="edge")) > 0
    svg = p.find("svg", class_="network-svg")[0]
    assert svg["role"] == "img" and svg["aria-labelledby"]
    assert "Public sector" in p.text and "Private sector" in p.text and "Social sector" in p.text
    for heading in ("Partners by sector", "Partnership network", "Criteria findings", "Indicators within the peer group",
                    "Stage and dialogue"):
        assert heading in p.text
    assert p.find("a", href="/communities/nedelgate/dialogue")
    small = page(client, "/communities/stanerwick")
    assert len(small.find("circle", class_="node")) == sparql_count(client, LCC + """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
      ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/stanerwick> }""")


def test_network_page(client):
    p = page(client, "/communities/nedelgate/network")
    assert p.find("svg", class_="network-svg")
    assert "Show partnerships as nodes" in p.text
    b = page(client, "/communities/nedelgate/network?view=bipartite")
    assert b.find("rect", class_="partnership-node")


def test_dialogue_page_and_recording_an_answer(client, token):
    p = page(client, "/communities/nedelgate/dialogue")
    assert "Role model" in p.text  # nedelgate's stage in the demo
    assert p.find("form", id="answer-form")[0]["action"] == "/communities/nedelgate/answers"
    for field in ("question", "text", "token"):
        assert p.find("label", for_=field), field
    r = client.post("/communities/nedelgate/answers", headers=HTML, follow_redirects=False,
                    data={"question": "lc-3", "text": "A college, a bank and a sport club now meet monthly.", "token": token})
    assert r.status_code == 303 and r.headers["location"] == "/communities/nedelgate/dialogue?recorded=1"
    p = page(client, r.headers["location"])
    assert "Your answer was recorded." in p.text
    assert "A college, a bank and a sport club now meet monthly." in p.text
    wrong = client.post("/communities/nedelgate/answers", headers=HTML,
                        data={"question": "lc-3", "text": "x", "token": "not-a-token"})
    assert wrong.status_code in (401, 403) and "text/html" in wrong.headers["content-type"]


def test_upload_form_and_its_fallback(client):
    p = page(client, "/upload?community=nedelgate")
    form = p.find("form", id="upload-form")[0]
    assert form["enctype"] == "multipart/form-data" and form["method"] == "post"
    assert form["data-action-template"] == "/communities/{id}/data"
    for field in ("community", "token", "file"):
        assert p.find("label", for_=field), field
    assert p.find("input", id="community")[0]["value"] == "nedelgate"
    r = client.post("/upload", data={"community": "riverside", "token": "t"}, files={"file": ("a.ttl", b"", "text/turtle")},
                    follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/communities/riverside/data"
    bad = client.post("/upload", data={"community": "Not A Slug"}, headers=HTML)
    assert bad.status_code == 400 and "text/html" in bad.headers["content-type"]


def test_sparql_editor_and_the_protocol_unchanged(client):
    p = page(client, "/sparql")
    assert p.find("textarea", id="query") and p.find("label", for_="query")
    assert p.find("script", src="/static/sparql.js")
    assert p.find("select", id="examples")
    assert page(client, "/sparql?format=html&query=ASK%20%7B%7D").find("form", id="sparql-form")[0]["data-run-now"] == "true"
    r = client.get("/sparql")  # no Accept: the service description, as before
    assert r.headers["content-type"].startswith("text/turtle") and "sd:Service" in r.text
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True


def test_queries_pages(client):
    p = page(client, "/queries")
    assert p.find("h1")
    catalogue = client.app.state.catalogue
    if not len(catalogue):
        pytest.skip("the query catalogue is empty")
    q = next(iter(catalogue))
    listed = [a["href"] for a in p.find("a")]
    assert f"/queries/{q.id}" in listed
    qp = page(client, f"/queries/{q.id}?" + "&".join(f"{n}={p_.default}" for n, p_ in q.params.items() if p_.default))
    form = qp.find("form", id="query-form")[0]
    assert form["method"] == "get" and form["action"] == f"/queries/{q.id}"
    for name in q.params:
        assert qp.find("label", for_=f"p-{name}"), name
    assert qp.find("a", id="csv-link")


def test_errors_are_pages_for_browsers_and_json_for_programs(client):
    p = page(client, "/nowhere", 404)
    assert "Not found" in p.text and p.find("a", href="/")
    assert client.get("/nowhere").json() == {"error": "not_found", "message": "Not Found"}
    p = page(client, "/communities/atlantis", 404)
    assert "atlantis" in p.text
    body = client.get("/communities/atlantis").json()
    assert body["error"] == "not_found" and "atlantis" in body["message"]
    p = page(client, "/communities/atlantis?lang=ar", 404)
    assert p.root["dir"] == "rtl" and "غير موجود" in p.text
    r = client.get("/communities?sort=nonsense", headers=HTML)
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    assert client.get("/communities?sort=nonsense").json()["error"] == "bad_request"


@pytest.mark.parametrize("url", ["/", "/criteria", "/criteria/inclusion", "/communities", "/communities/nedelgate",
                                 "/communities/nedelgate/network", "/communities/nedelgate/dialogue", "/upload",
                                 "/queries", "/sparql", "/nowhere"])
def test_pages_load_nothing_from_elsewhere_and_are_labelled(client, url):
    r = client.get(url, headers=HTML)
    local_only(r.text)
    p = Page(r.text)
    assert p.find("main") and p.find("header") and p.find("footer")
    assert len(p.find("h1")) == 1
    ids = {a.get("id") for _, a in p.tags}
    for name, a in p.tags:  # every form control has a label
        if name in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            assert a.get("id") and p.find("label", for_=a["id"]), (url, a)
    assert "lang" in p.root and "dir" in p.root and ids


def test_static_files_are_served(client):
    for path in ("/static/style.css", "/static/app.js", "/static/sparql.js", "/static/favicon.svg"):
        r = client.get(path)
        assert r.status_code == 200, path
        local_only(r.text)
