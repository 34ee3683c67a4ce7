"""benchmarks/ceiling.py measures the read path's layers on the same work: its bare pool layer
answers what the service answers, byte for byte, and its empty layer runs no query. On the demo."""

from __future__ import annotations

import pytest

JSON = {"Accept": "application/sparql-results+json"}
PARTNERS = "PREFIX lcc: <https://w3id.org/lcc#> SELECT ?p WHERE { ?p a lcc:Partner } ORDER BY ?p LIMIT 5"


@pytest.fixture
def layered(demo_copy, monkeypatch):
    from fastapi.testclient import TestClient

    from benchmarks.ceiling import layered_app

    monkeypatch.setenv("LCC_DATA_DIR", str(demo_copy))
    with TestClient(layered_app()) as client:
        yield client


def test_the_layers_answer_the_same_query_alike(layered):
    service = layered.get("/sparql", params={"query": PARTNERS}, headers=JSON)
    pool = layered.get("/ceiling/pool", params={"query": PARTNERS}, headers=JSON)
    assert service.status_code == pool.status_code == 200
    assert pool.content == service.content and len(service.json()["results"]["bindings"]) == 5
    refused = layered.get("/ceiling/pool", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert refused.status_code == 400 and b"malformed" in refused.content


def test_the_empty_layer_runs_no_query(layered):
    from benchmarks.ceiling import EMPTY_ANSWER

    state = layered.app.service.state
    assert state.line_warmer.settle()  # the start's own reads are done
    before = state.stores.pool.runs
    empty = layered.get("/ceiling/empty", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers=JSON)
    assert empty.status_code == 200 and empty.content == EMPTY_ANSWER
    assert state.stores.pool.runs == before
    layered.get("/ceiling/pool", params={"query": "ASK {}"}, headers=JSON)
    assert state.stores.pool.runs == before + 1
