"""Real SPARQL clients against a live server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from .live import live_server

pytestmark = pytest.mark.slow
PREFIX = "PREFIX lcc: <https://w3id.org/lcc#>\n"


@pytest.fixture(scope="module")
def endpoint(demo_dir, tmp_path_factory):
    import shutil

    data = tmp_path_factory.mktemp("live") / "data"
    shutil.copytree(demo_dir, data)
    with live_server(data) as base:
        yield f"{base}/sparql"


def test_sparqlwrapper_select_ask_construct(endpoint):
    sw = SPARQLWrapper(endpoint)
    sw.setReturnFormat(JSON)
    sw.setQuery(PREFIX + "SELECT (COUNT(?c) AS ?n) WHERE { ?c a lcc:Community }")
    assert sw.query().convert()["results"]["bindings"][0]["n"]["value"] == "12"
    sw.setQuery(PREFIX + "ASK { <https://w3id.org/lcc/criteria/penetration> a lcc:Criterion }")
    assert sw.query().convert()["boolean"] is True
    sw.setMethod("POST")
    sw.setReturnFormat(TURTLE)
    sw.setQuery(PREFIX + "CONSTRUCT { ?c a lcc:Criterion } WHERE { ?c a lcc:Criterion }")
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) == 21


def test_rdflib_sparqlstore_select_ask_construct(endpoint):
    g = Graph(store=SPARQLStore(endpoint, returnFormat="json"))
    rows = list(g.query(PREFIX + "SELECT ?slug WHERE { ?c a lcc:Criterion ; <http://www.w3.org/2004/02/skos/core#notation> ?slug } ORDER BY ?slug"))
    assert [str(r[0]) for r in rows][:3] == ["balances", "change", "diversity"] and len(rows) == 21
    assert g.query(PREFIX + "ASK { ?c a lcc:Community }").askAnswer is True
    built = g.query(PREFIX + "CONSTRUCT { ?d <http://www.w3.org/2004/02/skos/core#broader> ?c } WHERE "
                    "{ ?d <http://www.w3.org/2004/02/skos/core#broader> ?c . ?c a lcc:Criterion }").graph
    assert len(built) == 3
