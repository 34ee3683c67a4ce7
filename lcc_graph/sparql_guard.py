"""Checks on ad hoc query text: a bounded, linear scan of its tokens, before any engine sees it.

The scan decides everything the service must decide itself: size and nesting bounds, an update
instead of a query, ``SERVICE`` anywhere (pyoxigraph would call the named endpoint: it does, over
HTTP), and the query's own FROM / FROM NAMED graphs. It costs well under a millisecond a
kilobyte and holds no parser: the full parse is the engine's (pyoxigraph's Rust parser in a
query worker, or the remote engine), which refuses malformed text with its own message. Query
workers have no network besides (``lcc_graph.store.workers.isolate_network``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .errors import QueryError


@dataclass(frozen=True)
class QueryLimits:
    """Bounds on ad hoc query text."""

    max_bytes: int = 20_000
    max_depth: int = 64


# One alternation, tried in order at each position after white space: what the SPARQL grammar
# reads as one token (found by one finditer pass: a comment is a token the scan skips; an
# unterminated string's quote is an ``other`` token, the engine refuses such text anyway).
# Strings follow STRING_LITERAL1/2 and their long forms (an escape is a backslash and one
# character), IRIs IRIREF, numbers INTEGER/DECIMAL/DOUBLE (``1.e3`` is one), variables VARNAME.
# A run of name characters is read whole, with its prefixed-name part and the local part's
# escapes (``ex:a\#``), so every token is found in one pass (re-reading a run from each of its
# letters was quadratic). pyoxigraph matches a keyword with no word boundary (``SERVICESILENT``,
# ``trueSERVICE``, ``SERVICEe:x`` all call out), so the checks below look *inside* names.
_TOKENS_BUT_BRACKETS = r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w*)
  | (?P<number>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[\w\-.]*:(?:[\w\-.:%]|\\[_~.\-!$&'()*+,;=/?\#@%])*|[^\W\d][\w\-.]*)"""
_TOKEN = re.compile(
    r"\s*(?:" + _TOKENS_BUT_BRACKETS + r"""
  | (?P<open><<|[({\[])
  | (?P<close>>>|[)}\]])
  | (?P<other>\S)
    )""",
    re.VERBOSE | re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
# The functions whose value changes from run to run (STRUUID contains UUID): a query that may call
# one is not deterministic. Looked for inside names too, as SERVICE is (see _TOKEN).
_VOLATILE = ("NOW", "RAND", "UUID", "BNODE")


def _expand_escapes(text: str) -> str:
    """The text with ``\\uXXXX`` and ``\\UXXXXXXXX`` written out, as SPARQL 1.1 (19.2) lets a
    parser do before it reads the query: checked too, so no keyword hides in an escape."""
    def one(m: re.Match) -> str:
        try:
            return chr(int(m.group(1) or m.group(2), 16))
        except (ValueError, OverflowError):
            return m.group()
    return _UNICODE_ESCAPE.sub(one, text)


@dataclass(frozen=True)
class ReadQuery:
    """What the checks learnt of a read query."""

    form: str
    has_dataset: bool  # FROM / FROM NAMED: the query names its own (local) graphs
    from_default: tuple[str, ...] = ()  # the FROM graphs written as full IRIs
    from_named: tuple[str, ...] = ()  # the FROM NAMED graphs written as full IRIs
    from_unresolved: int = 0  # FROM / FROM NAMED clauses written otherwise (prefixed names)
    #: no NOW(), RAND(), UUID(), STRUUID() or BNODE() anywhere (in names too, and in escapes): the
    #: same data always gives the same answer, which may then be kept until the data changes
    deterministic: bool = True


def _glued_from(word: str, form: str) -> bool:
    """Whether a name outside any bracket is FROM glued to what follows (``FROMNAMED``,
    ``FROMex:g``, ``from:g`` where a dataset clause may stand), which the engine reads as one."""
    name, colon, _ = word.partition(":")
    if not word.startswith("FROM") or word == "FROM":
        return False
    if not colon or name != "FROM":
        return True
    return form != "DESCRIBE"  # DESCRIBE from:x names a resource; SELECT * from:x is FROM :x


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _names(word: str) -> list[str]:
    """The parts of an upper-cased name token the engine may read a keyword in: the whole word
    (the prefix alone for a prefixed name) and what follows each dot."""
    name, colon, _ = word.partition(":")
    return [name if colon else word, *word.split(".")[1:]]


# Past the dataset clauses (the first ``{`` once the form is known), the checks act on two things
# only: nesting, and a name holding SERVICE, a volatile call, FROM or NAMED. In text without a
# backslash, ``<<`` or ``>>``, every ``#``, quote and ``<`` starts a token or stands inside a
# comment, string or IRI, so _LITERALS, the first three of _TOKEN's alternatives in its order,
# finds exactly the comments, strings and IRIs _TOKEN would; what is left holds brackets only as
# bracket tokens. When it holds none of those names either, the rest's nesting is counted from its
# brackets alone and its tokens are not read one by one: a 4 KB catalogue query is checked twice as
# fast (1.07 -> 0.49 ms), with the same answer (tests/test_read_check.py compares both on fuzzed text).
_LITERALS = re.compile("|".join(re.sub(r"\(\?P<\w+>", "(?:", alternative)
                                for alternative in _TOKENS_BUT_BRACKETS.split("\n  | ")[:3]), re.VERBOSE | re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^(){}\[\]]+")
_WATCHED = ("SERVICE", *_VOLATILE, "FROM", "NAMED")


def _deepest_plain(rest: str, depth: int) -> int | None:
    """The deepest nesting in ``rest`` (text from a token boundary) from ``depth``, or None when
    it must be read token by token (a backslash, ``<<``, ``>>``, or a name the checks act on)."""
    if "\\" in rest or "<<" in rest or ">>" in rest:
        return None
    stripped = _LITERALS.sub(" ", rest)
    upper = stripped.upper()
    if any(name in upper for name in _WATCHED):
        return None
    deepest = depth
    for bracket in _NOT_BRACKETS.sub("", stripped):
        if bracket in "({[":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def _too_deep(limits: QueryLimits) -> QueryError:
    return QueryError(f"the query nests more than {limits.max_depth} levels deep; the limit is {limits.max_depth}")


def _scan(text: str, limits: QueryLimits, *, escapes_only: bool = False, skip: bool = True) -> ReadQuery:
    """One pass over the tokens: nesting, the form, SERVICE, the dataset clauses, volatile calls.
    ``escapes_only``: the second pass, over the text with its escapes written out, which checks
    only what an escape could hide (nesting, SERVICE, volatile calls). ``skip``: past the dataset
    clauses, count the nesting of a rest that holds no name the checks act on without reading its
    tokens (the same answer; False reads every token, as tests compare)."""
    depth = deepest = 0
    volatile = False
    form: str | None = None
    default: list[str] = []
    named: list[str] = []
    unresolved = 0
    # the two words or IRIs before this token (words upper-cased), for PREFIX, FROM and FROM NAMED
    before = before2 = ""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind is None or kind == "comment":
            continue
        value = match.group(kind)
        if kind == "open":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limits.max_depth:
                    raise _too_deep(limits)
            if skip and value == "{" and form is not None and before != "FROM" and not (before == "NAMED" and before2 == "FROM"):
                skip = False  # once: past this, token by token or not at all
                rest_deepest = _deepest_plain(text[match.end():], depth)
                if rest_deepest is not None:
                    if rest_deepest > limits.max_depth:
                        raise _too_deep(limits)
                    break
        elif kind == "close":
            depth -= 1
        elif kind == "word":
            word = value.upper()
            # (every part _names gives is part of the word: a word without SERVICE or a volatile
            # call in it has none in its parts, and most words are looked at no further)
            if "SERVICE" in word and any("SERVICE" in part for part in _names(word)):
                # the keyword, or glued to what stands before or after it in a name
                raise QueryError("SERVICE is not allowed: this endpoint never calls other endpoints")
            if not volatile and any(call in word for call in _VOLATILE):
                volatile = any(call in part for part in _names(word) for call in _VOLATILE)
            if form is None and not escapes_only:
                if word in _FORMS:
                    form = word
                elif word in _UPDATES:
                    raise QueryError("updates are not allowed: this endpoint is read-only")
                elif word not in ("BASE", "PREFIX", "VERSION") and not word.endswith(":") and before != "PREFIX":
                    line, col = _line_col(text, match.start(kind))
                    raise QueryError(f"malformed query: expected SELECT, CONSTRUCT, DESCRIBE or ASK at line {line}, "
                                     f"column {col}, found {value[:40]!r}")
        if form is not None and not escapes_only:
            if kind == "word" and depth == 0 and _glued_from(word, form):
                unresolved += 1  # FROMNAMED<g>, FROM:g: the engine reads a dataset clause
            elif before == "FROM" or (before == "NAMED" and before2 == "FROM"):
                into = named if before == "NAMED" else default
                if kind == "iri":
                    into.append(value[1:-1])
                elif not (kind == "word" and word == "NAMED"):
                    unresolved += 1
        before, before2 = (word if kind == "word" else value), before
    if escapes_only:
        return ReadQuery("", False, deterministic=not volatile)
    if form is None:
        raise QueryError("malformed query: no SELECT, CONSTRUCT, DESCRIBE or ASK")
    return ReadQuery(form, bool(default or named or unresolved), tuple(default), tuple(named), unresolved,
                     deterministic=not volatile)


def check_query_text(text: str, limits: QueryLimits = QueryLimits()) -> None:
    """Refuse query text that is too large to check."""
    size = len(text.encode("utf-8"))
    if size > limits.max_bytes:
        raise QueryError(f"the query is {size} bytes; the limit is {limits.max_bytes}")


def check_read_query(text: str, limits: QueryLimits = QueryLimits()) -> ReadQuery:
    """Check an ad hoc read query; returns its form (SELECT, ASK, CONSTRUCT, DESCRIBE) and dataset.

    Refuses, with a message that says why: text over the size or nesting limits, updates, text
    that is no query at all, and ``SERVICE`` anywhere (written plainly or with escapes). Malformed
    text past its first keyword is the engine's to refuse.
    """
    check_query_text(text, limits)
    checked = _scan(text, limits)
    if ("\\u" in text or "\\U" in text) and not _scan(_expand_escapes(text), limits, escapes_only=True).deterministic:
        checked = replace(checked, deterministic=False)
    return checked
