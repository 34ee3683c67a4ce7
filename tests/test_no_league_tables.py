"""No named query lists communities ordered by an indicator value (criterion Balances: no league
tables). Every query that returns several communities returns them in the order of their IRIs,
whatever its values; analysts who want another order write it at /sparql."""

from __future__ import annotations

import pytest

from lcc_graph.catalogue import default_catalogue
from lcc_graph.namespaces import COMMUNITIES
from lcc_graph.store import open_stores


@pytest.fixture(scope="module")
def demo(demo_dir, tmp_path_factory):
    import shutil

    path = tmp_path_factory.mktemp("league") / "data"
    shutil.copytree(demo_dir, path)
    stores = open_stores(path)
    yield stores
    stores.close()


def _community_order(rows: list[dict[str, str]]) -> list[str]:
    """The communities in the order a result first names them, from the first column that holds them."""
    for column in (rows[0].keys() if rows else ()):
        values = [r.get(column) for r in rows]
        if all(v and v.startswith(COMMUNITIES) and "/" not in v[len(COMMUNITIES):] for v in values):
            order: list[str] = []
            for v in values:
                if v not in order:
                    order.append(v)
            return order
    return []


def _queries_over_all_communities():
    return [q for q in default_catalogue() if not any(p.required for p in q.params.values())]


@pytest.mark.parametrize("query", _queries_over_all_communities(), ids=lambda q: q.id)
def test_no_query_ranks_communities(demo, query):
    result = query.run(demo, {})
    if result.kind != "solutions":
        return
    order = _community_order(result.values())
    assert order == sorted(order), f"{query.id} lists communities in another order than their IRIs: {order}"


def test_the_queries_checked_do_list_communities(demo):
    """All but the dialogue questions (ordered by stage and question) list several demo communities."""
    listing = [q.id for q in _queries_over_all_communities()
               if len(_community_order(q.run(demo, {}).values())) >= 2]
    assert len(listing) >= 40


def test_the_check_sees_a_ranking(demo):
    """The check itself: communities ordered by their number of partners are caught."""
    rows = demo.public.query(
        "SELECT ?c (COUNT(?p) AS ?n) WHERE { ?p <https://w3id.org/lcc#community> ?c ; a <https://w3id.org/lcc#Partner> } "
        "GROUP BY ?c ORDER BY DESC(?n) ?c", union=True).values()
    order = _community_order(rows)
    assert len(order) == 12 and order != sorted(order)
    assert len(_queries_over_all_communities()) >= 20
