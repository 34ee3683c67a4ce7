"""Findings that judge current work (issue 13, item 7): each shape and its indicator or query
judge the same thing, on the community's current initiatives.

A hand-written city, ``tests/data/validation/current-work.ttl`` (Riverton): four current
initiatives (homework club, active; choir, planned; reading afternoons, no status; money
mentors, active) and two that ended (a start-up incubator for talent, innovation and
entrepreneurship, deep (co-leading), discontinued and failed; elders' walks, led by and for the
elders, discontinued). "Current" is planned, active, or no ``lcc:status`` (nothing says it
ended). Learning from failure keeps every initiative: the failed incubator is the city's
recorded failure (REFLECTION).

Every known answer below was worked out by hand from the file, and each test fails on the
shapes and queries before this change (they judged ended initiatives as current, the outreach
shape knew only ``lcc:targets`` and the horizontal shape counted partnership membership).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from lcc_graph.catalogue import load_catalogue
from lcc_graph.namespaces import community_graph, framework_graph
from lcc_graph.resources import data_dir
from lcc_graph.store import EmbeddedStore
from lcc_graph.validation import validate

CITY_FILE = Path(__file__).parent / "data" / "validation" / "current-work.ttl"
CITY = "https://w3id.org/lcc/communities/riverton"
EX = CITY + "/"
SHAPES = "https://w3id.org/lcc/shapes/"
LEVEL = "https://w3id.org/lcc/levels/"

CATALOGUE = load_catalogue()


def city_triples() -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(CITY_FILE), format=ox.RdfFormat.TURTLE)]


@pytest.fixture(scope="module", params=["fast", "pyshacl"])
def report(request):
    """The city's report from each engine (the fast engine must agree with pySHACL)."""
    r = validate(city_triples(), "riverton", engine=request.param)
    assert r.conforms, [(x.source_shape, str(x.focus_node)) for x in r.violations]
    return r


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = EmbeddedStore(tmp_path_factory.mktemp("current-work") / "store")
    for ttl in sorted(data_dir("ontology").glob("*.ttl")):
        s.bulk_add(framework_graph(ttl.stem), (q.triple for q in ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)))
    s.bulk_add(community_graph("riverton"), city_triples())
    yield s
    s.close()


def findings(report, shape: str) -> set[str]:
    """The shape's results as local names: the value where there is one, else the focus node."""
    out = set()
    for r in report.results:
        if r.source_shape == SHAPES + shape:
            term = r.value if r.value is not None and r.value != r.focus_node else r.focus_node
            out.add(term.value.removeprefix(EX).removeprefix(LEVEL).removeprefix("https://w3id.org/lcc/communities/"))
    return out


def run(store, query_id: str, **params: str) -> list[dict[str, str]]:
    text = CATALOGUE.get(query_id).bind({"community": CITY, **params})
    return store.query(text, default_graph=store.graphs()).values()


def indicator(store, slug: str) -> tuple[int, int]:
    rows = run(store, f"indicator-{slug}")
    assert len(rows) <= 1
    row = rows[0] if rows else {}
    return int(row.get("count", 0)), int(row.get("base", 0))


# --------------------------------------------------------------------------- depth


def test_depth_is_measured_against_the_deepest_current_initiative(report, store):
    # current depths: homework one-off (1), reading one-off (1, no status), choir recurring (2,
    # planned), mentoring sustained (3). The discontinued incubator (co-leading, 4) no longer sets
    # the bar: shallow = two steps below 3 = homework and reading, not the choir.
    assert findings(report, "penetration-depth") == {"homework", "reading"}
    # the indicator: current initiatives that are sustained or co-leading, 1 (mentoring) of 4
    assert indicator(store, "depth-penetration") == (1, 4)
    (row,) = run(store, "penetration")
    assert (row["initiatives"], row["oneOffInitiatives"], row["recurringInitiatives"],
            row["sustainedInitiatives"], row["coLeadingInitiatives"], row["participantsTotal"]) == (
        "4", "2", "1", "1", "0", "125")  # 50 + 25 + 35 + 15


# --------------------------------------------------------------------------- talent, innovation, dynamics


def test_a_discontinued_failed_incubator_is_no_talent_or_innovation_now(report, store):
    # the incubator is the only initiative for talent, innovation or entrepreneurship
    assert findings(report, "talent-no-initiative") == {"riverton"}
    assert findings(report, "innovation-no-initiative") == {"riverton"}
    # shape fires <=> the indicator has a base and counts nothing: 0 of the 4 current initiatives
    assert indicator(store, "talent-initiatives") == (0, 4)
    assert indicator(store, "innovation-initiatives") == (0, 4)
    assert run(store, "talent-innovation-entrepreneurship") == []


def test_citizen_led_initiatives_are_judged_on_current_work(report, store):
    # the only citizen-led initiative (the walks, led by the elders) is discontinued
    assert findings(report, "dynamics-no-citizen-initiative") == {"riverton"}
    assert indicator(store, "initiatives-citizen-led") == (0, 4)


def test_learning_from_failure_keeps_every_initiative(report, store):
    # "examples documenting non-successful initiatives": the failed, discontinued incubator is
    # the community's recorded failure (REFLECTION), in the shape and in the query
    assert findings(report, "reflection-no-failure") == set()
    rows = run(store, "unsuccessful-practices")
    assert [(r["kind"], r["item"].removeprefix(EX)) for r in rows] == [("initiative", "incubator")]


# --------------------------------------------------------------------------- outreach


def test_outreach_shape_query_and_indicator_count_the_same_ways(report, store):
    # youth: only co-designs the (active) homework club -> reached
    # teens: only involved in a policy -> reached
    # elders: lead and are targeted by the walks, discontinued -> not reached now
    assert findings(report, "outreach-disengaged-not-reached") == {"elders"}
    rows = run(store, "outreach-disengaged")
    assert sorted((r["group"].removeprefix(EX), (r.get("reachedBy") or "").removeprefix(EX), r.get("how"))
                  for r in rows) == [
        ("elders", "", None),
        ("teens", "policy1", "policy involving it"),
        ("youth", "homework", "initiative co-designed with it"),
    ]
    assert indicator(store, "disengaged-groups-reached") == (2, 3)


# --------------------------------------------------------------------------- penetration


def test_horizontal_shape_and_indicator_count_the_same_partners_and_groups(report, store):
    # 7 partners + 5 groups = 12. Involved in a current initiative: college, club (members of the
    # homework alliance, which leads the homework club), youth (co-design), parents (targeted),
    # studio (leads the planned choir), library (leads the reading afternoons, no status), bank
    # (leads the mentoring), makers (targeted by it) = 8. Not: council (member only of the pact
    # that led the discontinued incubator), museum (member of a partnership that leads nothing),
    # elders (led the discontinued walks), teens (only a policy involves them).
    not_involved = findings(report, "penetration-horizontal")
    assert not_involved == {"council", "museum", "elders", "teens"}
    count, base = indicator(store, "horizontal-penetration")
    assert (count, base) == (8, 12)
    assert base - count == len(not_involved)  # the city has current initiatives: shape = base - count
    (row,) = run(store, "penetration")
    assert (row["partnersAndGroups"], row["involved"]) == ("12", "8")
    assert Decimal(row["horizontal"]) == pytest.approx(Decimal(8) / Decimal(12))


def test_vertical_levels_are_linked_by_current_initiatives(report, store):
    # partners act at municipal, regional and neighbourhood; current initiatives link municipal
    # and neighbourhood; regional only the discontinued incubator linked
    assert findings(report, "penetration-vertical") == {"regional"}
    assert indicator(store, "vertical-penetration") == (1, 4)  # mentoring: municipal and neighbourhood
    (row,) = run(store, "penetration")
    assert (row["levelsLinked"], row["multiLevelInitiatives"]) == ("2", "1")


# --------------------------------------------------------------------------- planned and status-less


def test_planned_and_status_less_initiatives_are_current(report, store):
    # the choir is planned and led by the studio, the reading afternoons have no status and are
    # led by the library: both leaders take part, and both initiatives are judged for depth
    involved_elsewhere = {"studio", "library"}
    assert not involved_elsewhere & findings(report, "penetration-horizontal")
    assert "reading" in findings(report, "penetration-depth")
    # the current initiatives are exactly homework (active), choir (planned), reading (no status)
    # and mentoring (active): the base of every indicator over initiatives
    for slug in ("talent-initiatives", "innovation-initiatives", "initiatives-citizen-led",
                 "vertical-penetration", "depth-penetration"):
        assert indicator(store, slug)[1] == 4, slug
