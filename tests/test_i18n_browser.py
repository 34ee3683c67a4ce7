"""Hebrew and Arabic pages in a real browser (headless Chromium against a live uvicorn): the
community, criterion, report and query pages are right to left, their labels do not overlap, and
no Latin-script text is left outside proper names, IRIs and code (counted by Unicode script).

The service's own words (the catalogs in locale/) are checked strictly. The framework's words
(criteria, statements, shapes, vocabularies: RDF literals translated in ontology/ and shapes/) are
marked with their own language when a page has them only in English; those left-overs are listed
(tests/artifacts/i18n-leftovers.json) by a test that is expected to fail until the framework is
translated.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .test_browser import ARTIFACTS, CHROMIUM_ARGS, _chromium, require, server  # noqa: F401 - fixtures
from .test_i18n import PROPER_NAMES
from .test_network_picture import LABEL_OVERLAPS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
LANGS = ("he", "ar")
NEDELGATE = "https://w3id.org/lcc/communities/nedelgate"
PAGES = {
    "community": "/communities/nedelgate",
    "criterion": "/criteria/partnerships",
    "query": f"/queries/cross-sector-partnerships?community={NEDELGATE}&min_sectors=1",
    "report": "/validate?community=riverside",
}
# the README's example upload with a partnership of one member: a structure violation, and findings
REPORT_DATA = (REPO / "docs" / "examples" / "riverside.ttl").read_bytes() + b"""
<partnerships/alone> a lcc:Partnership ; lcc:community <../riverside> ;
    rdfs:label "Riverside Solo Club"@en ; org:hasMember <partners/choir> .
"""

# Every text node with a Latin letter, with the language it is marked as (the nearest lang
# attribute), whether it is code, an IRI or a name kept as written (translate="no"), and whether it
# comes from the graph (isolated with dir="auto", as every label, statement and message is).
LATIN_TEXTS = r"""() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue.replace(/\s+/g, " ").trim();
    const el = node.parentElement;
    if (!text || !/\p{Script=Latin}/u.test(text) || el.closest("script, style, noscript, template, textarea, title")) continue;
    const marked = el.closest("[lang]");
    out.push({text, lang: marked ? marked.getAttribute("lang") : null, graph: !!el.closest("[dir=auto]"),
              kept: !!el.closest("code, pre, kbd, samp, [translate=no]"), tag: el.tagName.toLowerCase()});
  }
  return out;
}"""

# Boxes of things laid out side by side that must never cover one another.
OVERLAPPING = r"""() => {
  const groups = [".sevcounts > li", ".legend > li", ".facts > div", ".toc li", ".counts > li", "thead th", ".net-sectors .net-check"];
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const found = [];
  for (const selector of groups) {
    const parents = new Set([...document.querySelectorAll(selector)].map((e) => e.parentElement));
    for (const parent of parents) {
      const items = [...parent.children].filter((e) => e.matches(selector) && e.getClientRects().length);
      const boxes = items.map((e) => e.getBoundingClientRect());
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++)
        if (hit(boxes[i], boxes[j])) found.push([selector, items[i].textContent.trim(), items[j].textContent.trim()]);
    }
  }
  return found;
}"""


def leftover_latin(text: str) -> str:
    """What is left of a text once IRIs, prefixed names (``lcc:Policy``), paths and the names of
    formats and programs are taken out: Latin letters left there are words to translate."""
    rest = re.sub(r"https?://\S+|(?<!\w)/[\w/{}.?=&-]+|(?<![A-Za-z])[a-z]{2,8}:[A-Za-z][\w-]*|\.xlsx|\.zip|lcc-graph",
                  " ", text)
    for name in PROPER_NAMES:
        rest = re.sub(rf"(?<![A-Za-z0-9/]){re.escape(name)}(?![A-Za-z0-9/])", " ", rest)
    return rest if re.search(r"[A-Za-z]", rest) else ""


@pytest.fixture(scope="module")
def scans(server):  # noqa: F811 - the live service of test_browser
    """Each page in Hebrew and Arabic: its root attributes, its Latin texts, the overlaps found."""
    executable = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extras install it
        require(False, "the playwright package is not installed")
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        for lang in LANGS:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=lang)
            pg = context.new_page()
            pg.set_default_timeout(15_000)
            for name, path in PAGES.items():
                url = f"{server}{path}{'&' if '?' in path else '?'}lang={lang}"
                if name == "report":
                    pg.route(url, lambda route: route.continue_(method="POST", post_data=REPORT_DATA, headers={
                        **route.request.headers, "content-type": "text/turtle", "accept": "text/html"}))
                response = pg.goto(url)
                assert response.status == 200, (url, response.status)
                labels = None
                if name == "community":
                    pg.wait_for_function("() => document.querySelector('svg.network-svg').classList.contains('enhanced')")
                    pg.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
                    labels = pg.locator("svg.network-svg").evaluate(LABEL_OVERLAPS)
                ARTIFACTS.mkdir(exist_ok=True)
                pg.screenshot(path=str(ARTIFACTS / f"i18n-{name}-{lang}.png"), full_page=True)
                results[name, lang] = {
                    "root": pg.evaluate("() => [document.documentElement.lang, document.documentElement.dir]"),
                    "texts": pg.evaluate(LATIN_TEXTS),
                    "overlaps": pg.evaluate(OVERLAPPING),
                    "labels": labels,
                    "verdict": pg.locator("#verdict").get_attribute("data-verdict") if name == "report" else None,
                }
            context.close()
        browser.close()
    return results


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_page_is_right_to_left_and_the_service_speaks_the_readers_language(scans, name, lang):
    scan = scans[name, lang]
    assert scan["root"] == [lang, "rtl"]
    if name == "report":
        assert scan["verdict"] == "rejected"  # a violation and findings: every part of the report shows
    chrome = [t["text"] for t in scan["texts"]
              if not t["kept"] and not t["graph"] and t["lang"] == lang and leftover_latin(t["text"])]
    assert not chrome, f"Latin-script words in the service's own text: {chrome}"
    unmarked = [t for t in scan["texts"] if not t["kept"] and t["lang"] not in (lang, "en") and leftover_latin(t["text"])]
    assert not unmarked, unmarked
    assert not scan["overlaps"], scan["overlaps"]
    if scan["labels"] is not None:
        assert scan["labels"]["visible"] > 0
        assert not scan["labels"]["overlaps"] and not scan["labels"]["covers"], scan["labels"]


def test_no_framework_text_is_left_in_english(scans):
    leftovers: dict[str, list[str]] = {}
    for (name, lang), scan in sorted(scans.items()):
        words = sorted({t["text"] for t in scan["texts"] if not t["kept"] and t["lang"] == "en" and leftover_latin(t["text"])})
        if words:
            leftovers[f"{name} ({lang})"] = words
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "i18n-leftovers.json").write_text(json.dumps(leftovers, ensure_ascii=False, indent=1))
    assert not leftovers, json.dumps(leftovers, ensure_ascii=False, indent=1)
