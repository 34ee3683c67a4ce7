"""Typed query parameters: check a value against its type and make it an RDF term."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pyoxigraph as ox

from ..namespaces import COMMUNITIES, SLUG_RE, XSD

PARAM_TYPES = ("iri", "literal", "integer", "decimal", "boolean", "date")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}
_MAX_LENGTH = 2_000

Term = ox.NamedNode | ox.Literal


class ParamError(ValueError):
    """A value that is not of its parameter's type; the message names the parameter."""


@dataclass(frozen=True)
class Param:
    """One declared parameter of a catalogue query."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""

    def term(self, value: str) -> Term:
        """The RDF term for a value, or ParamError naming this parameter."""
        text = str(value)
        if len(text) > _MAX_LENGTH:
            raise ParamError(f"parameter {self.name}: the value is longer than {_MAX_LENGTH} characters")
        if self.type == "iri" and self.name == "community" and SLUG_RE.fullmatch(text.strip()):
            text = COMMUNITIES + text.strip()  # a community by its id, as the API paths and the CLI name it
        try:
            return _CONVERTERS[self.type](text.strip() if self.type != "literal" else text)
        except ValueError as exc:
            raise ParamError(f"parameter {self.name}: {text!r} is not a valid {self.type} ({exc})") from exc


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)  # pyoxigraph refuses relative IRIs and characters like < > " { } space


def _literal(text: str) -> ox.Literal:
    return ox.Literal(text)


def _integer(text: str) -> ox.Literal:
    if not _INTEGER.match(text):
        raise ValueError("expected digits, e.g. 3")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))


def _decimal(text: str) -> ox.Literal:
    if not _DECIMAL.match(text):
        raise ValueError("expected a decimal number, e.g. 0.5")
    value = Decimal(text)
    lexical = format(value, "f")
    if "." not in lexical:
        lexical += ".0"
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "decimal"))


def _boolean(text: str) -> ox.Literal:
    key = text.lower()
    if key not in _BOOLEANS:
        raise ValueError("expected true or false")
    return ox.Literal(_BOOLEANS[key], datatype=ox.NamedNode(XSD + "boolean"))


def _date(text: str) -> ox.Literal:
    if not _DATE.match(text):
        raise ValueError("expected YYYY-MM-DD")
    return ox.Literal(date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(XSD + "date"))


_CONVERTERS = {
    "iri": _iri,
    "literal": _literal,
    "integer": _integer,
    "decimal": _decimal,
    "boolean": _boolean,
    "date": _date,
}
