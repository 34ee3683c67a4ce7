"""``/queries``: the catalogue, typed parameters, pagination, formats, OpenAPI."""

from __future__ import annotations

from lcc_graph.catalogue import default_catalogue


def test_catalogue_lists_every_query(client):
    body = client.get("/queries").json()
    ids = {q["id"] for q in body["queries"]}
    assert ids == set(default_catalogue().ids())
    cross = next(q for q in body["queries"] if q["id"] == "cross-sector-partnerships")
    assert cross["params"]["min_sectors"]["type"] == "integer"
    assert cross["question"].startswith("To what extent are different sectors collaborating")


def test_named_query_with_parameters_and_pagination(client):
    all_rows = client.get("/queries/cross-sector-partnerships", params={"min_sectors": "1", "limit": "10000"}).json()
    total = all_rows["total"]
    assert total == len(all_rows["rows"]) and total > 20
    r = client.get("/queries/cross-sector-partnerships", params={"min_sectors": "1", "limit": "5", "offset": "5"})
    page = r.json()
    assert page["rows"] == all_rows["rows"][5:10]
    assert r.headers["X-Total-Count"] == str(total)
    assert 'rel="next"' in r.headers["Link"] and 'rel="prev"' in r.headers["Link"]
    two = client.get("/queries/cross-sector-partnerships", params={"min_sectors": "2", "limit": "10000"}).json()
    assert two["total"] == sum(1 for row in all_rows["rows"] if int(row["sectors"]) >= 2)
    csv = client.get("/queries/cross-sector-partnerships", params={"min_sectors": "1", "limit": "3", "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == 4


def test_pages_of_a_named_query_come_from_one_run(client):
    cache = client.app.state.stores.pool.cache
    hits, misses = cache.hits, cache.misses
    pages = [client.get("/queries/visibility", params={"limit": "7", "offset": str(offset)}).json()
             for offset in (0, 7, 14)]
    assert (cache.hits - hits, cache.misses - misses) == (2, 1)  # one run, three pages
    everything = client.get("/queries/visibility", params={"limit": "10000"}).json()
    assert [row for page in pages for row in page["rows"]] == everything["rows"][:21]
    assert len({page["total"] for page in pages}) == 1 and pages[0]["total"] == everything["total"] > 21


def test_wrong_parameter_is_400_naming_it(client):
    r = client.get("/queries/cross-sector-partnerships", params={"min_sectors": "two"})
    assert r.status_code == 400
    assert "min_sectors" in r.json()["message"]
    r = client.get("/queries/cross-sector-partnerships", params={"community": "not an iri"})
    assert r.status_code == 400 and "community" in r.json()["message"]
    r = client.get("/queries/cross-sector-partnerships", params={"colour": "red"})
    assert r.status_code == 400 and "colour" in r.json()["message"]
    assert client.get("/queries/no-such-query").status_code == 404


def test_every_query_is_in_openapi_with_its_parameters(client):
    paths = client.get("/openapi.json").json()["paths"]
    for q in default_catalogue():
        op = paths[f"/queries/{q.id}"]["get"]
        names = {p["name"] for p in op.get("parameters", [])}
        assert set(q.params) <= names, q.id
        assert {"limit", "offset"} <= names


def test_a_browser_gets_the_empty_form_for_a_query_with_required_parameters(client):
    r = client.get("/queries/peer-comparison", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "<form" in r.text
    assert client.get("/queries/peer-comparison").status_code == 400  # a program is told what is missing


def test_the_catalogue_lists_each_querys_scope(client):
    queries = {q["id"]: q for q in client.get("/queries").json()["queries"]}
    assert queries["citizen-involvement"]["scope"] == ["data"]
    assert queries["findings-in-unesco-terms"]["scope"] == ["data", "findings", "framework/criteria", "framework/unesco"]
    assert queries["peer-comparison"]["scope"] == []  # it reads every peer


def test_a_query_page_reads_the_communities_choices_once_per_checkpoint(client):
    """The community selector's labels are found among every label of the store (0.5 s at 1,000
    communities): kept with the checkpoint's answers, not read again for each page."""
    pool = client.app.state.stores.pool
    assert client.app.state.line_warmer.settle()
    first = client.get("/queries/indicator-needs-addressed", headers={"Accept": "text/html"})
    assert first.status_code == 200 and "https://w3id.org/lcc/communities/" in first.text
    runs, hits = pool.runs, pool.cache.hits
    again = client.get("/queries/indicator-needs-addressed?lang=ar", headers={"Accept": "text/html"})
    assert again.status_code == 200 and 'dir="rtl"' in again.text
    # the query's answer and the choices came from the cache; only the shown rows' labels were read
    assert pool.cache.hits == hits + 2 and pool.runs == runs + 1
    options = again.text.count("<option")
    assert options == first.text.count("<option") and options >= 12
