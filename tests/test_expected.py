"""Expected given resources: a Theil–Sen line over the communities, and a verdict, on hand-made
communities whose answers are known."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from lcc_graph import expected, peers
from lcc_graph.communities import replace_community
from lcc_graph.indicators import VALUE_PROPERTIES

from .test_peers import C, _town

IND = "https://w3id.org/lcc/indicators/test-share"
DQV = "http://www.w3.org/ns/dqv#"


def _measurement(cid: str, value: float) -> list[ox.Triple]:
    m = ox.NamedNode(f"{C}{cid}/assessment/test-share")
    return [ox.Triple(m, ox.NamedNode(DQV + "computedOn"), ox.NamedNode(C + cid)),
            ox.Triple(m, ox.NamedNode(DQV + "isMeasurementOf"), ox.NamedNode(IND)),
            ox.Triple(m, ox.NamedNode(DQV + "value"), ox.Literal(repr(value), datatype=ox.NamedNode(
                "http://www.w3.org/2001/XMLSchema#double"))),
            # the fits read the measurements of indicators (not of network metrics)
            ox.Triple(ox.NamedNode(IND), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/lcc#Indicator"))]


# twelve towns of 5,000 inhabitants with budgets of 1 to 12 (x 10,000 a year); the indicator rises
# with the resource index, with a small wobble so that the residuals have a spread; "high" lies far
# above the line, "on" on it
BUDGETS = {f"t{i}": 10_000.0 * i for i in range(1, 13)}
WOBBLE = [0.05, -0.05, 0.04, -0.04, 0.03, -0.03, 0.05, -0.05, 0.04, -0.04, 0.03, -0.03]


def _load(stores, budgets: dict[str, list[float]], values: dict[str, float]) -> None:
    for cid, parts in budgets.items():
        replace_community(stores.public, cid, _town(cid, 5000, parts) + _measurement(cid, values[cid]))


@pytest.fixture
def line(stores):
    profiles_first = {cid: [b] for cid, b in BUDGETS.items()}
    _load(stores, profiles_first, {cid: 0.0 for cid in BUDGETS})
    index = expected.resource_index(peers.profiles(stores))
    values = {cid: 0.5 + 0.1 * index[C + cid] + WOBBLE[i] for i, cid in enumerate(BUDGETS)}
    values["t4"] += 0.5    # far above what its resources predict
    values["t9"] = 0.5 + 0.1 * index[C + "t9"]  # exactly on the line
    _load(stores, profiles_first, values)
    return stores, values


def _said(stores, cid: str) -> dict:
    return expected.expectations(stores, C + cid, VALUE_PROPERTIES["raw"])[IND]


def test_a_community_far_above_the_line_is_above(line):
    stores, _ = line
    said = _said(stores, "t4")
    assert said["verdict"] == "above" and said["points"] == 12 and said["reason"] is None


def test_a_community_on_the_line_is_as_expected(line):
    stores, values = line
    said = _said(stores, "t9")
    assert said["verdict"] == "as-expected"
    assert said["expected"] == pytest.approx(values["t9"], abs=0.02)


def test_a_split_resource_changes_no_verdict(line):
    stores, values = line
    before = {cid: _said(stores, cid) for cid in BUDGETS}
    _load(stores, {cid: ([b / 3] * 3 if cid in ("t4", "t9", "t2") else [b]) for cid, b in BUDGETS.items()}, values)
    after = {cid: _said(stores, cid) for cid in BUDGETS}
    assert [a["verdict"] for a in after.values()] == [b["verdict"] for b in before.values()]
    assert all(a["expected"] == pytest.approx(b["expected"]) for a, b in zip(after.values(), before.values()))


def test_too_few_communities_give_no_verdict(stores):
    _load(stores, {f"t{i}": [1000.0 * i] for i in range(1, 6)}, {f"t{i}": 0.1 * i for i in range(1, 6)})
    said = _said(stores, "t3")
    assert said["verdict"] is None and "fewer than 8" in said["reason"]


def test_the_fit_is_theil_sen():
    """The median of the pairwise slopes: one wild point does not move the line."""
    points = [(float(x), 2.0 * x + 1.0) for x in range(10)] + [(10.0, 500.0)]
    fitted = expected.fit(points)
    assert fitted.slope == pytest.approx(2.0) and fitted.intercept == pytest.approx(1.0)
    assert expected.verdict(500.0, 10.0, fitted)[1] == "above"
    assert expected.verdict(21.0, 10.0, fitted) == (pytest.approx(21.0), "as-expected")


def test_the_line_is_scipys_theil_sen_line():
    """lcc_graph.expected.theil_sen computes what scipy.stats.theilslopes does (its default
    intercept, method="separate"), on noisy points, on ties in x and in y, and on wild points."""
    import random

    from scipy.stats import theilslopes

    rng = random.Random(7)
    cases = [
        ([rng.gauss(0, 1) for _ in range(300)], None),
        ([float(rng.randint(0, 5)) for _ in range(200)], None),  # many ties in x
        ([rng.gauss(0, 1) for _ in range(50)], [1.0] * 50),  # a flat line
        ([float(x) for x in range(40)], [float(x) if x % 7 else 1e6 for x in range(40)]),  # wild points
    ]
    for xs, ys in cases:
        ys = ys or [3.0 * x - 2.0 + rng.gauss(0, 0.5) for x in xs]
        ours = expected.theil_sen(xs, ys)
        theirs = theilslopes(ys, xs)
        assert ours == (pytest.approx(float(theirs.slope), abs=1e-12), pytest.approx(float(theirs.intercept), abs=1e-9))


def test_the_assessment_names_its_plan_and_framework_version(demo_copy):
    from lcc_graph.store import open_stores
    from lcc_graph.views.assessment import assessment

    stores = open_stores(demo_copy)
    try:
        cid = stores.public.query("SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> } ORDER BY ?c LIMIT 1",
                                  union=True).values()[0]["c"].rsplit("/", 1)[1]
        body = assessment(stores, cid)
        assert body["plan"] == expected.PLAN and body["framework_version"]
        verdicts = {i["verdict"] for i in body["indicators"]}
        assert verdicts & {"above", "as-expected", "below"}
        assert all(i["verdict"] in (None, "above", "as-expected", "below") for i in body["indicators"])
    finally:
        stores.close()


def test_each_checkpoints_lines_are_fitted_before_any_page_asks(client):
    """The service fits the lines of the checkpoint it starts with, and of each one a write
    publishes, in the background (expected.LineWarmer): the first page after a start or an
    upload no longer fits them itself."""
    import time

    stores = client.app.state.stores

    def fitted_for(generation: str, bound_s: float = 30.0) -> bool:  # a liveness bound: seconds at most here
        deadline = time.monotonic() + bound_s
        while time.monotonic() < deadline:
            cache = getattr(stores, "_expected_cache", None)
            if cache is not None and cache[0] == (generation, VALUE_PROPERTIES["raw"]):
                return True
            time.sleep(0.05)
        return False

    first = stores.generation()
    assert fitted_for(first)
    lines = stores._expected_cache[1][2]
    assert lines and all(fit is None or fit.points >= expected.MIN_COMMUNITIES for fit in lines.values())
    stores.replace_graphs({"https://w3id.org/lcc/graphs/test/warm": [ox.Triple(
        ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.Literal("a write"))]})
    second = stores.generation()
    assert second != first
    assert fitted_for(second)
