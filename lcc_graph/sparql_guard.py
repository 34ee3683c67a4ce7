"""Checks on query text before any parser sees it, and on the parsed algebra after."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QueryError


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on ad hoc query text."""

    max_bytes: int = 20_000
    max_depth: int = 64


def nesting_depth(text: str) -> int:
    """The deepest nesting of (), {}, [] and << >> outside strings, IRIs and comments: SPARQL
    shares Turtle's lexical rules, so the upload pre-check's linear scanner serves both."""
    from .rdf_input import turtle_depth

    return turtle_depth(text)


def check_query_text(text: str, limits: QueryLimits = QueryLimits()) -> None:
    """Refuse query text that is too large or too deeply nested to parse safely."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryError(f"the query is {size} bytes; the limit is {limits.max_bytes}")
    depth = nesting_depth(text)
    if depth > limits.max_depth:
        raise QueryError(f"the query nests {depth} levels deep; the limit is {limits.max_depth}")


def _walk(node: object, seen: set[int] | None = None):
    """Every CompValue below a parse result."""
    from rdflib.plugins.sparql.parserutils import CompValue

    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, (list, tuple)):
        for item in node:
            yield from _walk(item, seen)
    elif hasattr(node, "asList") and not isinstance(node, str):
        for item in node:
            yield from _walk(item, seen)


@dataclass(frozen=True)
class ReadQuery:
    """What the checks learnt of a read query."""

    form: str
    has_dataset: bool  # FROM / FROM NAMED: the query names its own (local) graphs
    from_default: tuple[str, ...] = ()  # the FROM graphs written as full IRIs
    from_named: tuple[str, ...] = ()  # the FROM NAMED graphs written as full IRIs
    from_unresolved: int = 0  # FROM / FROM NAMED clauses written otherwise (prefixed names)


def check_read_query(text: str, limits: QueryLimits = QueryLimits()) -> ReadQuery:
    """Check an ad hoc read query; returns its form (SELECT, ASK, CONSTRUCT, DESCRIBE) and dataset.

    Refuses, with a message that says why: text over the size or nesting limits, updates,
    malformed queries, and ``SERVICE`` anywhere in the parsed query (the engines would call out).
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    check_query_text(text, limits)
    try:
        parsed = parser.parseQuery(text)
    except ParseException as exc:
        try:
            parser.parseUpdate(text)
        except (ParseException, RecursionError, Exception):
            raise QueryError(f"malformed query: {exc.msg} at line {exc.lineno}, column {exc.col}") from exc
        raise QueryError("updates are not allowed: this endpoint is read-only") from exc
    except RecursionError as exc:
        raise QueryError("the query nests too deeply to parse") from exc
    form = "SELECT"
    has_dataset = False
    default: list[str] = []
    named: list[str] = []
    unresolved = 0
    for comp in _walk(parsed):
        if comp.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not allowed: this endpoint never calls other endpoints")
        if comp.name in ("SelectQuery", "AskQuery", "ConstructQuery", "DescribeQuery"):
            form = comp.name[: -len("Query")].upper()
            clauses = dict.get(comp, "datasetClause") or []
            has_dataset = has_dataset or bool(clauses)
            for clause in clauses:
                for key, into in (("default", default), ("named", named)):
                    iri = dict.get(clause, key)
                    if iri is not None and type(iri).__name__ == "URIRef":
                        into.append(str(iri))
                    elif iri is not None:
                        unresolved += 1
    return ReadQuery(form, has_dataset, tuple(default), tuple(named), unresolved)
