"""A program's ``GET /sparql`` is answered in front of FastAPI's router (api.fast_path), with the
same answers and the same errors as the route gives through the router; a browser, another method
or another path goes on to the router. On the demo data."""

from __future__ import annotations

import random
from urllib.parse import quote, urlencode

import pytest
from starlette.datastructures import QueryParams

from api.answer_cache import AnswerCache
from api.fast_path import SparqlFastPath, decode_query_string
from lcc_graph.errors import QueryTimeout

JSON = {"Accept": "application/sparql-results+json"}
PARTNERS = "PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) WHERE { ?p a lcc:Partner }"


def layer(client, kind):
    node = client.app.middleware_stack
    while not isinstance(node, kind):
        node = node.app
    return node


@pytest.fixture
def router_calls(client):
    """What reaches the router from behind the fast path: its (method, path, query string)."""
    fast = layer(client, SparqlFastPath)
    inner, calls = fast.app, []

    async def counting(scope, receive, send):
        if scope["type"] == "http":
            calls.append((scope["method"], scope["path"], scope["query_string"].decode()))
        await inner(scope, receive, send)

    fast.app = counting
    yield calls
    fast.app = inner


# (params, headers): each answered by the route's function in front of the router
PROGRAM_REQUESTS = [
    ({"query": PARTNERS}, JSON),
    ({"query": PARTNERS}, {"Accept": "text/csv"}),
    ({"query": PARTNERS, "format": "tsv"}, {}),
    ({"query": "ASK { ?s ?p ?o }"}, {"Accept": "application/sparql-results+xml"}),
    ({"query": "CONSTRUCT WHERE { ?s a <https://w3id.org/lcc#Community> } LIMIT 2"}, {"Accept": "text/turtle"}),
    ({"query": "SELECT * WHERE { ?s ?p }"}, JSON),  # malformed: 400
    ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, JSON),  # 400
    ({"query": "ASK {}", "update": "DROP ALL"}, JSON),  # 400
    ([("query", "ASK {}"), ("query", "ASK {}")], JSON),  # two queries: 400
    ({"query": "   "}, JSON),  # empty: 400
    ({"query": PARTNERS}, {"Accept": "image/png"}),  # 406
    ({"query": "ASK {}", "format": "nonsense"}, {}),  # 406
    ({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "default-graph-uri": "https://w3id.org/lcc/graphs/framework"},
     JSON),
    ({}, {"Accept": "text/turtle"}),  # the service description
]


@pytest.mark.parametrize("params, headers", PROGRAM_REQUESTS)
def test_a_program_is_answered_before_the_router_as_the_route_answers_it(client, router_calls, params, headers):
    fast = client.get("/sparql", params=params, headers=headers)
    assert router_calls == []
    layer(client, SparqlFastPath).path = "/not-taken"  # now the same request goes through the router
    layer(client, AnswerCache).path = "/not-kept"  # and is run again, not taken from the cache
    routed = client.get("/sparql", params=params, headers=headers)
    assert len(router_calls) == 1
    assert (fast.status_code, fast.headers.get("content-type")) == (routed.status_code, routed.headers.get("content-type"))
    assert fast.content == routed.content
    for name in ("content-security-policy", "x-content-type-options", "x-frame-options", "retry-after"):
        assert fast.headers.get(name) == routed.headers.get(name)


def test_known_answers_and_refusals_by_the_fast_path(client, router_calls):
    count = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    assert count.status_code == 200 and int(count.json()["results"]["bindings"][0]["n"]["value"]) > 0
    csv = client.get("/sparql", params={"query": PARTNERS}, headers={"Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.splitlines()[0] == "n"
    malformed = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}, headers=JSON)
    assert malformed.status_code == 400 and malformed.json()["error"] == "query_error"
    update = client.get("/sparql", params={"query": "ASK {}", "update": "DROP ALL"}, headers=JSON)
    assert update.status_code == 400 and "updates are not allowed" in update.json()["message"]
    two = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")], headers=JSON)
    assert two.status_code == 400 and two.json()["message"] == "send one query parameter, not 2"
    png = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert png.status_code == 406 and png.json()["error"] == "not_acceptable"
    cors = client.get("/sparql", params={"query": "ASK {}"}, headers={**JSON, "Origin": "https://a.example"})
    assert cors.json() == {"head": {}, "boolean": True} and cors.headers["access-control-allow-origin"] == "*"
    assert router_calls == []


def test_the_fast_paths_answers_are_kept_by_the_answer_cache(client, router_calls):
    cache = layer(client, AnswerCache)
    first = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    hits, runs = cache.hits, client.app.state.stores.pool.runs
    again = client.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    assert again.content == first.content and cache.hits == hits + 1
    assert client.app.state.stores.pool.runs == runs and router_calls == []


def test_a_browser_another_method_or_path_goes_to_the_router(client, router_calls):
    editor = client.get("/sparql", headers={"Accept": "text/html"})
    assert editor.status_code == 200 and "<html" in editor.text.lower()
    as_page = client.get("/sparql", params={"query": "ASK {}", "format": "html"})
    assert as_page.status_code == 200 and "<html" in as_page.text.lower()
    html_only = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/html"})
    assert html_only.status_code == 406  # the route's answer: a query's results are not a page
    posted = client.post("/sparql", content="ASK {}", headers={**JSON, "Content-Type": "application/sparql-query"})
    assert posted.status_code == 200 and posted.json()["boolean"] is True
    head = client.head("/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert head.status_code == 405 and "GET" in head.headers["allow"]
    put = client.put("/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert put.status_code == 405 and "GET" in put.headers["allow"]
    assert client.get("/health").status_code == 200
    assert [c[0] for c in router_calls] == ["GET", "GET", "GET", "POST", "HEAD", "PUT", "GET"]


def test_a_timeout_and_a_bug_get_the_apps_own_error_answers(client, router_calls, monkeypatch, caplog):
    stores = client.app.state.stores

    async def times_out(*args, **kwargs):
        raise QueryTimeout("the query ran past its deadline of 20 s")

    monkeypatch.setattr(stores, "query_untrusted_async", times_out)
    late = client.get("/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert late.status_code == 503 and late.headers["retry-after"] == "5"
    assert late.json() == {"error": "query_timeout", "message": "the query ran past its deadline of 20 s"}

    async def breaks(*args, **kwargs):
        raise RuntimeError("a bug with a secret in it")

    monkeypatch.setattr(stores, "query_untrusted_async", breaks)
    with caplog.at_level("ERROR", logger="lcc.api"):
        bug = client.get("/sparql", params={"query": "ASK {}"}, headers=JSON)
    assert bug.status_code == 500 and bug.json()["error"] == "internal_error" and "secret" not in bug.text
    assert "a bug with a secret in it" in caplog.text and router_calls == []


@pytest.mark.parametrize("raw", [
    b"", b"&&", b"query", b"query=", b"=x", b"a=1&a=2&b", b"q=a+b%2Bc", b"q=%25%32%30", b"q=%2541",
    b"q=%", b"q=%4", b"q=%zz", b"q=%4g%41", b"q=\\x41%5Cx41", b"q=\\N{BULLET}", b"q=\\", b"q=%5C%5C",
    b"q=%C3%A9t%C3%A9", b"q=%E2%82", b"q=%FF%FE", b"q=caf\xc3\xa9", b"q=\xff", b"q=a=b=c", b"q=%0A%23%20x",
    urlencode({"query": "SELECT * WHERE { ?s ?p 'été \\u00e9 \\\\ 100%' }", "default-graph-uri": "urn:x"}).encode(),
])
def test_query_strings_are_read_as_starlette_reads_them(raw):
    assert decode_query_string(raw).multi_items() == QueryParams(raw).multi_items()


def test_fuzzed_query_strings_are_read_as_starlette_reads_them():
    rng = random.Random(19)
    alphabet = ["a", "%", "+", "&", "=", "\\", "x", "N", "{", "}", "0", "F", "2", "5", "C", "g", " ", "\n", "é", "😀"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        raw = (text if rng.random() < 0.5 else "query=" + quote(text, safe=rng.choice(["", "%", "&=+\\"]))).encode()
        raw = raw if rng.random() < 0.8 else raw.decode().encode("latin-1", "replace")
        assert decode_query_string(raw).multi_items() == QueryParams(raw).multi_items(), raw
