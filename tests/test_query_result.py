"""QueryResult: an answer indexed by row, paged and read as values, on answers whose rows are known."""

from __future__ import annotations

import json
import random
from unittest import mock

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


# QueryResult._row_ends finds each row's end without decoding the rows; the way it replaced,
# decoding every row, is kept here as it was, as the reference it must agree with.
_DECODER = json.JSONDecoder()


def reference_row_ends(data: bytes) -> list[int] | None:
    """Each row's end, found by decoding the rows one by one (what QueryResult._row_ends did)."""
    text = data.decode("latin-1")
    at = text.find('{"head":')
    start = text.find('"results":{"bindings":[', at)
    if at != 0 or start < 0:
        return None
    at = start + len('"results":{"bindings":[')
    ends = []
    try:
        while text[at] == "{":
            _, at = _DECODER.raw_decode(text, at)
            ends.append(at)
            if text[at] != ",":
                break
            at += 1
        if text[at:] != "]}}":
            return None
    except (IndexError, ValueError):
        return None
    return ends


def assert_rows_found(data: bytes, rows: int) -> None:
    """``_row_ends`` agrees with the reference without decoding the whole answer, and every page
    of the indexed answer holds the whole answer's bindings for its rows."""
    with mock.patch.object(QueryResult, "_decoded_row_ends", side_effect=AssertionError("decoded whole")):
        ends = QueryResult._row_ends(data)
    assert ends is not None and list(ends) == reference_row_ends(data)
    bindings = json.loads(data)["results"]["bindings"]
    assert len(ends) == len(bindings) == rows
    assert QueryResult("solutions", data).row_count == rows
    result = QueryResult.indexed(data)
    assert result.data == data and result.row_count == rows
    for offset, limit in [(0, 1), (0, 2), (1, 3), (rows - 1, 2), (0, rows + 1), (rows, 1)]:
        page = json.loads(result.page(offset, limit).data)
        assert page["results"]["bindings"] == bindings[offset:offset + limit]
        assert page["head"] == json.loads(data)["head"]


TRICKY = ['}},{"x', '}},{"', "},{", ",{", "{}", "[]", '"],[{"', '"', "\\", "\\\\\"", 'a\nb\r\tc', "שלום},{",
          "مرحبا", "]}}", '"results":{"bindings":[', '\u2028"}', " ", "", '}, {"x"']


def select(store: ox.Store, query: str) -> bytes:
    """The SPARQL JSON pyoxigraph writes for ``query``."""
    return store.query(query).serialize(format=ox.QueryResultsFormat.JSON)


def literal(value: str) -> str:
    """``value`` as a SPARQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


@pytest.mark.parametrize("value", TRICKY)
def test_rows_are_found_in_an_engine_answer_whatever_its_values(value):
    store = ox.Store()
    rows = " ".join(f"({literal(v)} {literal(value)})" for v in ["a", value, "b"])
    data = select(store, f"SELECT ?x ?y WHERE {{ VALUES (?x ?y) {{ {rows} (UNDEF {literal(value)}) }} }}")
    assert_rows_found(data, 4)


def test_rows_are_found_with_empty_rows_anywhere():
    store = ox.Store()
    for values, rows in [("(UNDEF)", 1), ("(UNDEF) (UNDEF)", 2), ('(UNDEF) ("a") (UNDEF)', 3),
                         ('("},{") (UNDEF) ("a") (UNDEF) (UNDEF) ("{}")', 6)]:
        assert_rows_found(select(store, f"SELECT ?x WHERE {{ VALUES (?x) {{ {values} }} }}"), rows)
    # an OPTIONAL that binds nothing, and no variable at all
    assert_rows_found(select(store, "SELECT ?t WHERE { OPTIONAL { ?s ?p ?t } }"), 1)
    assert_rows_found(select(store, "SELECT * WHERE { }"), 1)


def test_rows_are_found_with_variables_named_in_any_script():
    store = ox.Store()
    data = select(store, 'SELECT ?שם ?_x ?1 ?اسم WHERE { VALUES (?שם ?_x ?1 ?اسم) '
                         '{ ("}},{\\"שם" 1 UNDEF "x") (UNDEF UNDEF UNDEF "}},{") ("a" 2 3 UNDEF) } }')
    assert_rows_found(data, 3)
    assert QueryResult.indexed(data).page(1, 1).values() == [{"اسم": "}},{"}]


def test_rows_are_found_with_triple_terms():
    store = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for i, value in enumerate(TRICKY):
        quoted = ox.Triple(s, p, ox.Literal(value))
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/r{i}"), p, ox.Triple(s, p, quoted) if i % 2 else quoted))
    data = select(store, "SELECT ?r ?o WHERE { ?r ?p ?o } ORDER BY ?r")
    assert b'"type":"triple"' in data
    assert_rows_found(data, len(TRICKY))


def test_one_row_and_no_row():
    store = ox.Store()
    assert_rows_found(select(store, 'SELECT ?x WHERE { BIND("},{" AS ?x) }'), 1)
    data = select(store, "SELECT ?x WHERE { FILTER(false) }")
    assert list(QueryResult._row_ends(data)) == reference_row_ends(data) == []


def test_rows_of_random_values_are_found_like_the_decoder_finds_them():
    rng = random.Random(20240605)
    alphabet = '{}[],:"\\ ab\nש'
    store = ox.Store()
    for _ in range(8):
        rows = []
        for _ in range(rng.randint(1, 60)):
            cells = [literal("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
                     if rng.random() < 0.7 else "UNDEF" for _ in range(2)]
            rows.append(f"({' '.join(cells)})")
        data = select(store, f"SELECT ?x ?y WHERE {{ VALUES (?x ?y) {{ {' '.join(rows)} }} }}")
        assert_rows_found(data, len(rows))


def test_rows_of_answers_written_otherwise_are_found_like_the_decoder_finds_them():
    """Layouts no engine here writes, where finding the boundaries alone would go wrong: the
    rows are decoded, and where the decoder found no rows, neither does ``_row_ends``."""
    head = b'{"head":{"vars":["x","\xd7\xa9"]},"results":{"bindings":['
    row = b'{"x":{"type":"literal","value":"a"}}'
    for rows, tail in [
        (row + b',{"\\u05e9":{"type":"literal","value":"b"}},' + row, b"]}}"),  # a name escaped
        (row + b', {"x":{"type":"literal","value":"b"}},' + row, b"]}}"),  # whitespace between rows
        (row + b' ,' + row, b"]}}"),
        (row + b',\n' + row, b"]}}"),
        (row + b',{ "x":{"type":"literal","value":"b"}}', b"]}}"),
        (b'{"x": {"type": "literal", "value": "a"}},' + row, b"]}}"),  # whitespace in a row: decoded
        (row + b',1,' + row, b"]}}"),  # not an object
        (row + b',"s",' + row, b"]}}"),
        (row, b'],"more":[{"a":{"b":1}},{"c":{"d":2}}]}}'),  # another array after the bindings
        (b'{"x":[{"a":{"b":1}},{"c":{"d":2}}]}', b"]}}"),  # an array in a row
        (b'{"x":[{"a":{"b":1}},{"c":{"d":2}}]},' + row, b"]}}"),
        (row + b"," + row + b",", b"]}}"),
        (row, b"]}} "),
    ]:
        data = head + rows + tail
        found = QueryResult._row_ends(data)
        assert (None if found is None else list(found)) == reference_row_ends(data), data
