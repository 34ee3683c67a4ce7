"""Hostile input: no outbound requests, bombs refused at once, every failure leaves the store as it was."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

from .listener import loopback_listener

ADMIN = {"Authorization": "Bearer admin-secret"}
GOOD = b"""@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<../riverside> a lcc:Community ; rdfs:label "Riverside"@en ; lcc:population 5000 .
"""


@pytest.fixture
def app_client(demo_copy):
    app = create_app(Settings(data_dir=demo_copy, admin_token="admin-secret", max_upload_bytes=50_000,
                              max_upload_triples=500))
    with TestClient(app) as c:
        c.post("/communities", json={"id": "riverside", "label": "Riverside"}, headers=ADMIN)
        token = c.post("/communities/riverside/tokens", headers=ADMIN).json()["token"]
        c.headers.update({"Authorization": f"Bearer {token}"})
        yield c


def digest(client) -> bytes:
    return client.app.state.stores.public.canonical_nquads()


def put(client, body: bytes, media: str):
    return client.put("/communities/riverside/data", content=body, headers={"Content-Type": media})


def test_no_input_makes_the_service_call_out(app_client):
    with loopback_listener() as (url, hits):
        before = digest(app_client)
        r = app_client.post("/sparql", data={"query": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}"})
        assert r.status_code == 400 and "SERVICE" in r.json()["message"]
        r = app_client.post("/sparql", data={"query": f"PREFIX x: <{url}/> SELECT * WHERE {{ service x:s {{ ?s ?p ?o }} }}"})
        assert r.status_code == 400
        r = app_client.get("/sparql", params={"query": f"SELECT * FROM <{url}/g> FROM NAMED <{url}/n> WHERE {{ ?s ?p ?o }}"})
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        r = put(app_client, b'{"@context": "%s/context.jsonld", "@id": "../riverside", "name": "x"}' % url.encode(),
                "application/ld+json")
        assert r.status_code == 400
        xxe = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "%s/entity">]>'
               b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
               b'rdf:about="https://w3id.org/lcc/communities/riverside"><rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>') % url.encode()
        r = put(app_client, xxe, "application/rdf+xml")
        assert r.status_code == 400 and "DOCTYPE" in r.json()["message"]
        r = app_client.post("/validate?community=riverside", content=xxe, headers={"Content-Type": "application/rdf+xml"})
        assert r.status_code == 400
        assert digest(app_client) == before
        imports = GOOD + b"<../riverside> <http://www.w3.org/2002/07/owl#imports> <%s/ontology.ttl> .\n" % url.encode()
        r = put(app_client, imports, "text/turtle")
        assert r.status_code == 200, r.text
        time.sleep(0.5)
        assert hits == []


def test_billion_laughs_is_refused_at_once(app_client):
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    ) + b']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="x"><rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>'
    started = time.monotonic()
    r = put(app_client, lol, "application/rdf+xml")
    assert r.status_code == 400
    assert time.monotonic() - started < 5  # refused before any parser: milliseconds, 5 s is a liveness bound


@pytest.mark.parametrize("body, media, status, needle", [
    (b"x" * 60_000, "text/turtle", 413, "limit"),
    (GOOD, "application/pdf", 415, "unsupported media type"),
    ("<../riverside> <https://w3id.org/lcc#note> \"caf\u00e9\" .".encode("latin-1"), "text/turtle", 400, "UTF-8"),
    (GOOD + b"<../riverside> lcc:population 5000 ;\n  lcc:stage .\n", "text/turtle", 400, "line 4 column 13"),
    (b"".join(b"<../riverside> <https://w3id.org/lcc#n%d> 1 .\n" % i for i in range(501)), "text/turtle", 400, "too many triples"),
])
def test_upload_limits_and_errors_leave_the_store_as_it_was(app_client, body, media, status, needle):
    before = digest(app_client)
    r = put(app_client, body, media)
    assert r.status_code == status, r.text
    assert needle in r.json()["message"]
    assert digest(app_client) == before
