"""A community's data written into the templates, so that uploading the file again gives the same data.

Each resource typed with a table's class is a row; each triple goes into the column that takes
it only if reading that cell back gives the very same triple (the same reader an upload uses:
labels back to the concept, names back to the row, numbers to the same decimal); whatever no
column can carry exactly (a second value of a one-value column, an agenda in a language, another
property, a blank node) goes to the "Other statements" sheet, one statement a row, exactly as it is.
Only statements that no spreadsheet cell can hold (characters XML forbids) are left out and
counted (``Filled.not_exported``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from ..namespaces import LCC, PREFIXES, RDF, XSD, community_base, community_iri
from .convert import (
    CellError, Resolver, SEPARATORS, _ABSOLUTE, _BAD_IRI_CHARS, canonical_decimal, id_iri, id_text, read_literal,
)
from .mapping import LANGS, Column, Mapping, Table, load_mapping
from .vocab import column_values
from .workbook import Filled

_TYPE = RDF + "type"
_COMMUNITY = LCC + "community"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]")
_NUMBERS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in _NUMBERS.split(text))


def _cell_for_literal(column: Column, literal: ox.Literal) -> Any:
    """The cell value that reads back as this literal, or None when none does."""
    local = (column.datatype or "").rsplit("#", 1)[-1]
    candidates: list[Any] = []
    text = literal.value
    if column.kind == "label":
        candidates = [text]
    elif local == "integer":
        try:
            candidates = [int(text)]
        except ValueError:
            candidates = [text]
    elif local == "decimal":
        try:
            number = float(text)
            candidates = [number] if canonical_decimal_safe(number) == text else [text]
        except ValueError:
            candidates = [text]
    elif local == "date":
        try:
            day = dt.date.fromisoformat(text)
            candidates = [day] if day.year >= 1900 else [text]
        except ValueError:
            candidates = [text]
    elif local == "boolean":
        candidates = [text == "true"] if text in ("true", "false") else []
    else:
        candidates = [text]
    for value in candidates:
        try:
            if read_literal(column, value) == literal and _writable(value):
                return value
        except CellError:
            continue
    return None


def canonical_decimal_safe(number: float) -> str | None:
    """The decimal text a float cell reads back as (None for infinities and NaN)."""
    from decimal import Decimal

    if number != number or number in (float("inf"), float("-inf")):
        return None
    return canonical_decimal(Decimal(repr(number)))


def _writable(value: Any) -> bool:
    return not (isinstance(value, str) and _ILLEGAL.search(value))


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w\-.]*", iri[len(ns):] or "-"):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


class _Exporter:
    def __init__(self, triples: list[ox.Triple], community_id: str, lang: str, mapping: Mapping) -> None:
        self.triples = triples
        self.community_id = community_id
        self.lang = lang
        self.mapping = mapping
        self.base = community_base(community_id)
        self.community = ox.NamedNode(community_iri(community_id))
        self.resolver = Resolver(mapping, self.base)
        self.by_subject: dict[Any, list[ox.Triple]] = defaultdict(list)
        for t in triples:
            self.by_subject[t.subject].append(t)
        self.used: set[ox.Triple] = set()
        self.rows: dict[str, list[tuple[Any, dict[str, Any]]]] = defaultdict(list)
        self.blank_labels: dict[ox.BlankNode, str] = {}

    def table_of(self, subject: Any) -> Table | None:
        if not isinstance(subject, ox.NamedNode):
            return None
        types = {t.object.value for t in self.by_subject[subject] if t.predicate.value == _TYPE
                 and isinstance(t.object, ox.NamedNode)}
        for table in self.mapping.tables:
            if table.rdf_class not in types:
                continue
            if table.folder is None:
                if subject == self.community:
                    return table
                continue
            if subject == self.community:
                continue
            try:
                if id_iri(table, id_text(table, subject.value, self.base), self.base) == subject.value:
                    return table
            except CellError:
                continue
        return None

    def labels(self, table: Table, subject: Any) -> dict[str, ox.Literal]:
        """The one label per language the name columns carry (the first in sort order)."""
        out: dict[str, ox.Literal] = {}
        for t in sorted(self.by_subject[subject], key=lambda t: str(t.object)):
            if not isinstance(t.object, ox.Literal):
                continue
            if t.predicate.value != "http://www.w3.org/2000/01/rdf-schema#label" or t.object.language not in LANGS:
                continue
            column = next(c for c in table.columns if c.kind == "label" and c.lang == t.object.language)
            if t.object.language not in out and _cell_for_literal(column, t.object) is not None:
                out[t.object.language] = t.object
        return out

    def run(self) -> Filled:
        placed: list[tuple[Table, Any]] = []
        for subject in sorted(self.by_subject, key=lambda s: _natural(str(s))):
            table = self.table_of(subject)
            if table is None or table.statements:
                continue
            names = self.labels(table, subject)
            self.resolver.add(table.name, subject, id_text(table, subject.value, self.base) if table.folder else None,
                              [lit.value.strip() for lit in names.values()])
            placed.append((table, subject))
        for table, subject in placed:
            self.rows[table.name].append((subject, self.row(table, subject)))
        filled = Filled(community=self.community_id)
        for table in self.mapping.tables:
            filled.rows[table.name] = [values for _, values in self.rows.get(table.name, [])]
        other, skipped = self.statements()
        filled.rows["other"] = other
        filled.not_exported = skipped
        return filled

    def row(self, table: Table, subject: ox.NamedNode) -> dict[str, Any]:
        values: dict[str, Any] = {}
        own = self.by_subject[subject]
        for t in own:
            if t.predicate.value == _TYPE and t.object == ox.NamedNode(table.rdf_class):
                self.used.add(t)
            if table.folder is not None and t.predicate.value == _COMMUNITY and t.object == self.community:
                self.used.add(t)
        if table.folder is not None:
            values["id"] = id_text(table, subject.value, self.base)
        names = self.labels(table, subject)
        for column in table.columns:
            if column.kind == "label":
                lit = names.get(column.lang or "")
                if lit is not None:
                    values[column.name] = _cell_for_literal(column, lit)
                    self.used.add(ox.Triple(subject, ox.NamedNode(column.predicate), lit))
                continue
            if column.kind == "id" or column.predicate is None:
                continue
            objects = sorted((t.object for t in own if t.predicate.value == column.predicate and t not in self.used),
                             key=lambda o: _natural(str(o)))
            cells: list[Any] = []
            for obj in objects:
                cell = self.cell(column, obj)
                if cell is None:
                    continue
                cells.append(cell)
                self.used.add(ox.Triple(subject, ox.NamedNode(column.predicate), obj))
                if not column.multi:
                    break
            if cells:
                values[column.name] = "; ".join(str(c) for c in cells) if column.multi and len(cells) > 1 else cells[0]
        return values

    def cell(self, column: Column, obj: Any) -> Any:
        """The cell text or value that reads back as ``obj`` in this column, or None."""
        if column.kind == "literal":
            if not isinstance(obj, ox.Literal):
                return None
            value = _cell_for_literal(column, obj)
            if value is not None and column.multi and isinstance(value, str) and SEPARATORS.search(value):
                return None
            return value
        if not isinstance(obj, ox.NamedNode):
            return None
        if column.kind == "concept":
            values = column_values(column)
            concept = values.by_iri(obj.value)
            options = [concept.label(self.lang), concept.slug] if concept else []
            options.append(obj.value)
            for text in options:
                found = values.find(text)
                if (found is not None and found.iri == obj.value) or (found is None and text == obj.value
                                                                      and _ABSOLUTE.match(text)):
                    if not (column.multi and SEPARATORS.search(text)):
                        return text
            return None
        if column.kind == "reference":
            options: list[str] = []
            for table_name in column.targets:
                idx = self.resolver.index.get(table_name)
                if idx is None or obj.value not in idx.iris:
                    continue
                table = self.mapping.table(table_name)
                lits = self.labels(table, obj)
                ordered = sorted(lits.items(), key=lambda kv: (kv[0] != self.lang, LANGS.index(kv[0])))
                options += [lit.value.strip() for _, lit in ordered]
                options.append(id_text(table, obj.value, self.base))
                options.append(f"{table.folder}/{id_text(table, obj.value, self.base)}")
            if obj.value.startswith(self.base):
                options.append(obj.value[len(self.base):])
            if column.external == "community" and not column.targets and obj.value.startswith(community_iri("x")[:-1]):
                options.append(obj.value.rsplit("/", 1)[-1])
            options.append(obj.value)
            for text in options:
                if not text or (SEPARATORS.search(text)) or not _writable(text):
                    continue
                try:
                    if self.resolver.resolve(column, text) == obj:
                        return text
                except CellError:
                    continue
            return None
        return None

    def node_text(self, node: Any) -> str | None:
        if isinstance(node, ox.BlankNode):
            return "_:" + self.blank_labels.setdefault(node, f"b{len(self.blank_labels) + 1}")
        iri = node.value
        if iri.startswith(self.base):
            rest = iri[len(self.base):]
            if rest and not rest.startswith(("/", ".", "_:")) and not _ABSOLUTE.match(rest) \
                    and urljoin(self.base, rest) == iri and not _BAD_IRI_CHARS.search(rest):
                return rest
        return iri

    def statements(self) -> tuple[list[dict[str, Any]], int]:
        rows: list[dict[str, Any]] = []
        skipped = 0
        rest = [t for t in self.triples if t not in self.used]
        for t in sorted(rest, key=lambda t: (_natural(str(t.subject)), str(t.predicate), str(t.object))):
            subject = self.node_text(t.subject)
            if isinstance(t.object, ox.Literal):
                value = t.object.value
                if t.object.language:
                    kind = "@" + t.object.language
                elif t.object.datatype.value == XSD + "string":
                    kind = ""
                else:
                    kind = _curie(t.object.datatype.value)
            else:
                value, kind = self.node_text(t.object), "iri"
            if not _writable(value) or not value.strip() or not _writable(subject or ""):
                skipped += 1
                continue
            rows.append({"subject": subject, "property": _curie(t.predicate.value), "value": value,
                         "value_type": kind})
        return rows, skipped


def fill(triples: list[ox.Triple], community_id: str, lang: str = "en", *, mapping: Mapping | None = None) -> Filled:
    """A community's data as rows of the templates (what :func:`workbook_bytes` and
    :func:`csv_zip_bytes` write)."""
    return _Exporter(list(triples), community_id, lang, mapping or load_mapping()).run()
