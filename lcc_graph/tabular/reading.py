"""Reading untrusted workbooks and zips of CSV files, within bounds; meant to run in the upload sandbox.

An .xlsx file is a zip of XML parts, so every file is a zip first. Before anything is
decompressed the zip's directory is checked: at most ``MAX_MEMBERS`` members, at most
``MAX_UNCOMPRESSED`` bytes in all (Python's zipfile never gives more than a member's declared
size, and checks its CRC), no encryption. Every XML part is scanned for ``<!DOCTYPE`` and
``<!ENTITY`` before openpyxl sees it (entity expansion), and openpyxl itself must be reading
with defusedxml (it does when defusedxml is installed: ``openpyxl.DEFUSEDXML``), which refuses
entity declarations a second time. Workbooks are read in read-only mode with cached formula
values (``data_only``): a formula is never evaluated, and one without a saved value is reported.
At most ``MAX_ROWS`` filled rows, ``MAX_SCANNED_ROWS`` rows in all and ``MAX_COLUMNS`` columns
a sheet are read; a cell holds at most ``MAX_CELL_CHARS`` characters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParseError, PayloadTooLarge, UnsafeInput

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
MEDIA_TYPES = {XLSX: XLSX, ZIP: ZIP, "application/x-zip-compressed": ZIP, "application/x-zip": ZIP}

MAX_MEMBERS = 256
MAX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SCANNED_ROWS = 100_000
MAX_COLUMNS = 64
MAX_CELL_CHARS = 20_000
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


@dataclass
class Cell:
    """One filled cell: where it is and what it holds (text, a number, a date, a boolean)."""

    row: int
    column: int  # 1-based
    value: Any
    formula: bool = False  # a formula without a saved value: its value is unknown

    @property
    def coordinate(self) -> str:
        """The cell's A1 name."""
        return f"{column_letter(self.column)}{self.row}"


@dataclass
class Sheet:
    """The filled rows of one sheet (or CSV file), in order, and what could not be read."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    problems: list[tuple[str, Cell | None, str]] = field(default_factory=list)  # (kind, cell, message)
    hidden: bool = False


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def normalise_media_type(content_type: str | None) -> str | None:
    """The tabular media type of a Content-Type header (the zip aliases folded), or None."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return MEDIA_TYPES.get(media)


def _is_filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """The zip, after its directory passed the bounds (members, total size, no encryption)."""
    if not data or not data.strip():
        raise ParseError("the upload is empty: send the community's data (an empty upload would erase it)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ParseError(f"the file is not {what} (it is not a zip file: {exc}); save it again as {what}") from exc
    if len(members) > MAX_MEMBERS:
        raise PayloadTooLarge(f"the zip holds {len(members)} files; the limit is {MAX_MEMBERS}")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise PayloadTooLarge(f"the zip unpacks to {total} bytes; the limit is {MAX_UNCOMPRESSED} "
                              "(a zip bomb, or far more data than a community's)")
    for m in members:
        if m.flag_bits & 0x1:
            raise UnsafeInput(f"the zip member {m.filename!r} is encrypted: save the file without a password")
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ParseError(f"the zip member {m.filename!r} uses a compression this service does not read")
    return archive


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes (never more than its declared size: zipfile stops there and checks the CRC)."""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as exc:
        raise ParseError(f"the zip member {info.filename!r} cannot be read: {exc}") from exc


def _refuse_entities(archive: zipfile.ZipFile) -> bool:
    """Refuse a DOCTYPE or ENTITY declaration in any XML part, and a sheet of more than
    ``MAX_SCANNED_ROWS`` rows; True when a sheet has formulas."""
    formulas = False
    for info in archive.infolist():
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels", ".vml")):
            continue
        raw = read_member(archive, info)
        text = raw
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or raw[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
            try:
                text = raw.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError as exc:
                raise ParseError(f"the workbook part {info.filename!r} is not readable XML") from exc
        if _DOCTYPE.search(text):
            raise UnsafeInput(f"the workbook part {info.filename!r} declares a DOCTYPE or ENTITY "
                              "(entity expansion): refused")
        if name.startswith("xl/worksheets/"):
            # openpyxl reads a sheet without a <dimension> whole to size it before the first row
            # is read (a million rows: 10 to 50 s), so the rows are counted here first
            rows = len(_ROW.findall(text))
            if rows > MAX_SCANNED_ROWS:
                raise PayloadTooLarge(f"the workbook part {info.filename!r} has {rows} rows, more than "
                                      f"{MAX_SCANNED_ROWS}; a community's data needs far fewer")
            formulas = formulas or _FORMULA.search(text) is not None
    return formulas


def defused() -> bool:
    """True when openpyxl parses XML with defusedxml (its own switch, set when defusedxml is installed)."""
    import openpyxl

    return bool(getattr(openpyxl, "DEFUSEDXML", False))


def _cell_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[:MAX_CELL_CHARS]
    return value


class _Counter:
    def __init__(self) -> None:
        self.filled = 0
        self.scanned = 0

    def row(self, filled: bool, where: str) -> None:
        self.scanned += 1
        if self.scanned > MAX_SCANNED_ROWS:
            raise PayloadTooLarge(f"{where} has more than {MAX_SCANNED_ROWS} rows; a community's data needs far fewer")
        if filled:
            self.filled += 1
            if self.filled > MAX_ROWS:
                raise PayloadTooLarge(f"the file has more than {MAX_ROWS} filled rows (at {where}); "
                                      "the limit keeps uploads to a community's size")


def _sheet_rows(ws, name: str, counter: _Counter, unsaved: set[tuple[int, int]] | None) -> Sheet:
    sheet = Sheet(name, hidden=getattr(ws, "sheet_state", "visible") != "visible")
    for cells in ws.iter_rows():
        row: list[Cell] = []
        beyond = None
        for cell in cells:
            value = getattr(cell, "value", None)
            r, c = getattr(cell, "row", None), getattr(cell, "column", None)
            if r is None or c is None:
                continue
            formula = unsaved is not None and (r, c) in unsaved
            if not _is_filled(value) and not formula:
                continue
            if c > MAX_COLUMNS:
                beyond = beyond or Cell(r, c, value)
                continue
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                sheet.problems.append(("long-cell", Cell(r, c, value[:200]), f"the cell holds {len(value)} characters; "
                                       f"the limit is {MAX_CELL_CHARS}"))
            row.append(Cell(r, c, _cell_value(value), formula=formula))
        if beyond is not None:
            sheet.problems.append(("far-column", beyond, f"data beyond column {column_letter(MAX_COLUMNS)} is not read"))
        counter.row(bool(row), f"sheet {name!r}")
        if row:
            sheet.rows.append(row)
    return sheet


def _unsaved_formulas(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Per sheet, the cells holding a formula (read a second time, formulas as text)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        out: dict[str, set[tuple[int, int]]] = {}
        counter = _Counter()  # the same row budget as the reading itself, for the whole workbook
        for ws in book.worksheets:
            found = set()
            for cells in ws.iter_rows():
                counter.row(False, f"sheet {ws.title!r}")
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        found.add((cell.row, cell.column))
            out[ws.title] = found
        return out
    finally:
        book.close()


def read_xlsx(data: bytes, *, prescan: bool = True) -> list[Sheet]:
    """The sheets of an .xlsx workbook, within the bounds (``prescan=False`` leaves the DOCTYPE scan
    to defusedxml alone: for tests that prove openpyxl uses it)."""
    archive = open_zip(data, "an .xlsx workbook")
    names = {i.filename for i in archive.infolist()}
    if "xl/workbook.xml" not in names and not any(n.lower() == "xl/workbook.xml" for n in names):
        raise ParseError("the file is a zip but not an .xlsx workbook (no xl/workbook.xml): save it as .xlsx, "
                         "or send a zip of CSV files as application/zip")
    formulas = _refuse_entities(archive) if prescan else True
    if not defused():
        raise UnsafeInput("workbooks are read only with defusedxml (install it; OPENPYXL_DEFUSEDXML must not be False)")
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        cached: dict[str, set[tuple[int, int]]] = {}
        if formulas:
            saved = _formula_cells_without_value(data)
            cached = saved
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        try:
            counter = _Counter()
            return [_sheet_rows(ws, ws.title, counter, cached.get(ws.title)) for ws in book.worksheets]
        finally:
            book.close()
    except (PayloadTooLarge, ParseError):
        raise
    except DefusedXmlException as exc:
        raise UnsafeInput(f"the workbook declares XML entities or a DTD (refused by defusedxml: {exc})") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError, IndexError, AttributeError,
            SyntaxError) as exc:
        cause = _defused_cause(exc)
        if cause is not None:  # openpyxl wraps what defusedxml refused in a ValueError
            raise UnsafeInput(f"the workbook declares XML entities or a DTD (refused by defusedxml: {cause!r})") from exc
        raise ParseError(f"the workbook cannot be read ({type(exc).__name__}: {exc}); open it and save it again as .xlsx") from exc


def _defused_cause(exc: BaseException) -> BaseException | None:
    """The defusedxml refusal somewhere in an exception's chain, if any."""
    from defusedxml import DefusedXmlException

    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 20:
        if isinstance(current, DefusedXmlException):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def _formula_cells_without_value(data: bytes) -> dict[str, set[tuple[int, int]]]:
    """Per sheet, the formula cells whose saved value is missing (they would read as empty)."""
    import openpyxl

    formulas = _unsaved_formulas(data)
    if not any(formulas.values()):
        return {}
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    try:
        out: dict[str, set[tuple[int, int]]] = {}
        for ws in book.worksheets:
            wanted = formulas.get(ws.title) or set()
            if not wanted:
                continue
            empty = set()
            for n, cells in enumerate(ws.iter_rows()):
                if n >= MAX_SCANNED_ROWS:
                    raise PayloadTooLarge(f"sheet {ws.title!r} has more than {MAX_SCANNED_ROWS} rows")
                for cell in cells:
                    key = (getattr(cell, "row", None), getattr(cell, "column", None))
                    if key in wanted and not _is_filled(getattr(cell, "value", None)):
                        empty.add(key)
            out[ws.title] = empty
        return out
    finally:
        book.close()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv_zip(data: bytes) -> list[Sheet]:
    """The CSV files of a zip (one sheet each, named by the file name without .csv), within the bounds."""
    archive = open_zip(data, "a zip of CSV files")
    counter = _Counter()
    sheets: list[Sheet] = []
    csv.field_size_limit(MAX_CELL_CHARS * 4)
    for info in archive.infolist():
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or name.startswith("__MACOSX/") or base.startswith(".") or not base.lower().endswith(".csv"):
            continue
        sheet = Sheet(base[:-4])
        sheets.append(sheet)
        raw = read_member(archive, info)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            sheet.problems.append(("encoding", None, f"the file {base} is not UTF-8 (byte {exc.start}): "
                                   "save it as 'CSV UTF-8'"))
            continue
        lines = text.splitlines()
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0] if lines else ""))
        try:
            for r, values in enumerate(reader, start=1):
                row = []
                for c, value in enumerate(values, start=1):
                    if not _is_filled(value):
                        continue
                    if c > MAX_COLUMNS:
                        sheet.problems.append(("far-column", Cell(r, c, value[:200]),
                                               f"data beyond column {column_letter(MAX_COLUMNS)} is not read"))
                        break
                    if len(value) > MAX_CELL_CHARS:
                        sheet.problems.append(("long-cell", Cell(r, c, value[:200]), f"the cell holds {len(value)} "
                                               f"characters; the limit is {MAX_CELL_CHARS}"))
                    row.append(Cell(r, c, _unquote(_cell_value(value))))
                counter.row(bool(row), f"file {base!r}")
                if row:
                    sheet.rows.append(row)
        except csv.Error as exc:
            sheet.problems.append(("csv", None, f"the file {base} is not valid CSV: {exc}"))
    return sheets


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _unquote(value: str) -> str:
    """A CSV cell as written: the export puts a ' before text that a spreadsheet would take for a
    formula (=, +, -, @); reading takes it off again."""
    if value.startswith("'") and value[1:2] in _FORMULA_START and value[1:2]:
        return value[1:]
    return value


def quote_csv(value: str) -> str:
    """Text made safe to open in a spreadsheet program (see :func:`_unquote`)."""
    if value.startswith(_FORMULA_START) or (value.startswith("'") and value[1:2] in _FORMULA_START and value[1:2]):
        return "'" + value
    return value


def read_sheets(data: bytes, media_type: str) -> list[Sheet]:
    """The sheets of a workbook (.xlsx) or a zip of CSV files, by media type."""
    media = normalise_media_type(media_type)
    if media == XLSX:
        return read_xlsx(data)
    if media == ZIP:
        names = []
        try:
            names = [i.filename for i in open_zip(data, "a zip of CSV files").infolist()]
        except ParseError:
            raise
        if "xl/workbook.xml" in names:
            return read_xlsx(data)
        return read_csv_zip(data)
    raise ParseError(f"not a spreadsheet media type: {media_type}")


def as_date(value: Any) -> dt.date | None:
    """A date cell's day (a datetime's date part)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
