"""The fast engine gives exactly pySHACL's results: demo data and edge-case fixtures.

Both engines run on the same candidate store (blank nodes keep their labels), and the results
are compared as sets of (focus node, path, value, source shape, severity, message, component).
Demo data of 100 communities takes pySHACL about 5 to 7 minutes (it evaluates SPARQL constraints
focus node by focus node): that test is marked slow and runs only with LCC_DIFFERENTIAL_100=1;
benchmarks/validation.py compares 100 communities too.
"""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest

from lcc_graph import demo
from lcc_graph.rdf_input import parse_file
from lcc_graph.validation.candidate import candidate_store, store_triples
from lcc_graph.validation.engine import run_fast
from lcc_graph.validation.reference import run_pyshacl

from .validation_cases import DATA, SILENT, STRUCTURE, TRIGGERS, triples


def keys(results) -> set[tuple]:
    return {r.key() + (r.message, r.component) for r in results}


def assert_same(data: list[ox.Triple]) -> int:
    store = candidate_store(data)
    fast = run_fast(store)
    reference = run_pyshacl(store_triples(store))
    assert len(fast) == len(set(fast)), "the fast engine repeats a result"
    only_fast, only_reference = keys(fast) - keys(reference), keys(reference) - keys(fast)
    assert not only_fast and not only_reference, {"fast only": sorted(map(str, only_fast))[:5],
                                                  "pySHACL only": sorted(map(str, only_reference))[:5]}
    return len(fast)


@pytest.fixture(scope="module")
def communities():
    return list(demo.generate(10, 0))


def test_one_demo_community(communities):
    assert assert_same(communities[0].triples) > 0


def test_ten_demo_communities_in_one_graph(communities):
    assert assert_same([t for c in communities for t in c.triples]) > 50


def test_edge_cases():
    """Ill-typed and oddly written literals, blank nodes, subclasses, literals for IRIs."""
    assert assert_same(parse_file(DATA / "edge.ttl").triples) > 20


def test_every_fixture_case_in_one_graph():
    """Every trigger, near miss and structure violation, each as its own community, together."""
    data = list(triples())
    for n, case in enumerate(TRIGGERS + SILENT + STRUCTURE):
        data.extend(triples(case.update, community=f"case-{n}"))
    assert assert_same(data) > len(TRIGGERS) + len(STRUCTURE)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("LCC_DIFFERENTIAL_100") != "1",
                    reason="pySHACL takes minutes on 100 communities: set LCC_DIFFERENTIAL_100=1")
def test_hundred_demo_communities_in_one_graph():
    assert assert_same([t for c in demo.generate(100, 0) for t in c.triples]) > 1000
