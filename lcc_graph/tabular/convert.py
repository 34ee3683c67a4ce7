"""Rows to RDF through the mapping, keeping where every triple came from.

Each row of a table sheet becomes one resource: ``{community base}{folder}/{id}`` (its Id cell,
else an id made from its name), typed with the table's class and linked to the community. Each
filled cell becomes triples by its column's kind: a language-tagged name, a typed literal
(numbers, dates and yes/no read leniently: numbers as text, date cells, trailing spaces), a
concept named by label, slug or IRI, or a reference to rows of other sheets by id or name. A
cell that cannot be read is a :class:`Problem` naming its sheet, row, column and value; the rest
of the file is still read, so that one upload reports every problem at once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from ..errors import ParseError
from ..namespaces import LCC, PREFIXES, RDF, SLUG_RE, XSD, community_base, community_iri
from ..validation.report import Location as Origin
from .mapping import LANGS, Column, Mapping, Table, fold, load_mapping
from .reading import Cell, Sheet, as_date, column_letter
from .vocab import column_values, match_key

_TYPE = ox.NamedNode(RDF + "type")
_COMMUNITY = ox.NamedNode(LCC + "community")
SEPARATORS = re.compile(r"[;\u061b\n]")
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:\S")
_BAD_IRI_CHARS = re.compile(r'[\s<>"{}|\\^`]')
_INTEGER = re.compile(r"^[+-]?\d+$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
TRUE_WORDS = {"true", "yes", "y", "1", "כן", "نعم", "صح"}
FALSE_WORDS = {"false", "no", "n", "0", "לא", "لا", "خطأ"}


@dataclass
class Problem:
    """A cell (or row, sheet, file) that cannot become data as written."""

    kind: str
    message: str
    hint: str
    origin: Origin | None = None
    subject: ox.NamedNode | ox.BlankNode | None = None
    predicate: str | None = None
    label: str | None = None


@dataclass
class Converted:
    """The triples a file gives, where each came from, and the problems met on the way."""

    triples: list[ox.Triple]
    origins: dict[ox.Triple, Origin]
    rows: dict[ox.NamedNode | ox.BlankNode, Origin]
    columns: dict[tuple, Origin]  # (subject, predicate) -> the column's header cell in the subject's row
    problems: list[Problem]
    labels: dict[ox.NamedNode | ox.BlankNode, str] = field(default_factory=dict)


# ---- cell values


def canonical_decimal(number: Decimal) -> str:
    """The canonical xsd:decimal form Oxigraph stores: no exponent, no trailing zeros, '0' for zero."""
    if number == 0:
        return "0"
    text = format(number.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def float_text(value: float) -> str:
    """A spreadsheet number as decimal text (the shortest form that reads back the same)."""
    if value != value or value in (float("inf"), float("-inf")):
        return repr(value)
    return canonical_decimal(Decimal(repr(value)))


def cell_text(value: Any) -> str:
    """A cell's value as the person wrote it, as text (numbers without '.0', dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def ascii_digits(text: str) -> str:
    """Digits of any script as ASCII digits (Arabic-Indic ١٢٣ is 123), and the Arabic decimal and
    thousands separators as '.' and ','."""
    out = []
    for ch in text:
        if ch == "\u066b":
            out.append(".")
        elif ch == "\u066c":
            out.append(",")
        elif ch.isdigit() and not ch.isascii():
            out.append(str(unicodedata.digit(ch, 0)))
        else:
            out.append(ch)
    return "".join(out)


class CellError(ValueError):
    """A cell value that does not fit its column: the message says what was expected."""


def read_integer(value: Any) -> str:
    """A whole number: a number cell, or text with optional spaces or thousands separators."""
    if isinstance(value, bool):
        raise CellError("a whole number is expected, not yes/no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        raise CellError("a whole number is expected (no decimals)")
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("a whole number is expected, not a date")
    text = _SPACES.sub("", ascii_digits(str(value)))
    if _THOUSANDS.match(text) and "." not in text:
        text = text.replace(",", "")
    if _INTEGER.match(text):
        return str(int(text))
    raise CellError("a whole number is expected, e.g. 1200")


def read_decimal(value: Any) -> str:
    """A number: a number cell, or text with a decimal point (or comma), spaces or thousands separators."""
    if isinstance(value, bool):
        raise CellError("a number is expected, not yes/no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError("a number is expected")
        return float_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellError("a number is expected, not a date")
    text = _SPACES.sub("", ascii_digits(str(value)))
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    elif _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    if not _DECIMAL.match(text):
        raise CellError("a number is expected, e.g. 1200 or 3.5, without a unit or currency sign")
    try:
        return canonical_decimal(Decimal(text))
    except InvalidOperation as exc:
        raise CellError("a number is expected") from exc


def read_date(value: Any) -> str:
    """A day: a date cell, or text YYYY-MM-DD."""
    day = as_date(value)
    if day is not None:
        return day.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError("a date is expected (a date cell or YYYY-MM-DD), not a number")
    text = ascii_digits(str(value).strip())
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as exc:
            raise CellError(f"{text} is not a day of the calendar") from exc
    raise CellError("a date is expected: a date cell, or text written YYYY-MM-DD (e.g. 2025-09-01)")


def read_boolean(value: Any) -> str:
    """Yes or no: a TRUE/FALSE cell, 1/0, or yes/no in English, Hebrew or Arabic."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and value in (0, 1):
        return "true" if value == 1 else "false"
    key = match_key(cell_text(value))
    if key in TRUE_WORDS:
        return "true"
    if key in FALSE_WORDS:
        return "false"
    raise CellError("yes or no is expected")


def read_literal(column: Column, value: Any) -> ox.Literal:
    """The literal a cell of a literal or label column gives (CellError if it does not fit)."""
    if column.kind == "label":
        return ox.Literal(cell_text(value).strip(), language=column.lang)
    datatype = column.datatype or XSD + "string"
    local = datatype[len(XSD):] if datatype.startswith(XSD) else datatype
    if local == "integer":
        return ox.Literal(read_integer(value), datatype=ox.NamedNode(datatype))
    if local == "decimal":
        return ox.Literal(read_decimal(value), datatype=ox.NamedNode(datatype))
    if local == "date":
        return ox.Literal(read_date(value), datatype=ox.NamedNode(datatype))
    if local == "boolean":
        return ox.Literal(read_boolean(value), datatype=ox.NamedNode(datatype))
    text = cell_text(value).strip()
    if local == "anyURI":
        if _BAD_IRI_CHARS.search(text):
            raise CellError("a web address is expected (no spaces), e.g. https://example.org/our-network")
        return ox.Literal(text, datatype=ox.NamedNode(datatype))
    return ox.Literal(text)


# ---- ids and references


def slug(text: str) -> str:
    """An id made from a name: lower case, letters and digits of any script, '-' between words."""
    text = unicodedata.normalize("NFKC", text).casefold()
    out = re.sub(r"[^\w]+|_", "-", text, flags=re.UNICODE).strip("-")
    return re.sub(r"-{2,}", "-", out)[:60].strip("-")


def id_iri(table: Table, text: str, base: str) -> str:
    """The IRI an Id cell names: ``{base}{folder}/{id}``; a path with '/' relative to the
    community's base; an absolute IRI as it is."""
    text = text.strip()
    if not text or _BAD_IRI_CHARS.search(text):
        raise CellError("an id is letters, digits and '-' without spaces (or a web address)")
    if _ABSOLUTE.match(text):
        iri = text
    elif "/" in text:
        iri = urljoin(base, text)
    else:
        iri = f"{base}{table.folder}/{text}"
    try:
        ox.NamedNode(iri)
    except ValueError as exc:
        raise CellError(f"not a usable id: {exc}") from exc
    return iri


def id_text(table: Table, iri: str, base: str) -> str:
    """What an Id cell holds for an IRI (the inverse of :func:`id_iri`)."""
    own = f"{base}{table.folder}/"
    if iri.startswith(own) and "/" not in iri[len(own):] and iri[len(own):]:
        return iri[len(own):]
    if iri.startswith(base):
        rest = iri[len(base):]
        return rest if "/" in rest else "./" + rest
    return iri


@dataclass
class _Index:
    """One table's rows, as references find them: by id text, by IRI, by any name."""

    ids: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    iris: dict[str, object] = field(default_factory=dict)
    names: dict[str, set] = field(default_factory=lambda: defaultdict(set))


class Resolver:
    """Finds the row a reference cell names, among the rows of the sheets a column refers to."""

    def __init__(self, mapping: Mapping, base: str) -> None:
        self.mapping = mapping
        self.base = base
        self.index: dict[str, _Index] = defaultdict(_Index)
        self.folders = {t.folder for t in mapping.tables if t.folder}

    def add(self, table: str, subject: ox.NamedNode, id_cell: str | None, names: list[str]) -> None:
        """Make a row findable."""
        idx = self.index[table]
        idx.iris[subject.value] = subject
        if id_cell:
            idx.ids[id_cell.strip()].add(subject)
        for name in names:
            if name.strip():
                idx.names[match_key(name)].add(subject)

    def candidates(self, text: str, targets: tuple[str, ...]) -> set:
        """Every row of ``targets`` the text names, by id, IRI or name."""
        text = text.strip()
        key = match_key(text)
        found: set = set()
        iri = None
        if _ABSOLUTE.match(text):
            iri = text
        elif "/" in text and text.split("/", 1)[0] in (*self.folders, "."):
            iri = urljoin(self.base, text)
        for name in targets:
            idx = self.index.get(name)
            if idx is None:
                continue
            found |= idx.ids.get(text, set())
            found |= idx.names.get(key, set())
            if iri is not None and iri in idx.iris:
                found.add(idx.iris[iri])
        return found

    def resolve(self, column: Column, text: str) -> ox.NamedNode:
        """The one resource a reference cell names (CellError: none, or several)."""
        found = self.candidates(text, column.targets)
        if len(found) == 1:
            return next(iter(found))
        sheets = ", ".join(repr(self.mapping.table(t).title("en")) for t in column.targets) or "this service"
        if len(found) > 1:
            raise CellError(f"{text!r} names {len(found)} different rows of {sheets}: use the row's id instead")
        text = text.strip()
        if _ABSOLUTE.match(text) and not _BAD_IRI_CHARS.search(text):
            try:
                return ox.NamedNode(text)
            except ValueError:
                pass
        if column.external == "community" and not column.targets and SLUG_RE.fullmatch(text):
            return ox.NamedNode(community_iri(text))
        if "/" in text and text.split("/", 1)[0] in (*self.folders, ".") and not _BAD_IRI_CHARS.search(text):
            return ox.NamedNode(urljoin(self.base, text))
        if not column.targets:
            raise CellError(f"{text!r} names no community: write the other community's id in this service")
        raise CellError(f"{text!r} names no row of {sheets}: no row there has this name or id")


# ---- the statements sheet


def _curie(text: str) -> str:
    text = text.strip()
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if _ABSOLUTE.match(text):
        return text
    raise CellError(f"{text!r} is not a property: write its web address or a short name such as rdfs:comment")


class _Blanks:
    def __init__(self) -> None:
        self.nodes: dict[str, ox.BlankNode] = {}

    def get(self, label: str) -> ox.BlankNode:
        return self.nodes.setdefault(label, ox.BlankNode())


def _node(text: str, base: str, blanks: _Blanks) -> ox.NamedNode | ox.BlankNode:
    text = text.strip()
    if text.startswith("_:") and len(text) > 2:
        return blanks.get(text[2:])
    if not text or _BAD_IRI_CHARS.search(text):
        raise CellError("a row id such as partners/school, or a web address, is expected")
    iri = text if _ABSOLUTE.match(text) else urljoin(base, text)
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise CellError(f"not a usable id or web address: {exc}") from exc


def statement_value(value: Any, kind: str, base: str, blanks: _Blanks) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The object of a row of the statements sheet: its value (exactly as written) of its type."""
    text = cell_text(value)
    kind = (kind or "").strip()
    if kind.lower() == "iri":
        return _node(text, base, blanks)
    if kind.startswith("@"):
        try:
            return ox.Literal(text, language=kind[1:])
        except ValueError as exc:
            raise CellError(f"{kind!r} is not a language tag") from exc
    if kind:
        try:
            return ox.Literal(text, datatype=ox.NamedNode(_curie(kind)))
        except ValueError as exc:
            raise CellError(f"{kind!r} is not a datatype") from exc
    return ox.Literal(text)


# ---- the conversion


HINTS = {
    "unknown-sheet": "Rename the sheet to one of the template's sheets, or delete it.",
    "duplicate-sheet": "Keep one sheet of each kind.",
    "unknown-column": "Rename the column to one of the template's columns (see the Instructions sheet), or delete it.",
    "duplicate-column": "Keep one column of each kind in a sheet.",
    "unknown-value": "Choose a value from the cell's list (the Lists sheet has them all).",
    "bad-value": "Write the value as the column's description says (see the Instructions sheet).",
    "unresolved-reference": "Write the name or id of a row of the sheet the column refers to, exactly as it is there.",
    "ambiguous-reference": "Write the row's id instead of its name.",
    "duplicate-id": "Give each row its own id (or its own name when the id is left empty).",
    "no-name": "Give the row a name (or an id).",
    "bad-id": "Use letters, digits and '-' for ids.",
    "one-row": "Describe the community in the first row only.",
    "formula": "Type the value itself, or open the file in a spreadsheet program and save it so that the formula's value is saved too.",
    "unreadable": "Save the file again as .xlsx (or as CSV UTF-8 files in a zip).",
}


class _Builder:
    def __init__(self, mapping: Mapping, community_id: str) -> None:
        self.mapping = mapping
        self.community_id = community_id
        self.base = community_base(community_id)
        self.community = ox.NamedNode(community_iri(community_id))
        self.resolver = Resolver(mapping, self.base)
        self.triples: dict[ox.Triple, Origin] = {}
        self.rows: dict = {}
        self.columns: dict[tuple, Origin] = {}
        self.labels: dict = {}
        self.problems: list[Problem] = []
        self.blanks = _Blanks()

    def problem(self, kind: str, message: str, origin: Origin | None, subject=None, predicate: str | None = None) -> None:
        self.problems.append(Problem(kind, message, HINTS.get(kind, ""), origin, subject, predicate,
                                     self.labels.get(subject) if subject is not None else None))

    def add(self, triple: ox.Triple, origin: Origin) -> None:
        self.triples.setdefault(triple, origin)


def _header(sheet: Sheet, table: Table, build: _Builder) -> tuple[dict[int, tuple[Column, str]], int]:
    """Column number -> (column, header text) for the first filled row; the header row number."""
    header = sheet.rows[0]
    names: dict[str, Column] = {}
    for c in table.columns:
        for n in c.header_names():
            names[n] = c
    found: dict[int, tuple[Column, str]] = {}
    seen: dict[str, int] = {}
    data_columns = {cell.column for row in sheet.rows[1:] for cell in row}
    for cell in header:
        text = cell_text(cell.value).strip()
        column = names.get(fold(text))
        origin = Origin(sheet.name, cell.row, text, cell.coordinate, text)
        if column is None:
            if cell.column in data_columns:
                build.problem("unknown-column", f"the column {text!r} is not a column of the sheet {sheet.name!r}: "
                              f"its cells are not read", origin)
            continue
        if column.name in seen:
            build.problem("duplicate-column", f"the column {text!r} appears twice in the sheet {sheet.name!r}", origin)
            continue
        seen[column.name] = cell.column
        found[cell.column] = (column, text)
    return found, header[0].row


def _sheet_language(table: Table, header: dict[int, tuple[Column, str]]) -> str:
    votes = {lang: sum(1 for c, text in header.values() if fold(c.titles.get(lang, "")) == fold(text)) for lang in LANGS}
    return max(LANGS, key=lambda lang: votes[lang])


def _row_cells(row: list[Cell], header: dict[int, tuple[Column, str]]) -> dict[str, tuple[Cell, str]]:
    out = {}
    for cell in row:
        if cell.formula:  # no value to read: reported on its own
            continue
        if cell.column in header:
            column, text = header[cell.column]
            out[column.name] = (cell, text)
    return out


def convert(sheets: list[Sheet], community_id: str, *, mapping: Mapping | None = None) -> Converted:
    """The triples of the sheets (ownership, validation and the rest come after), with their origins
    and every problem found."""
    mapping = mapping or load_mapping()
    build = _Builder(mapping, community_id)
    skip = {fold(mapping.word("instructions", lang)) for lang in LANGS} | {fold(mapping.word("lists", lang)) for lang in LANGS}
    skip |= {"instructions", "lists", "readme"}
    matched: list[tuple[Table, Sheet]] = []
    taken: dict[str, str] = {}
    for sheet in sheets:
        if fold(sheet.name) in skip:
            continue
        for kind, cell, message in sheet.problems:
            origin = Origin(sheet.name, cell.row, None, cell.coordinate, cell_text(cell.value)) if cell else Origin(sheet.name, 0)
            build.problem("unreadable", message, origin)
        table = next((t for t in mapping.tables if fold(sheet.name) in t.sheet_names()), None)
        if table is None:
            if sheet.rows:
                names = ", ".join(repr(t.title("en")) for t in mapping.tables)
                build.problem("unknown-sheet", f"the sheet {sheet.name!r} is not one of the template's sheets ({names})",
                              Origin(sheet.name, sheet.rows[0][0].row))
            continue
        if table.name in taken:
            if sheet.rows:
                build.problem("duplicate-sheet", f"the sheets {taken[table.name]!r} and {sheet.name!r} are both "
                              f"{table.title('en')!r}", Origin(sheet.name, sheet.rows[0][0].row))
            continue
        taken[table.name] = sheet.name
        if sheet.rows:
            matched.append((table, sheet))

    # First pass: every row's subject, so that references can find rows of any sheet.
    laid: list[tuple[Table, Sheet, dict, list]] = []
    seen_subjects: dict[str, Origin] = {}
    for table, sheet in matched:
        header, header_row = _header(sheet, table, build)
        lang = _sheet_language(table, header)
        entries = []
        for row in sheet.rows[1:]:
            cells = _row_cells(row, header)
            origin = Origin(sheet.name, row[0].row)
            for cell in row:
                if cell.formula:
                    text = header.get(cell.column, (None, column_letter(cell.column)))[1]
                    build.problem("formula", f"the cell {cell.coordinate} holds a formula whose value was not saved",
                                  Origin(sheet.name, cell.row, text, cell.coordinate, ""))
            if table.statements:
                entries.append((None, origin, cells))
                continue
            subject = _row_subject(table, cells, origin, build, seen_subjects, header)
            if subject is None:
                continue
            entries.append((subject, origin, cells))
        laid.append((table, sheet, {"lang": lang, "header": header}, entries))

    # Second pass: the cells.
    for table, sheet, info, entries in laid:
        for subject, origin, cells in entries:
            if table.statements:
                _statement(cells, origin, build)
                continue
            _row_triples(table, subject, origin, cells, info["lang"], build)
    triples = list(build.triples)
    return Converted(triples, dict(build.triples), build.rows, build.columns, build.problems, build.labels)


def _names(table: Table, cells: dict[str, tuple[Cell, str]]) -> list[tuple[str, str]]:
    out = []
    for lang in ("en", "he", "ar"):
        for c in table.columns:
            if c.kind == "label" and c.lang == lang and c.name in cells:
                text = cell_text(cells[c.name][0].value).strip()
                if text:
                    out.append((lang, text))
    return out


def _row_subject(table: Table, cells: dict, origin: Origin, build: _Builder, seen: dict[str, Origin],
                 header: dict) -> ox.NamedNode | None:
    """The resource a row describes (None when it has none: reported)."""
    names = _names(table, cells)
    if table.folder is None:  # the community sheet: one row, the community itself
        if build.community in build.rows:
            build.problem("one-row", f"the sheet {origin.sheet!r} describes the community in one row; "
                          f"row {origin.row} is not read", origin)
            return None
        subject = build.community
        build.rows[subject] = origin
        build.resolver.add(table.name, subject, None, [n for _, n in names])
        if names:
            build.labels[subject] = names[0][1]
        return subject
    id_cell = cells.get("id")
    id_written = cell_text(id_cell[0].value).strip() if id_cell else ""
    try:
        if id_written:
            iri = id_iri(table, id_written, build.base)
        elif names:
            made = slug(names[0][1]) or f"row-{origin.row}"
            iri = id_iri(table, made, build.base)
        else:
            build.problem("no-name", f"row {origin.row} of the sheet {origin.sheet!r} has neither a name nor an id: "
                          "it is not read", origin)
            return None
    except CellError as exc:
        cell, text = id_cell
        build.problem("bad-id", str(exc), Origin(origin.sheet, origin.row, text, cell.coordinate, id_written))
        return None
    where = (Origin(origin.sheet, origin.row, id_cell[1], id_cell[0].coordinate, id_written) if id_cell else
             _first_name_origin(table, cells, origin))
    if iri in seen:
        first = seen[iri]
        build.problem("duplicate-id", f"rows {first.row} ({first.sheet!r}) and {origin.row} describe the same "
                      f"{table.title('en').lower()[:-1] if table.title('en').endswith('s') else table.title('en').lower()} "
                      f"(id {iri.rsplit('/', 1)[-1]!r})", where)
        return None
    seen[iri] = origin
    subject = ox.NamedNode(iri)
    build.rows[subject] = origin
    build.resolver.add(table.name, subject, id_written or None, [n for _, n in names])
    if names:
        build.labels[subject] = names[0][1]
    return subject


def _first_name_origin(table: Table, cells: dict, origin: Origin) -> Origin:
    for c in table.columns:
        if c.kind == "label" and c.name in cells:
            cell, text = cells[c.name]
            return Origin(origin.sheet, origin.row, text, cell.coordinate, cell_text(cell.value))
    return origin


def _row_triples(table: Table, subject: ox.NamedNode, origin: Origin, cells: dict, lang: str, build: _Builder) -> None:
    if table.rdf_class:
        build.add(ox.Triple(subject, _TYPE, ox.NamedNode(table.rdf_class)), origin)
    if table.folder is not None:
        build.add(ox.Triple(subject, _COMMUNITY, build.community), origin)
    for column in table.columns:
        if column.kind == "id" or column.predicate is None:
            continue
        predicate = ox.NamedNode(column.predicate)
        if column.name not in cells:
            continue
        cell, header_text = cells[column.name]
        written = cell_text(cell.value)
        where = Origin(origin.sheet, origin.row, header_text, cell.coordinate, written)
        build.columns.setdefault((subject, column.predicate), where)
        parts = [p for p in SEPARATORS.split(written)] if column.multi and isinstance(cell.value, str) else [cell.value]
        for part in parts:
            if isinstance(part, str) and not part.strip():
                continue
            try:
                value = _value(column, part, lang, build)
            except CellError as exc:
                kind = ("unresolved-reference" if column.kind == "reference" and "names no" in str(exc) else
                        "ambiguous-reference" if column.kind == "reference" else
                        "unknown-value" if column.kind == "concept" else "bad-value")
                build.problem(kind, str(exc), where, subject, column.predicate)
                continue
            build.add(ox.Triple(subject, predicate, value), where)


def _value(column: Column, part: Any, lang: str, build: _Builder):
    if column.kind in ("label", "literal"):
        return read_literal(column, part)
    text = cell_text(part).strip()
    if column.kind == "concept":
        values = column_values(column)
        concept = values.find(text)
        if concept is not None:
            return ox.NamedNode(concept.iri)
        if _ABSOLUTE.match(text) and not _BAD_IRI_CHARS.search(text):
            return ox.NamedNode(text)
        allowed = ", ".join(c.label(lang) for c in values.concepts[:12])
        more = f" (and {len(values.concepts) - 12} more)" if len(values.concepts) > 12 else ""
        raise CellError(f"{text!r} is not one of the allowed values: {allowed}{more}")
    if column.kind == "reference":
        return build.resolver.resolve(column, text)
    raise CellError(f"the column kind {column.kind!r} is not known")


def _statement(cells: dict, origin: Origin, build: _Builder) -> None:
    def part(name: str):
        if name not in cells:
            return None, None
        cell, text = cells[name]
        return cell, Origin(origin.sheet, origin.row, text, cell.coordinate, cell_text(cell.value))

    s_cell, s_where = part("subject")
    p_cell, p_where = part("property")
    v_cell, v_where = part("value")
    t_cell, t_where = part("value_type")
    missing = [n for n, c in (("subject", s_cell), ("property", p_cell), ("value", v_cell)) if c is None]
    if missing:
        build.problem("bad-value", f"row {origin.row} of {origin.sheet!r} needs a subject, a property and a value "
                      f"(missing: {', '.join(missing)})", origin)
        return
    try:
        subject = _node(cell_text(s_cell.value), build.base, build.blanks)
    except CellError as exc:
        build.problem("bad-value", str(exc), s_where)
        return
    try:
        predicate = ox.NamedNode(_curie(cell_text(p_cell.value)))
    except (CellError, ValueError) as exc:
        build.problem("bad-value", str(exc), p_where, subject)
        return
    try:
        value = statement_value(v_cell.value, cell_text(t_cell.value) if t_cell else "", build.base, build.blanks)
    except (CellError, ValueError) as exc:
        build.problem("bad-value", str(exc), t_where or v_where, subject, predicate.value)
        return
    build.rows.setdefault(subject, origin)
    build.add(ox.Triple(subject, predicate, value), v_where)


def check_size(converted: Converted, max_triples: int) -> None:
    """Refuse a file that makes more triples than an upload may have, or none at all."""
    if len(converted.triples) > max_triples:
        raise ParseError(f"too many triples: the limit is {max_triples}")
    if not converted.triples and not converted.problems:
        raise ParseError("the file has no filled rows: fill in the template's sheets (an empty upload would "
                         "erase the community's data)")
