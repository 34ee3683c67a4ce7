"""The pages in a real browser: headless Chromium (Debian's ``chromium``) against a live uvicorn.

Every page the browser opens is checked for requests to other hosts (none are allowed), and
screenshots go to ``tests/artifacts/``. Never ``playwright install``: the system browser is used.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from .conftest import require, require_program
from .servers import free_port, running

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
ADMIN_TOKEN = "browser-admin-secret"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
LCC = "https://w3id.org/lcc/"


def _chromium() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path is None:
        require_program("chromium")
    return path  # type: ignore[return-value]


@pytest.fixture(scope="module")
def server(demo_dir, tmp_path_factory):
    """A live service over a copy of the demo data, on a free loopback port."""
    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(demo_dir, data)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "LCC_DATA_DIR": str(data), "LCC_ADMIN_TOKEN": ADMIN_TOKEN, "LCC_QUERY_WORKERS": "1"}
    cmd = [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--host", "127.0.0.1",
           "--port", str(port)]
    with running(cmd, base + "/health", cwd=Path(__file__).resolve().parents[1], env=env):
        yield base


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, the system's own."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extras install it
        require(False, "the playwright package is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request it makes; none may leave the service."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    yield pg
    context.close()
    service = urlsplit(server).netloc
    elsewhere = [u for u in requests if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).netloc != service]
    assert requests and not elsewhere, f"requests to other hosts: {elsewhere}"


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sparql_count(base: str, query: str) -> int:
    r = httpx.post(base + "/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    r.raise_for_status()
    binding = r.json()["results"]["bindings"][0]
    return int(next(iter(binding.values()))["value"])


def community_token(base: str, cid: str, label: str) -> str:
    """Register a community (if need be) and issue it a token, through the admin API."""
    r = httpx.post(base + "/communities", json={"id": cid, "label": label}, headers=ADMIN)
    assert r.status_code in (201, 409), r.text
    r = httpx.post(f"{base}/communities/{cid}/tokens", headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def community_turtle(cid: str, label: str) -> str:
    """The smallest demo community's data, moved to another community id and label (N-Triples is Turtle)."""
    import pyoxigraph as ox

    from lcc_graph import demo

    smallest = min(demo.generate(12, 0), key=lambda c: len(c.triples))
    me = ox.NamedNode(f"{LCC}communities/{smallest.id}")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = [t for t in smallest.triples if not (t.subject == me and t.predicate == rdfs_label)]
    triples.append(ox.Triple(me, rdfs_label, ox.Literal(label, language="en")))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return text.replace(f"{LCC}communities/{smallest.id}", f"{LCC}communities/{cid}")


def test_pages_links_network_and_languages(page, server):
    pg = page
    pg.goto(server + "/")
    assert pg.locator("html").get_attribute("dir") == "ltr"
    assert "21" in pg.locator(".counts").inner_text()
    shot(pg, "home")

    pg.get_by_role("navigation", name="Main").get_by_role("link", name="Criteria").click()
    pg.wait_for_url("**/criteria?lang=en")
    assert pg.locator("section.criterion").count() == 21
    pg.locator("#h-partnerships a").click()
    pg.wait_for_url("**/criteria/partnerships?lang=en")
    assert pg.locator(".shape").count() >= 1 and pg.locator(".hint").count() >= 1
    shot(pg, "criterion")

    pg.get_by_role("navigation", name="Main").get_by_role("link", name="Communities").click()
    pg.wait_for_url("**/communities?lang=en")
    assert pg.locator("table#communities tbody tr").count() == 12
    pg.get_by_role("button", name="Partners", exact=True).click()  # sorts on the page, largest first
    assert pg.locator("table#communities th[aria-sort=descending]").inner_text().startswith("Partners")
    first = pg.locator("table#communities tbody tr").first.locator("a")
    assert first.inner_text() == "Nedelgate"
    pg.get_by_role("button", name="Resources available").click()
    counts = [int(x) for x in pg.locator("table#communities tbody td:nth-child(7) span.num").all_inner_texts()]
    assert counts == sorted(counts, reverse=True)
    shot(pg, "communities")

    pg.locator("table#communities tbody tr").first.locator("a").click()
    pg.wait_for_url(re.compile(r".*/communities/[a-z0-9-]+\?lang=en$"))
    cid = pg.url.rsplit("/", 1)[1].split("?")[0]
    partners = sparql_count(server, f"""PREFIX lcc: <https://w3id.org/lcc#>
        SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a lcc:Partner ; lcc:community <{LCC}communities/{cid}> }}""")
    network = pg.locator("svg.network-svg")
    network.scroll_into_view_if_needed()
    assert network.is_visible()
    assert network.locator("circle.node").count() == partners > 0
    box = network.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 600  # large enough to read
    shot(pg, "community")

    pg.get_by_role("link", name="The network on its own page").click()
    pg.wait_for_url(f"**/communities/{cid}/network?lang=en")
    assert pg.locator("svg.network-svg circle.node").count() == partners
    shot(pg, "network")

    pg.get_by_role("link", name="עברית").click()
    pg.wait_for_url(f"**/communities/{cid}/network?lang=he")
    assert pg.locator("html").get_attribute("dir") == "rtl"
    assert pg.locator("html").get_attribute("lang") == "he"
    pg.get_by_role("navigation", name="ראשי").get_by_role("link", name="קריטריונים").click()
    pg.wait_for_url("**/criteria?lang=he")
    assert pg.locator("html").get_attribute("dir") == "rtl"
    shot(pg, "criteria-he")

    pg.set_viewport_size({"width": 390, "height": 844})  # a phone
    pg.goto(server + f"/communities/{cid}?lang=ar")
    assert pg.locator("html").get_attribute("dir") == "rtl"
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    shot(pg, "community-ar-phone")


def test_upload_rejected_then_accepted(page, server):
    pg = page
    token = community_token(server, "riverside", "Riverside")
    good = community_turtle("riverside", "Riverside")
    bad = good + (f"<{LCC}communities/riverside/partnerships/lonely> a <https://w3id.org/lcc#Partnership> ;\n"
                  f"  <https://w3id.org/lcc#community> <{LCC}communities/riverside> ;\n"
                  f"  <http://www.w3.org/2000/01/rdf-schema#label> \"A partnership of one\"@en ;\n"
                  f"  <http://www.w3.org/ns/org#hasMember> <{LCC}communities/riverside/partners/1> .\n")

    def submit(body: str, name: str) -> None:
        pg.goto(server + "/upload")
        pg.get_by_label("Community", exact=True).fill("riverside")
        pg.get_by_label("Community token", exact=True).fill(token)
        pg.get_by_label("Data file", exact=True).set_input_files(files=[{"name": name, "mimeType": "text/turtle",
                                                              "buffer": body.encode()}])
        with pg.expect_navigation() as navigation:
            pg.get_by_role("button", name="Check and upload").click()
        assert navigation.value.status in (200, 422), pg.locator("main").inner_text()

    submit(bad, "riverside-bad.ttl")
    assert pg.url.startswith(server + "/communities/riverside/data")
    verdict = pg.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "rejected"
    assert "nothing was stored" in verdict.inner_text()
    violations = int(pg.locator("#severity-counts li[data-severity=Violation] strong").inner_text())
    assert violations >= 1
    assert pg.locator(".finding-group").count() >= 1
    assert "A partnership of one" in pg.locator(".findings").inner_text()
    assert pg.locator("#download-turtle").get_attribute("href").startswith("data:text/turtle")
    shot(pg, "report-rejected")

    submit(good, "riverside.ttl")
    verdict = pg.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "accepted", pg.locator("main").inner_text()[:2000]
    assert "Riverside" in verdict.inner_text()  # the community by its name
    assert int(pg.locator("#severity-counts li[data-severity=Violation] strong").inner_text()) == 0
    shot(pg, "report-accepted")

    pg.get_by_role("link", name="Go to the community").click()
    pg.wait_for_url("**/communities/riverside?lang=en")
    assert pg.locator("h1").inner_text() == "Riverside"
    partners = sparql_count(server, f"""PREFIX lcc: <https://w3id.org/lcc#>
        SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a lcc:Partner ; lcc:community <{LCC}communities/riverside> }}""")
    assert pg.locator("svg.network-svg circle.node").count() == partners > 0
    shot(pg, "community-after-upload")


def test_record_a_dialogue_answer(page, server):
    pg = page
    token = community_token(server, "nedelgate", "Nedelgate")
    pg.goto(server + "/communities/nedelgate?lang=en")
    pg.get_by_role("link", name="Stage and dialogue →").click()
    pg.wait_for_url("**/communities/nedelgate/dialogue?lang=en")
    assert "Role model" in pg.locator(".stage-line").inner_text()
    pg.get_by_label("Question", exact=True).select_option("lc-9")
    answer = "Trust grows from the monthly open table where the municipality and citizens set the agenda together."
    pg.get_by_label("Your answer", exact=True).fill(answer)
    pg.get_by_label("Community token", exact=True).fill(token)
    with pg.expect_navigation():
        pg.get_by_role("button", name="Record the answer").click()
    assert "/communities/nedelgate/dialogue?recorded=1" in pg.url
    assert pg.get_by_role("status").inner_text() == "Your answer was recorded."
    assert answer in pg.locator("#q-lc-9").inner_text()
    shot(pg, "dialogue")


def test_run_a_named_query_from_its_form(page, server):
    pg = page
    pg.goto(server + "/queries")
    shot(pg, "queries")
    links = pg.locator(".query-list h2 a")
    require(links.count() > 0, "the query catalogue is empty")
    catalogue = httpx.get(server + "/queries", headers={"Accept": "application/json"}).json()["queries"]
    chosen = next((q for q in catalogue if "community" in q["params"]), catalogue[0])
    pg.locator(f".query-list a[href^='/queries/{chosen['id']}']").click()
    pg.wait_for_url(f"**/queries/{chosen['id']}**")
    for name, p in chosen["params"].items():
        field = pg.locator(f"#p-{name}")
        if name == "community":
            field.select_option(f"{LCC}communities/nedelgate")  # the picker, by name
        elif p.get("default") is not None and field.evaluate("e => e.tagName") == "INPUT":
            field.fill(str(p["default"]))
    with pg.expect_navigation():
        pg.get_by_role("button", name="Run the query").click()
    assert pg.locator("#results-h").is_visible()
    assert pg.locator("#result-table tbody tr").count() > 0 or "No rows." in pg.locator("#results").inner_text()
    assert "format=csv" in pg.locator("#csv-link").get_attribute("href")
    shot(pg, "query")


def test_sparql_editor_shows_a_table(page, server):
    """The plain form the page falls back on when YASGUI does not load (test_editor_browser drives YASGUI)."""
    pg = page
    pg.route("**/vendor/yasgui/**", lambda route: route.abort())
    pg.goto(server + "/sparql?format=html")
    pg.get_by_label("Examples", exact=True).select_option("partners-by-sector")
    assert "lcc:sector" in pg.get_by_label("Query", exact=True).input_value()
    pg.get_by_role("button", name="Run", exact=True).click()
    table = pg.locator("#result-table")
    table.wait_for()
    assert table.locator("thead th").all_inner_texts() == ["community", "sector", "partners"]
    assert table.locator("tbody tr").count() >= 12
    assert pg.locator("#csv-link").is_visible()
    pg.get_by_label("Query", exact=True).fill("SELECT * WHERE { ?s ?p }")
    pg.get_by_label("Query", exact=True).press("Control+Enter")
    # a locator assertion, not wait_for_function: the pages' CSP forbids evaluating strings
    from playwright.sync_api import expect

    expect(pg.locator("#status")).to_have_text(re.compile(r"^400"))
    shot(pg, "sparql")


def test_error_page_for_a_browser(page, server):
    pg = page
    response = pg.goto(server + "/communities/atlantis")
    assert response.status == 404
    assert pg.locator("h1").inner_text() == "Not found"
    assert "atlantis" in pg.locator(".message").inner_text()
    pg.get_by_role("link", name="Go to the home page").click()
    pg.wait_for_url(server + "/?lang=en")
    shot(pg, "error")


def test_a_refused_token_keeps_the_form(page, server):
    """A wrong token is said inside the upload form, which keeps the chosen file and the way on;
    with the right one the report is headed by the community's name."""
    pg = page
    token = community_token(server, "westbrook", "Westbrook Valley")
    pg.goto(server + "/upload")
    pg.get_by_label("Community", exact=True).fill("westbrook")
    pg.get_by_label("Community token", exact=True).fill("lcc_0000_wrong")
    pg.get_by_label("Data file", exact=True).set_input_files(files=[{
        "name": "westbrook.ttl", "mimeType": "text/turtle",
        "buffer": community_turtle("westbrook", "Westbrook Valley").encode()}])
    pg.get_by_role("button", name="Check and upload").click()
    alert = pg.locator("#upload-refused")
    alert.wait_for()
    assert "token is not valid" in alert.inner_text()
    assert pg.url.startswith(server + "/upload")
    assert pg.evaluate("document.getElementById('file').files.length") == 1
    assert pg.get_by_label("Community", exact=True).input_value() == "westbrook"
    shot(pg, "upload-refused")
    pg.get_by_label("Community token", exact=True).fill(token)
    with pg.expect_navigation():
        pg.get_by_role("button", name="Check and upload").click()
    assert pg.locator("h1").inner_text().endswith("Westbrook Valley")
    assert "Westbrook Valley" in pg.locator("#verdict").inner_text()


def test_a_refused_form_upload_without_script_links_back(server):
    """Without the script the form posts and a wrong token gives the error page, with a way back."""
    import httpx

    community_token(server, "eastmere", "Eastmere")
    r = httpx.post(server + "/communities/eastmere/data", headers={"Accept": "text/html"},
                   files={"file": ("x.ttl", b"<a> <b> <c> .", "text/turtle")}, data={"token": "lcc_0000_wrong"})
    assert r.status_code == 401
    assert 'id="back-to-upload"' in r.text and "/upload?community=eastmere" in r.text
