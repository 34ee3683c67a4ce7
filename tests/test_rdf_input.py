"""Reading RDF from outside: formats, base IRIs, clear errors, nothing fetched or expanded."""

from __future__ import annotations

import pytest

from lcc_graph.errors import ParseError, UnsafeInput, UnsupportedFormat
from lcc_graph.rdf_input import parse_rdf

BASE = "https://w3id.org/lcc/communities/demo/"


def test_relative_iris_land_under_the_community_base():
    parsed = parse_rdf(b"<partners/1> <https://w3id.org/lcc#community> <../demo> .", "text/turtle", base_iri=BASE)
    (triple,) = parsed.triples
    assert triple.subject.value == BASE + "partners/1"
    assert triple.object.value == "https://w3id.org/lcc/communities/demo"


def test_syntax_error_names_line_and_column():
    with pytest.raises(ParseError, match=r"line 2"):
        parse_rdf(b"@prefix ex: <http://e/> .\nex:a ex:b \"unterminated ;", "text/turtle")


def test_doctype_refused_before_parsing():
    bomb = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' \
           b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    with pytest.raises(UnsafeInput, match="DOCTYPE"):
        parse_rdf(bomb, "application/rdf+xml")


def test_remote_jsonld_context_is_not_fetched():
    doc = b'{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://a", "p": 1}'
    with pytest.raises(ParseError, match="remote context|LoadDocumentCallback"):
        parse_rdf(doc, "application/ld+json")


def test_unsupported_media_type_and_bad_encoding():
    with pytest.raises(UnsupportedFormat):
        parse_rdf(b"x", "application/pdf")
    with pytest.raises(ParseError, match="not UTF-8"):
        parse_rdf("<a> <b> \"é\" .".encode("latin-1"), "text/turtle", base_iri=BASE)


def test_triple_limit():
    data = b"".join(b"<s> <p> %d .\n" % i for i in range(11))
    with pytest.raises(ParseError, match="limit is 10"):
        parse_rdf(data, "text/turtle", base_iri=BASE, max_triples=10)
