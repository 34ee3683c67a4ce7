"""Binding parameters: a ``VALUES`` block placed first in the query's top-level ``WHERE``.

The same text goes to every engine. The place is found by scanning the query's own tokens
(strings, IRIs and comments skipped, brace and parenthesis depth tracked), and checked at load
time against rdflib's parse of the result: the ``VALUES`` block must come out as the first
element of the top-level group. Values are terms written by pyoxigraph, so they cannot close
the block or the query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'',
    re.DOTALL,
)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.:]*")
_VAR = re.compile(r"[?$][A-Za-z0-9_]+")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")


class BindingError(ValueError):
    """The query has no place for a VALUES block (no top-level WHERE group)."""


def _tokens(text: str) -> Iterable[tuple[int, str]]:
    """(offset, token) for words, braces and parentheses; strings, IRIs, comments skipped."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c in "\"'":
            m = _STRING.match(text, i)
            if not m:
                raise BindingError(f"unterminated string at offset {i}")
            i = m.end()
            continue
        if c == "<":
            m = _IRIREF.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in "?$":
            m = _VAR.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c in "{}()":
            yield i, c
            i += 1
            continue
        m = _WORD.match(text, i)
        if m:
            yield i, m.group().upper()
            i = m.end()
            continue
        i += 1


def where_offset(text: str) -> int:
    """The offset just after the ``{`` that opens the query's top-level ``WHERE`` group.

    For SELECT, ASK and DESCRIBE that is the first ``{`` outside any brace or parenthesis (a
    projection's ``EXISTS {}`` sits inside parentheses); for CONSTRUCT the template group is
    skipped first. The short form ``CONSTRUCT WHERE { triples }`` cannot take a VALUES block.
    """
    braces = parens = 0
    form: str | None = None
    template: bool | None = None  # CONSTRUCT: is the token after the keyword a template group?
    for offset, token in _tokens(text):
        if form == "CONSTRUCT" and template is None:
            template = token == "{"
            if not template:
                raise BindingError("the short form CONSTRUCT WHERE { ... } cannot take parameters")
        if token == "{":
            if braces == 0 and parens == 0 and form is not None:
                if form == "CONSTRUCT" and template:
                    template = False  # this is the template: the WHERE group comes after it
                else:
                    return offset + 1
            braces += 1
        elif token == "}":
            braces -= 1
        elif token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif form is None and braces == 0 and parens == 0 and token in _FORMS:
            form = token
    raise BindingError("no top-level WHERE group found")


def values_block(names: Sequence[str], terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> str:
    """``VALUES (?a ?b) { (<x> UNDEF) }``: one row, UNDEF for an absent value."""
    cells = " ".join("UNDEF" if terms.get(n) is None else str(terms[n]) for n in names)
    variables = " ".join(f"?{n}" for n in names)
    return f"\n  VALUES ({variables}) {{ ({cells}) }}\n"


def inject(text: str, offset: int, block: str) -> str:
    """The query text with the block inserted at ``offset``."""
    return text[:offset] + block + text[offset:]


def parse_checked(text: str, names: Sequence[str]) -> tuple[object, set[str]]:
    """Parse a query whose top-level group starts with the VALUES block of ``names``.

    Returns rdflib's parse of the query and the variables the top-level query uses besides the
    VALUES block: in its WHERE group (a subquery contributes only what it projects) and in its
    projection, GROUP BY, HAVING and ORDER BY (where ``SAMPLE(?param)`` reads a parameter). Raises BindingError if the block is not
    the first element of the top-level group, ValueError (pyparsing's) if the query is malformed.
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
