"""Writing the templates: one .xlsx workbook (a sheet per table, drop-down lists, an instructions
sheet) or the same as CSV files in a zip, in English, Hebrew or Arabic, empty or filled.

Everything a sheet says comes from the mapping (column names, descriptions, types) and from the
framework's vocabularies (the allowed values); the workbook never holds a formula: text that a
spreadsheet could take for one is written as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from .mapping import LANGS, Column, Mapping, load_mapping, metadata_json
from .reading import column_letter, quote_csv
from .vocab import Values, column_values

DV_ROWS = 1000  # rows of an empty template that carry drop-down lists and types
MAX_PROMPT = 250  # Excel shows at most 255 characters of a validation prompt


@dataclass
class Filled:
    """What goes into the sheets: rows per table (column name -> cell value), and notes."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    community: str | None = None
    not_exported: int = 0


def check_lang(lang: str) -> str:
    """One of en, he, ar (ValueError otherwise)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def _vocab_key(column: Column) -> str:
    return column.scheme or column.concept_class or column.name


def type_text(mapping: Mapping, column: Column, lang: str) -> str:
    """The kind of value a column takes, in words."""
    if column.kind == "id":
        text = mapping.word("type.id", lang)
    elif column.kind == "concept":
        text = mapping.word("type.concept", lang)
    elif column.kind == "reference":
        sheets = ", ".join(mapping.table(t).title(lang) for t in column.targets)
        text = mapping.word("type.reference", lang, sheets=sheets) if sheets else mapping.word("type.external", lang)
    elif column.kind in ("label", "literal") and column.datatype:
        text = mapping.word("type." + column.datatype.rsplit("#", 1)[-1], lang)
    else:
        text = mapping.word("type.string", lang)
    if column.multi:
        text += "; " + mapping.word("type.multi", lang)
    if column.required:
        text += "; " + mapping.word("type.required", lang)
    return text


def _vocabularies(mapping: Mapping) -> list[tuple[str, Column, Values]]:
    """Each vocabulary the columns use, once, in table order."""
    seen: dict[str, tuple[str, Column, Values]] = {}
    for table in mapping.tables:
        for column in table.columns:
            if column.kind == "concept" and _vocab_key(column) not in seen:
                seen[_vocab_key(column)] = (_vocab_key(column), column, column_values(column))
    return list(seen.values())


# ---- xlsx


def _text_cell(ws, row: int, col: int, value: Any):
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def workbook_bytes(lang: str = "en", filled: Filled | None = None, *, mapping: Mapping | None = None) -> bytes:
    """The .xlsx template in a language, with ``filled`` rows if given."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = check_lang(lang)
    mapping = mapping or load_mapping()
    filled = filled or Filled()
    rtl = lang in ("he", "ar")
    book = Workbook()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    wrap = Alignment(wrap_text=True, vertical="top")

    guide = book.active
    guide.title = mapping.word("instructions", lang)
    guide.sheet_view.rightToLeft = rtl
    vocabularies = _vocabularies(mapping)
    ranges: dict[str, str] = {}
    sheets = {t.name: book.create_sheet(t.title(lang)) for t in mapping.tables}
    lists = book.create_sheet(mapping.word("lists", lang))
    lists.sheet_view.rightToLeft = rtl
    yes, no = mapping.word("yes", lang), mapping.word("no", lang)

    # the lists: a label column (the drop-downs read it), its short forms and meanings
    col = 1
    for key, column, values in vocabularies:
        _text_cell(lists, 1, col, column.title(lang)).font = bold
        _text_cell(lists, 1, col + 1, mapping.word("head.slug", lang)).font = bold
        _text_cell(lists, 1, col + 2, mapping.word("head.meaning", lang)).font = bold
        for i, concept in enumerate(values.concepts, start=2):
            _text_cell(lists, i, col, concept.label(lang))
            _text_cell(lists, i, col + 1, concept.slug)
            if concept.definition:
                _text_cell(lists, i, col + 2, concept.definition)
        letter = column_letter(col)
        ranges[key] = f"'{lists.title}'!${letter}$2:${letter}${len(values.concepts) + 1}"
        lists.column_dimensions[letter].width = 28
        lists.column_dimensions[column_letter(col + 1)].width = 18
        lists.column_dimensions[column_letter(col + 2)].width = 50
        col += 4
    _text_cell(lists, 1, col, mapping.word("type.boolean", lang)).font = bold
    _text_cell(lists, 2, col, yes)
    _text_cell(lists, 3, col, no)
    letter = column_letter(col)
    ranges["boolean"] = f"'{lists.title}'!${letter}$2:${letter}$3"
    lists.freeze_panes = "A2"

    # one sheet per table
    for table in mapping.tables:
        ws = sheets[table.name]
        ws.sheet_view.rightToLeft = rtl
        columns = table.ordered(lang)
        rows = filled.rows.get(table.name, [])
        last = max(DV_ROWS, len(rows) + 200) + 1
        for j, column in enumerate(columns, start=1):
            cell = _text_cell(ws, 1, j, column.title(lang))
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = wrap
            description = column.descriptions.get(lang) or column.descriptions.get("en") or ""
            comment = Comment(f"{description}\n({type_text(mapping, column, lang)})", "lcc-graph")
            comment.width, comment.height = 320, 160
            cell.comment = comment
            letter = column_letter(j)
            ws.column_dimensions[letter].width = 34 if column.kind in ("label", "reference") else 20
            target = f"{letter}2:{letter}{last}"
            dv = _validation(DataValidation, column, ranges, mapping, lang, sheets)
            if dv is not None:
                dv.promptTitle = column.title(lang)[:32]
                dv.prompt = description[:MAX_PROMPT]
                dv.showInputMessage = True
                ws.add_data_validation(dv)
                dv.add(target)
            if column.datatype and column.datatype.endswith("#date"):
                ws.column_dimensions[letter].number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        for i, values in enumerate(rows, start=2):
            for j, column in enumerate(columns, start=1):
                value = values.get(column.name)
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    value = yes if value else no
                cell = _text_cell(ws, i, j, value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"

    # the instructions
    _text_cell(guide, 1, 1, mapping.word("instructions", lang)).font = Font(bold=True, size=14)
    r = 2
    for line in mapping.words.get("intro", {}).get(lang) or mapping.words.get("intro", {}).get("en", []):
        c = _text_cell(guide, r, 1, line)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        guide.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        guide.row_dimensions[r].height = 48
        r += 1
    if filled.community:
        _text_cell(guide, r, 1, mapping.word("exported", lang, community=filled.community)).font = bold
        guide.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        r += 1
    if filled.not_exported:
        _text_cell(guide, r, 1, mapping.word("not_exported", lang, n=str(filled.not_exported))).font = Font(bold=True, color="AA0000")
        guide.merge_cells(start_row=r, start_column=1, end_row=r, end_column=5)
        r += 1
    r += 1
    heads = ("head.sheet", "head.column", "head.description", "head.type", "head.values")
    for j, key in enumerate(heads, start=1):
        cell = _text_cell(guide, r, j, mapping.word(key, lang))
        cell.font = bold
        cell.fill = head_fill
    guide.freeze_panes = f"A{r + 1}"
    r += 1
    positions = {key: column_letter(1 + 4 * i) for i, (key, _, _) in enumerate(vocabularies)}
    for table in mapping.tables:
        for column in table.ordered(lang):
            values = ""
            if column.kind == "concept":
                concepts = column_values(column).concepts
                if len(concepts) <= 12:
                    values = "; ".join(c.label(lang) for c in concepts)
                else:
                    values = mapping.word("values.see", lang, sheet=lists.title, column=positions[_vocab_key(column)])
            elif column.datatype and column.datatype.endswith("#boolean"):
                values = f"{yes}; {no}"
            row = (table.title(lang), column.title(lang), column.descriptions.get(lang) or column.descriptions.get("en", ""),
                   type_text(mapping, column, lang), values)
            for j, value in enumerate(row, start=1):
                _text_cell(guide, r, j, value).alignment = wrap
            r += 1
    for letter, width in zip("ABCDE", (18, 26, 70, 30, 50)):
        guide.column_dimensions[letter].width = width
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validation(DataValidation, column: Column, ranges: dict[str, str], mapping: Mapping, lang: str, sheets: dict) -> Any:
    """The data validation of a column: a drop-down list, a number or nothing."""
    if column.kind == "concept":
        return DataValidation(type="list", formula1=ranges[_vocab_key(column)], allow_blank=True,
                              showErrorMessage=True, errorStyle="warning" if column.multi else "stop",
                              error=type_text(mapping, column, lang)[:225])
    if column.kind == "reference" and len(column.targets) == 1:
        target = mapping.table(column.targets[0])
        names = next(i for i, c in enumerate(target.ordered(lang), start=1) if c.kind == "label")
        letter = column_letter(names)
        return DataValidation(type="list", formula1=f"'{sheets[target.name].title}'!${letter}$2:${letter}${DV_ROWS + 1}",
                              allow_blank=True, showErrorMessage=True, errorStyle="information")
    local = (column.datatype or "").rsplit("#", 1)[-1]
    if column.kind == "literal" and local == "boolean":
        return DataValidation(type="list", formula1=ranges["boolean"], allow_blank=True, showErrorMessage=True,
                              errorStyle="warning")
    if column.kind == "literal" and local in ("integer", "decimal"):
        return DataValidation(type="whole" if local == "integer" else "decimal", operator="greaterThanOrEqual",
                              formula1="0", allow_blank=True, showErrorMessage=True, errorStyle="warning",
                              error=mapping.word("type." + local, lang))
    if column.kind == "literal" and local == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                              showErrorMessage=True, errorStyle="warning", error=mapping.word("type.date", lang))
    return DataValidation(type=None, allow_blank=True) if column.descriptions else None


# ---- csv


def _csv_value(value: Any, lang: str, mapping: Mapping) -> str:
    from .convert import cell_text

    if isinstance(value, bool):
        return mapping.word("yes" if value else "no", lang)
    if isinstance(value, str):
        return quote_csv(value)
    return cell_text(value)


def readme_text(lang: str, mapping: Mapping | None = None) -> str:
    """The instructions as plain text (the zip's README.txt)."""
    mapping = mapping or load_mapping()
    lines = [mapping.word("instructions", lang), ""]
    lines += mapping.words.get("intro", {}).get(lang) or []
    for table in mapping.tables:
        lines += ["", f"== {table.title(lang)} ({table.name}.csv) ==", table.descriptions.get(lang, "")]
        for column in table.ordered(lang):
            lines.append(f"- {column.title(lang)}: {column.descriptions.get(lang) or column.descriptions.get('en', '')} "
                         f"[{type_text(mapping, column, lang)}]")
            if column.kind == "concept":
                lines.append("    " + "; ".join(f"{c.label(lang)} ({c.slug})" for c in column_values(column).concepts))
    return "\n".join(lines) + "\n"


def csv_zip_bytes(lang: str = "en", filled: Filled | None = None, *, mapping: Mapping | None = None) -> bytes:
    """The template as CSV files in a zip (UTF-8 with a byte order mark, as spreadsheet programs
    open it), with the mapping (``csv-metadata.json``) and the instructions (``README.txt``)."""
    lang = check_lang(lang)
    mapping = mapping or load_mapping()
    filled = filled or Filled()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in mapping.tables:
            columns = table.ordered(lang)
            text = io.StringIO()
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow([c.title(lang) for c in columns])
            for values in filled.rows.get(table.name, []):
                writer.writerow([_csv_value(values.get(c.name), lang, mapping) if values.get(c.name) not in (None, "")
                                 else "" for c in columns])
            archive.writestr(f"{table.name}.csv", "\ufeff" + text.getvalue())
        archive.writestr("csv-metadata.json", metadata_json())
        archive.writestr("README.txt", readme_text(lang, mapping))
    return out.getvalue()
