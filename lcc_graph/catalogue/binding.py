"""Binding parameters: a ``VALUES`` block placed first in the query's top-level ``WHERE``.

The same text goes to every engine. The query's own tokens are scanned (strings, IRIs and
comments skipped, brace and parenthesis depth tracked, subqueries recognised) to find the
top-level ``WHERE`` group and the variables the top-level query uses; pyoxigraph then parses the
bound query. ``parse_checked`` cross-checks the same facts on rdflib's parse tree (the tests run it
on every shipped query). Values are terms written by pyoxigraph, so they cannot close the block
or the query. The same scan finds where the grammar puts dataset clauses (``FROM <graph>``), so a
query's scope can be written into its text (``dataset_clauses``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'',
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.:]*")
_VAR = re.compile(r"[?$]([A-Za-z0-9_]+)")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


class BindingError(ValueError):
    """The query has no place for a VALUES block, or the block would not land first."""


@dataclass(frozen=True)
class Analysis:
    """What the scan of a query found."""

    form: str  #: SELECT, CONSTRUCT, ASK or DESCRIBE
    offset: int  #: just after the ``{`` that opens the top-level WHERE group
    injectable: bool  #: False for ``CONSTRUCT WHERE { triples }``, where VALUES cannot go
    projection: tuple[str, ...]  #: projected variables of a SELECT (empty for ``SELECT *``)
    variables: frozenset[str]  #: variables the top-level query uses, outside subqueries
    #: where dataset clauses go: at the top-level ``WHERE`` keyword, else at the ``{`` of the
    #: top-level WHERE group (after the SELECT clause, the CONSTRUCT template or ``ASK``)
    dataset_offset: int = 0


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """(offset, token): words upper-cased, ``?name`` variables, braces and parentheses."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
        elif c in "\"'":
            m = _STRING.match(text, i)
            if not m:
                raise BindingError(f"unterminated string at offset {i}")
            i = m.end()
        elif c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1
        elif c in "?$":
            m = _VAR.match(text, i)
            if m:
                yield i, "?" + m.group(1)
                i = m.end()
            else:
                i += 1
        elif c in "{}()":
            yield i, c
            i += 1
        else:
            m = _WORD.match(text, i)
            if m:
                yield i, m.group().upper()
                i = m.end()
            else:
                i += 1


def names_graphs(text: str) -> bool:
    """Whether the query names graphs (``GRAPH``, ``FROM``, ``FROM NAMED``), strings, IRIs and
    comments skipped."""
    return any(token in ("GRAPH", "FROM") for _, token in _tokens(text))


def analyse(text: str) -> Analysis:
    """Scan a query: its form, where its top-level WHERE group opens, what it projects and uses.

    For SELECT, ASK and DESCRIBE the WHERE group is the first ``{`` outside any brace or
    parenthesis (a projection's ``EXISTS {}`` sits inside parentheses); for CONSTRUCT the template
    group comes first. The short form ``CONSTRUCT WHERE { ... }`` holds only triples: no VALUES
    block can go there (``injectable`` is False).
    A subquery (``{ SELECT ...}``) contributes only the variables it projects.
    Dataset clauses go just before the first ``WHERE`` outside any brace or parenthesis after the
    form's keyword (a subquery's is inside braces), else before the WHERE group's ``{``.
    """
    tokens = list(_tokens(text))
    braces = parens = 0
    form: str | None = None
    offset: int | None = None
    dataset_offset: int | None = None
    template: bool | None = None
    injectable = True
    projection: list[str] = []
    variables: set[str] = set()
    subquery_depths: list[int] = []  # brace depth at which each open subquery started
    in_projection = False  # between a SELECT keyword and its WHERE group
    previous = ""
    after_as = False
    for position, token in tokens:
        if form == "CONSTRUCT" and template is None:
            template = token == "{"
            injectable = template
        if token == "{":
            if form is not None and braces == 0 and parens == 0 and offset is None:
                if form == "CONSTRUCT" and template:
                    template = False
                else:
                    offset = position + 1
                    dataset_offset = position if dataset_offset is None else dataset_offset
            in_projection = False
            braces += 1
        elif token == "}":
            braces -= 1
            if subquery_depths and braces == subquery_depths[-1]:
                subquery_depths.pop()
        elif token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token == "SELECT" and previous == "{":
            subquery_depths.append(braces - 1)
            in_projection = True
        elif token in _FORMS and form is None and braces == 0 and parens == 0:
            form = token
            in_projection = token == "SELECT"
        elif token == "WHERE":
            in_projection = False
            if form is not None and braces == 0 and parens == 0 and offset is None and dataset_offset is None:
                dataset_offset = position
        elif token.startswith("?"):
            name = token[1:]
            top_projection = in_projection and not subquery_depths
            if top_projection and (parens == 0 or after_as):
                projection.append(name)
            exported = len(subquery_depths) == 1 and in_projection and (parens == 0 or after_as)
            if not subquery_depths or exported:
                variables.add(name)
        after_as = token == "AS"
        previous = token
    if form is None:
        raise BindingError("no SELECT, CONSTRUCT, ASK or DESCRIBE form found")
    if offset is None:
        raise BindingError("no top-level WHERE group found")
    return Analysis(form, offset, injectable, tuple(dict.fromkeys(projection)), frozenset(variables),
                    dataset_offset if dataset_offset is not None else offset - 1)


def values_block(names: Sequence[str], terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> str:
    """``VALUES (?a ?b) { (<x> UNDEF) }``: one row, UNDEF for an absent value."""
    cells = " ".join("UNDEF" if terms.get(n) is None else str(terms[n]) for n in names)
    variables = " ".join(f"?{n}" for n in names)
    return f"\n  VALUES ({variables}) {{ ({cells}) }}\n"


def dataset_clauses(graphs: Sequence[str]) -> str:
    """One ``FROM <graph>`` line per graph (IRIs written by pyoxigraph, so checked), in order."""
    return "".join(f"FROM {ox.NamedNode(graph)}\n" for graph in graphs)


def inject_dataset(text: str, offset: int, graphs: Sequence[str]) -> str:
    """The query text with the ``FROM`` lines of ``graphs`` at ``offset`` (``Analysis.dataset_offset``),
    each on a line of its own: spaces and tabs before the offset are dropped, a line break added."""
    before = text[:offset].rstrip(" \t")
    newline = "" if not before or before.endswith(("\n", "\r")) else "\n"
    return before + newline + dataset_clauses(graphs) + text[offset:]


def inject(text: str, offset: int, block: str) -> str:
    """The query text with the block inserted at ``offset``."""
    return text[:offset] + block + text[offset:]


def parse_checked(text: str, names: Sequence[str]) -> tuple[object, set[str]]:
    """Cross-check with rdflib: the VALUES block of ``names`` is first in the top-level group.

    Returns rdflib's parse of the query and the variables the top-level query uses besides the
    VALUES block: in its WHERE group (a subquery contributes only what it projects) and in its
    projection, GROUP BY, HAVING and ORDER BY (where ``SAMPLE(?param)`` reads a parameter).
    Raises BindingError if the block is not first, pyparsing's error if the query is malformed.
    """
    from rdflib.plugins.sparql.parser import parseQuery

    query = parseQuery(text)[1]
    if "where" not in query:
        raise BindingError("the query has no WHERE group")
    where = query["where"]
    parts = list(where["part"]) if "part" in where else []
    if names:
        first = parts[0] if parts else None
        if getattr(first, "name", None) != "InlineData" or [str(v) for v in first["var"]] != list(names):
            raise BindingError("the VALUES block did not land first in the top-level WHERE group")
        parts = parts[1:]
    found: set[str] = set()
    _collect(parts, found)
    for key, value in query.items():
        if key != "where":
            _collect(value, found)
    return query, found


def _collect(node: object, found: set[str]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    if isinstance(node, Variable):
        found.add(str(node))
    elif isinstance(node, CompValue):
        if node.name == "SubSelect":
            # (CompValue.get returns the key itself when it is missing: test with `in`.)
            if "projection" not in node:  # SELECT *: everything its pattern binds
                _collect(node["where"], found)
            else:
                for item in node["projection"]:
                    _collect(item["var"] if "var" in item else item["evar"], found)
            return
        for value in node.values():
            _collect(value, found)
    elif isinstance(node, (list, tuple)) or (hasattr(node, "asList") and not isinstance(node, str)):
        for item in node:
            _collect(item, found)
