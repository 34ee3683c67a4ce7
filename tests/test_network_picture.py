"""The network picture: its layout (stable, grouped, readable) and, in headless Chromium, zoom,
search, the sector filter and a partner's profile in English and Hebrew; no two names overlap.

The layout tests read the demo's largest community from a copy of the demo store; the browser tests
reuse ``test_browser``'s live server, Chromium and page fixtures (a server of this module's own).
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import networkx as nx
import pytest

from .test_browser import ADMIN, LCC, browser, community_token, page, server, shot  # noqa: F401  (fixtures)

HTML = {"Accept": "text/html"}


# --------------------------------------------------------------------------- layout


@pytest.fixture(scope="module")
def largest(tmp_path_factory, demo_dir):
    """The demo's largest community (most partners): its id and its network in both views."""
    import shutil

    from lcc_graph.store import open_stores
    from lcc_graph.views.community import list_communities
    from lcc_graph.views.network import build_network

    data = tmp_path_factory.mktemp("picture") / "data"
    shutil.copytree(demo_dir, data)
    stores = open_stores(data)
    try:
        cid = max(list_communities(stores, "en"), key=lambda c: (c["counts"]["partners"], c["id"]))["id"]
        graphs = {(view, lang): build_network(stores, cid, view=view, lang=lang)
                  for view in ("partners", "bipartite") for lang in ("en", "he")}
    finally:
        stores.close()
    return cid, graphs


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _positions(d: dict) -> dict[str, tuple[float, float]]:
    return {n["id"]: (n["x"], n["y"]) for n in d["nodes"]}


def test_the_demo_s_largest_community_is_the_one_the_issue_names(largest):
    cid, graphs = largest
    g = graphs[("partners", "en")]
    assert cid == "nedelgate" and g.number_of_nodes() == 56 and g.number_of_edges() == 155


@pytest.mark.parametrize("view", ["partners", "bipartite"])
def test_layout_is_the_same_on_every_load_and_in_every_language(largest, view):
    from lcc_graph.views.network import svg_drawing

    _, graphs = largest
    g = graphs[(view, "en")]
    first = svg_drawing(g)
    assert svg_drawing(g) == first
    assert _positions(svg_drawing(graphs[(view, "he")])) == _positions(first)
    # the same network read in another order (the store promises none) draws the same way
    shuffled = nx.MultiGraph(**g.graph)
    nodes = list(g.nodes(data=True))
    edges = list(g.edges(keys=True, data=True))
    random.Random(7).shuffle(nodes)
    random.Random(7).shuffle(edges)
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert _positions(svg_drawing(shuffled)) == _positions(first)


def test_layout_is_the_same_in_another_process(largest, tmp_path):
    """Another interpreter, with another string-hash seed, puts every node in the same place."""
    from lcc_graph.views.network import svg_drawing, to_cytoscape

    _, graphs = largest
    g = graphs[("partners", "en")]
    source = tmp_path / "network.json"
    source.write_text(json.dumps(to_cytoscape(g)))
    code = ("import json, sys, networkx as nx\n"
            "from lcc_graph.views.network import svg_drawing\n"
            "g = nx.cytoscape_graph(json.load(open(sys.argv[1])))\n"
            "print(json.dumps({n['id']: [n['x'], n['y']] for n in svg_drawing(g)['nodes']}))\n")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True, text=True, env=env,
                         timeout=120, check=True)
    there = {k: tuple(v) for k, v in json.loads(out.stdout).items()}
    assert there == _positions(svg_drawing(g))


@pytest.mark.parametrize("view", ["partners", "bipartite"])
@pytest.mark.parametrize("lang", ["en", "he"])
def test_no_two_visible_labels_overlap_and_none_covers_a_node(largest, view, lang):
    from api.drawing import label_layout
    from lcc_graph.views.network import svg_drawing
    from lcc_graph.views.network_layout import label_order

    _, graphs = largest
    d = label_layout(svg_drawing(graphs[(view, lang)]))
    boxes = [n["text"]["box"] for n in d["nodes"] if n["text"]["visible"]]
    assert len(boxes) >= 0.6 * len(d["nodes"])  # most names are written at the default size
    for i, a in enumerate(boxes):
        assert 0 <= a[0] and a[2] <= d["width"] and 0 <= a[1] and a[3] <= d["height"]
        for b in boxes[i + 1:]:
            assert not _boxes_overlap(a, b), (a, b)
    for n in d["nodes"]:
        circle = (n["x"] - n["r"], n["y"] - n["r"], n["x"] + n["r"], n["y"] + n["r"])
        for m in d["nodes"]:
            if m["text"]["visible"]:
                assert not _boxes_overlap(circle, m["text"]["box"]), (n["label"], m["label"])
    # the layout keeps room for the names of the brokers and the most connected partners (or, in
    # the bipartite view, the largest partnerships)
    assert all(n["text"]["visible"] for n in label_order(d["nodes"])[:8])
    assert all(n["text"]["visible"] for n in d["nodes"] if n["broker"])


def test_nodes_are_sized_by_degree_coloured_by_sector_and_brokers_marked(largest):
    from lcc_graph.network_metrics import compute
    from lcc_graph.views.network import SECTOR_COLOURS, svg_drawing

    _, graphs = largest
    g = graphs[("partners", "en")]
    d = svg_drawing(g)
    metrics = compute(g).partners
    for n in d["nodes"]:
        assert n["degree"] == metrics[n["id"]]["degree"]
        assert n["broker"] == metrics[n["id"]]["broker"]
        assert n["colour"] == SECTOR_COLOURS[g.nodes[n["id"]]["sector"]]
    by_degree = sorted(d["nodes"], key=lambda n: n["degree"])
    assert all(a["r"] <= b["r"] for a, b in zip(by_degree, by_degree[1:]))
    assert by_degree[0]["r"] < by_degree[-1]["r"]
    assert d["brokers"] == sum(1 for m in metrics.values() if m["broker"]) > 0
    # connected partners sit closer together than partners with no tie
    pos = _positions(d)
    tied = [((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5 for a, b in g.edges()]
    nodes = sorted(pos)
    untied = [((pos[a][0] - pos[b][0]) ** 2 + (pos[a][1] - pos[b][1]) ** 2) ** 0.5
              for i, a in enumerate(nodes) for b in nodes[i + 1:] if not g.has_edge(a, b)]
    assert sum(tied) / len(tied) < 0.6 * sum(untied) / len(untied)


def test_bipartite_view_draws_partnerships_as_named_nodes(largest):
    from api.drawing import label_layout
    from lcc_graph.views.network import svg_drawing

    _, graphs = largest
    g = graphs[("bipartite", "en")]
    d = label_layout(svg_drawing(g))
    partnerships = [n for n in d["nodes"] if n["kind"] == "partnership"]
    assert len(partnerships) == sum(1 for _, a in g.nodes(data=True) if a["kind"] == "partnership") > 0
    assert all(n["label"] and n["text"] for n in partnerships)
    assert sum(n["text"]["visible"] for n in partnerships) >= 0.8 * len(partnerships)
    assert {p["node"] for p in d["partnerships"]} == {n["key"] for n in partnerships}


def test_labels_run_away_from_their_node_in_either_direction():
    """A Hebrew or Arabic name is anchored at its end when it runs right, at its start when it runs
    left (its start is its right end): the text never runs back over its node."""
    from api.drawing import anchor, candidates, text_direction

    assert text_direction("עיריית חיפה") == "rtl" and text_direction("بلدية حيفا") == "rtl"
    assert text_direction("Haifa (2)") == "ltr" and text_direction("(2) עמותה") == "rtl"
    assert anchor(1, "ltr") == "start" and anchor(-1, "ltr") == "end"
    assert anchor(1, "rtl") == "end" and anchor(-1, "rtl") == "start"
    assert anchor(0, "rtl") == anchor(0, "ltr") == "middle"
    (_, s_out, out_box), (_, s_in, in_box) = candidates(100, 50, 8, 1, 60, 15)[:2]
    assert s_out == 1 and out_box[0] > 108 and s_in == -1 and in_box[2] < 92


def test_a_hundred_partners_draw_quickly_and_stay_readable():
    import time

    from api.drawing import label_layout
    from lcc_graph.views.network import svg_drawing

    g = nx.MultiGraph(label="Big", view="partners")
    sectors = ("public", "private", "social")
    for i in range(100):
        g.add_node(f"p{i:03d}", kind="partner", label=f"Partner organisation number {i}", sector=sectors[i % 3],
                   sectorLabel=sectors[i % 3], fields=[], fieldLabels=[])
    for i in range(100):
        g.add_edge(f"p{i:03d}", f"p{(i * 7 + 3) % 100:03d}", key=f"ps{i}", id=f"e{i}", label=f"Partnership {i}",
                   partnership=f"ps{i}")
    start = time.monotonic()
    d = label_layout(svg_drawing(g))
    assert time.monotonic() - start < 10  # liveness bound, 5x the slowest seen
    boxes = [n["text"]["box"] for n in d["nodes"] if n["text"]["visible"]]
    assert len(boxes) >= 30
    assert not any(_boxes_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_page_without_script_is_complete_and_keeps_to_the_csp(client):
    import re

    r = client.get("/communities/nedelgate/network?lang=he", headers=HTML)
    assert r.status_code == 200
    html = r.text
    figure = html[html.index('<figure class="network network-picture'):html.index("</figure>")]
    assert ' style="' not in figure and "<style" not in figure
    scripts = re.findall(r"<script([^>]*)>", figure)
    assert all('type="application/json"' in s or 'src="/static/network.js"' in s for s in scripts)
    assert '<div class="network-tools" hidden>' in figure  # controls need the script
    data = json.loads(re.search(r'<script type="application/json" class="network-data">(.*?)</script>', figure, re.S)[1])
    assert len(data["nodes"]) == figure.count('<text class="node-label') == 56
    words = json.loads(re.search(r'<script type="application/json" class="network-strings">(.*?)</script>', figure, re.S)[1])
    assert words["sector"] == "מגזר" and "{n}" in words["found"]
    assert '<link rel="stylesheet" href="/static/network.css">' in html
    assert client.get("/static/network.js").status_code == 200 and client.get("/static/network.css").status_code == 200
    # every partner's row in the table can be reached from its profile
    assert len(re.findall(r'<tr id="row-n\d+">', html)) == 56


# --------------------------------------------------------------------------- in the browser

LABEL_OVERLAPS = """(svg) => {
  const labels = [...svg.querySelectorAll('text.node-label')].filter((t) => getComputedStyle(t).visibility !== 'hidden');
  const boxes = labels.map((t) => t.getBoundingClientRect());
  const shapes = [...svg.querySelectorAll('circle.node, rect.partnership-node')].map((c) => c.getBoundingClientRect());
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const overlaps = [], covers = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) if (hit(boxes[i], boxes[j])) overlaps.push([labels[i].textContent, labels[j].textContent]);
    for (const s of shapes) if (hit(boxes[i], s)) covers.push(labels[i].textContent);
  }
  return {visible: labels.length, total: svg.querySelectorAll('text.node-label').length, overlaps, covers,
          anchors: [...new Set(labels.map((t) => t.getAttribute('text-anchor')))],
          directions: [...new Set(labels.map((t) => t.getAttribute('direction')))]};
}"""

WORDS = {
    "en": {"zoom_in": "Zoom in", "find": "Find a partner", "found": "Found: 1", "private": "Private sector",
           "shown": "of 56 shown", "close": "Close", "partnerships": "Partnerships ("},
    "he": {"zoom_in": "הגדלה", "find": "חיפוש שותף", "found": "נמצאו: 1", "private": "המגזר הפרטי",
           "shown": "מתוך 56", "close": "סגירה", "partnerships": "שותפויות ("},
}


def _open(pg, base: str, lang: str, community: str = "nedelgate"):
    pg.goto(f"{base}/communities/{community}/network?lang={lang}")
    svg = pg.locator("svg.network-svg")
    pg.wait_for_function("() => document.querySelector('svg.network-svg').classList.contains('enhanced')")
    return svg


def _frame(pg) -> None:
    """Wait until the page has drawn its next frame (labels are placed again once per frame)."""
    pg.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


WRITTEN = """(svg) => [...svg.querySelectorAll('text.node-label')]
  .filter((t) => getComputedStyle(t).visibility !== 'hidden').map((t) => t.dataset.key)"""

INSIDE = """(svg) => {
  const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
  const data = JSON.parse(document.querySelector('script.network-data').textContent);
  return Object.entries(data.nodes).filter(([, n]) => n.x > x && n.x < x + w && n.y > y && n.y < y + h).map(([k]) => k);
}"""


def _view(svg) -> list[float]:
    return [float(v) for v in svg.get_attribute("viewBox").split()]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "he"])
def test_browser_zoom(page, server, lang):
    pg, w = page, WORDS[lang]
    svg = _open(pg, server, lang)
    assert pg.locator("html").get_attribute("dir") == ("rtl" if lang == "he" else "ltr")
    assert _view(svg) == [0, 0, 1040, 760]
    before = set(pg.evaluate(WRITTEN, svg.element_handle()))
    pg.get_by_role("button", name=w["zoom_in"]).click()
    _frame(pg)
    zoomed = _view(svg)
    assert zoomed[2] < 1040 * 0.75 and zoomed[3] < 760 * 0.75
    shot(pg, f"network-zoomed-{lang}")
    # zooming in makes room: of the partners still in view, more have their names written
    inside = set(pg.evaluate(INSIDE, svg.element_handle()))
    after = set(pg.evaluate(WRITTEN, svg.element_handle())) & inside
    assert len(after) > len(before & inside) or after == inside
    assert not pg.evaluate(LABEL_OVERLAPS, svg.element_handle())["overlaps"]
    # the wheel (with Ctrl, or a trackpad's pinch) zooms around the pointer, the keyboard too
    box = svg.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    pg.keyboard.down("Control")
    pg.mouse.wheel(0, 400)
    pg.keyboard.up("Control")
    pg.wait_for_function(f"() => document.querySelector('svg.network-svg').viewBox.baseVal.width > {zoomed[2] + 1}")
    pg.locator("g.node-g[tabindex='0']").focus()
    before = _view(svg)[2]
    pg.keyboard.press("+")
    assert _view(svg)[2] < before
    pg.keyboard.press("0")
    assert _view(svg) == [0, 0, 1040, 760]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "he"])
def test_browser_search_finds_a_partner_by_name(page, server, lang):
    pg, w = page, WORDS[lang]
    svg = _open(pg, server, lang)
    pg.get_by_label(w["find"]).fill("rowan gall")
    pg.wait_for_function("() => document.querySelectorAll('svg.network-svg g.node-g.match').length === 1")
    assert pg.locator(".net-found").inner_text() == w["found"]
    match = pg.locator("g.node-g.match circle")
    assert match.get_attribute("data-id").startswith(f"{LCC}communities/nedelgate/partners/")
    assert "Rowan Gallery" in match.locator("title").text_content()
    x, y, vw, vh = _view(svg)
    cx, cy = float(match.get_attribute("cx")), float(match.get_attribute("cy"))
    assert vw < 1040 and abs(x + vw / 2 - cx) < 1 and abs(y + vh / 2 - cy) < 1  # centred on it
    _frame(pg)
    label = pg.locator("text.node-label.shown")
    assert label.count() == 1 and label.text_content() == "Rowan Gallery" and label.is_visible()
    shot(pg, f"network-search-{lang}")
    pg.get_by_label(w["find"]).press("Enter")
    assert pg.locator(".network-panel .net-name").inner_text() == "Rowan Gallery"
    pg.get_by_label(w["find"]).fill("no such partner")
    pg.wait_for_function("() => document.querySelectorAll('svg.network-svg g.node-g.match').length === 0")
    assert pg.locator(".net-found").inner_text() != ""


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "he"])
def test_browser_sector_filter_dims_the_other_sectors(page, server, lang):
    pg, w = page, WORDS[lang]
    _open(pg, server, lang)
    private = pg.get_by_label(w["private"], exact=True)
    assert private.is_checked()
    private.uncheck()
    _frame(pg)
    dimmed = pg.evaluate("""() => [...document.querySelectorAll('svg.network-svg g.node-g')].map((g) =>
      [g.classList.contains('dim'), g.querySelector('circle').getAttribute('fill'), getComputedStyle(g).opacity])""")
    assert {fill for dim, fill, _ in dimmed if dim} == {"#d9822b"}  # private partners, and only they
    assert {fill for dim, fill, _ in dimmed if not dim} == {"#1f6f8b", "#3a9d5d"}
    assert all(float(opacity) < 0.5 for dim, _, opacity in dimmed if dim)
    assert w["shown"] in pg.locator(".net-shown").inner_text()
    overlaps = pg.evaluate(LABEL_OVERLAPS, pg.locator("svg.network-svg").element_handle())
    assert not overlaps["overlaps"]
    shot(pg, f"network-filtered-{lang}")
    # a field narrows further; all sectors again
    private.check()
    field = pg.locator(".net-field select")
    slug = field.locator("option").nth(1).get_attribute("value")
    field.select_option(slug)
    kept = pg.evaluate("""(slug) => {
      const data = JSON.parse(document.querySelector('script.network-data').textContent);
      return [...document.querySelectorAll('svg.network-svg g.node-g')].every((g) =>
        g.classList.contains('dim') !== data.nodes[g.dataset.key].fields.includes(slug));
    }""", slug)
    assert kept


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "he"])
def test_browser_node_click_opens_the_partner_s_profile(page, server, lang):
    pg, w = page, WORDS[lang]
    _open(pg, server, lang)
    panel = pg.locator(".network-panel")
    assert panel.is_hidden()
    node = pg.locator("g.node-g.is-broker circle").first
    name = node.locator("title").text_content().split(" · ")[0]
    node.click()
    assert panel.is_visible()
    assert panel.locator(".net-name").inner_text() == name
    assert w["partnerships"] in panel.inner_text()
    assert panel.locator(".net-broker").is_visible()
    assert pg.locator("g.node-g.selected").count() == 1 and pg.locator("path.edge.net-lit").count() > 0
    shot(pg, f"network-profile-{lang}")
    # a fellow member's name leads to its own profile
    other = panel.locator("a.net-go").first
    other_name = other.inner_text()
    other.click()
    assert panel.locator(".net-name").inner_text() == other_name
    # keyboard: Escape closes and returns to the node; arrows move between partners; Enter opens
    pg.keyboard.press("Escape")
    assert panel.is_hidden()
    focused = pg.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused.startswith(other_name)
    for key in ("ArrowDown", "ArrowUp", "ArrowRight", "ArrowLeft"):
        pg.keyboard.press(key)
        moved = pg.evaluate("document.activeElement.getAttribute('aria-label')")
        if moved != focused:
            break
    assert moved and moved != focused
    pg.keyboard.press("Enter")
    assert panel.is_visible() and moved.startswith(panel.locator(".net-name").inner_text())
    pg.get_by_role("button", name=w["close"]).click()
    assert panel.is_hidden()


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "he"])
@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_browser_no_two_labels_overlap_at_the_default_zoom(browser, server, lang, script):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=script)
    pg = context.new_page()
    try:
        pg.goto(f"{server}/communities/nedelgate/network?lang={lang}")
        svg = pg.locator("svg.network-svg")
        if script:
            pg.wait_for_function("() => document.querySelector('svg.network-svg').classList.contains('enhanced')")
        else:
            assert pg.locator(".network-tools").is_hidden()
        result = pg.evaluate(LABEL_OVERLAPS, svg.element_handle())
        assert result["total"] == 56 and result["visible"] >= 40
        assert result["overlaps"] == [] and result["covers"] == []
        shot(pg, f"network-{lang}-{'script' if script else 'no-script'}")
    finally:
        context.close()


def _hebrew_turtle(cid: str) -> str:
    """The demo's largest community under another id, every partner with a Hebrew name."""
    import pyoxigraph as ox

    from lcc_graph import demo

    largest = max(demo.generate(12, 0), key=lambda c: sum(
        1 for t in c.triples if t.predicate.value.endswith("#type") and t.object.value.endswith("#Partner")))
    partner_type = ox.NamedNode("https://w3id.org/lcc#Partner")
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    partners = sorted({t.subject.value for t in largest.triples if t.object == partner_type})
    first = ["מרכז", "עמותת", "ספריית", "מועדון", "מכללת", "קהילת", "בית הספר של", "חברת"]
    second = ["הנוער", "התרבות", "השכונה", "הים", "הגליל", "הכרמל", "העמק", "נווה שאנן", "הדר"]
    triples = list(largest.triples)
    for i, iri in enumerate(partners):
        name = f"{first[i % len(first)]} {second[(i // len(first) + i) % len(second)]}" + (f" ({i // 20 + 1})" if i >= 20 else "")
        triples.append(ox.Triple(ox.NamedNode(iri), rdfs_label, ox.Literal(name, language="he")))
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    return text.replace(f"{LCC}communities/{largest.id}", f"{LCC}communities/{cid}")


@pytest.mark.slow
def test_browser_hebrew_names_run_outward_not_over_their_node(page, server):
    import httpx

    token = community_token(server, "kiryat-test", "Kiryat Test")
    r = httpx.put(f"{server}/communities/kiryat-test/data", content=_hebrew_turtle("kiryat-test").encode(),
                  headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}, timeout=120)
    assert r.status_code in (200, 201), r.text[:2000]
    pg = page
    svg = _open(pg, server, "he", "kiryat-test")
    result = pg.evaluate(LABEL_OVERLAPS, svg.element_handle())
    assert result["directions"] == ["rtl"] and set(result["anchors"]) >= {"start", "end"}
    assert result["overlaps"] == [] and result["covers"] == []  # no name runs back over its own dot
    # and each name sits on the side of its dot its anchor says
    sides = pg.evaluate("""(svg) => [...svg.querySelectorAll('text.node-label')]
      .filter((t) => getComputedStyle(t).visibility !== 'hidden' && t.getAttribute('text-anchor') !== 'middle')
      .map((t) => {
        const c = svg.querySelector(`g.node-g[data-key="${t.dataset.key}"] circle`).getBoundingClientRect();
        const b = t.getBoundingClientRect();
        const middle = (c.left + c.right) / 2;
        return [t.getAttribute('text-anchor'), b.left >= middle, b.right <= middle];
      })""", svg.element_handle())
    assert sides and all((right if anchor == "end" else left) for anchor, right, left in sides)
    shot(pg, "network-hebrew-names")
