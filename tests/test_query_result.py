"""QueryResult: an answer indexed by row, paged and read as values, on answers whose rows are known."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from lcc_graph.store.base import QueryResult

# Literals that look like the answer's own structure, non-ASCII text (each byte of UTF-8 must be
# counted once), an unbound variable, a number and an empty string.
ROWS = 'VALUES (?x ?y) { ("a},{\\"b" 1) ("é}}]}" UNDEF) ("שלום" "") ("مرحبا" 2) (UNDEF 3) }'
EXPECTED = [{"x": 'a},{"b', "y": "1"}, {"x": "é}}]}"}, {"x": "שלום", "y": ""}, {"x": "مرحبا", "y": "2"},
            {"y": "3"}]


def answer(where: str) -> bytes:
    """The SPARQL JSON pyoxigraph writes for ``SELECT ?x ?y WHERE { where }``."""
    return ox.Store().query(f"SELECT ?x ?y WHERE {{ {where} }}").serialize(format=ox.QueryResultsFormat.JSON)


def test_an_engine_answer_is_indexed_in_place_and_paged_by_row():
    data = answer(ROWS)
    result = QueryResult.indexed(data)
    assert result.data == data  # kept as the engine wrote it, not written again
    assert result.row_count == 5
    assert QueryResult("solutions", data).row_count == 5  # counted without an index too
    assert result.values() == EXPECTED
    for offset, limit in [(0, 2), (1, 3), (4, 10), (5, 10), (0, 100)]:
        page = result.page(offset, limit)
        assert page.values() == EXPECTED[offset:offset + limit]
        assert json.loads(page.data)["head"] == {"vars": ["x", "y"]}


def test_an_empty_answer_has_no_rows():
    result = QueryResult.indexed(answer("FILTER(false)"))
    assert result.row_count == 0
    assert result.page(0, 10).values() == []


def test_an_answer_laid_out_otherwise_is_written_again_row_by_row():
    pretty = json.dumps(json.loads(answer(ROWS)), indent=2, ensure_ascii=True).encode()
    assert QueryResult("solutions", pretty).row_count == 5
    result = QueryResult.indexed(pretty)
    assert result.data != pretty
    assert result.row_count == 5
    assert result.page(1, 2).values() == EXPECTED[1:3]


def test_values_give_blank_node_ids_like_the_terms_do():
    data = ox.Store().query('SELECT ?b WHERE { BIND(BNODE("n") AS ?b) }').serialize(format=ox.QueryResultsFormat.JSON)
    result = QueryResult("solutions", data)
    (row,) = result.values()
    assert row["b"] == result.rows()[0]["b"].value


def test_values_of_a_graph_answer_are_refused():
    with pytest.raises(TypeError):
        QueryResult("graph", b"").values()
