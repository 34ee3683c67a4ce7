"""Problems and SHACL results named by sheet, row, column and cell value.

A SHACL result names a focus node and a path (``sh:resultPath``), sometimes a value. The
converter kept, for every triple, the cell it came from, and for every row the resource it
describes: so a result on (focus, path, value) is the cell that made that triple; a result on
(focus, path) alone (a missing value, a count) is that column in the focus node's row, filled or
not; a result on a node alone is its row. A cell the converter could not read is a result of its
own (``https://w3id.org/lcc/tabular#{kind}``, a violation); SHACL results on the same node and
path are then left out, since they only repeat it (a sector that is not a sector is also a
partner without a sector).
"""

from __future__ import annotations

import re
from dataclasses import replace

import pyoxigraph as ox

from ..namespaces import community_iri
from ..validation.report import Report, Result
from ..validation.shapes import ShapeInfo
from .convert import Converted, Origin, Problem
from .mapping import Mapping, load_mapping

TABULAR = "https://w3id.org/lcc/tabular#"
KIND_LABELS = {
    "unknown-sheet": "a sheet the template does not have",
    "duplicate-sheet": "the same sheet twice",
    "unknown-column": "a column the sheet does not have",
    "duplicate-column": "the same column twice",
    "unknown-value": "a value that is not in the column's list",
    "bad-value": "a value the column cannot take",
    "unresolved-reference": "a name or id that names no row",
    "ambiguous-reference": "a name that names several rows",
    "duplicate-id": "two rows for the same thing",
    "no-name": "a row without a name or id",
    "bad-id": "an id that cannot be used",
    "one-row": "more than one community row",
    "formula": "a formula without its value",
    "unreadable": "a cell or file that cannot be read",
}


def _header_origin(converted: Converted, mapping: Mapping, focus, path: str | None) -> Origin | None:
    """The focus node's row, at the column of ``path`` (whether or not the cell is filled)."""
    row = converted.rows.get(focus)
    if row is None:
        return None
    if path is not None:
        known = converted.columns.get((focus, path))
        if known is not None:
            return known
        column = _column_title(converted, mapping, row.sheet, path)
        if column is not None:
            return Origin(row.sheet, row.row, column, None, "")
    return row


def _column_title(converted: Converted, mapping: Mapping, sheet: str, path: str) -> str | None:
    """The header of the column of ``path`` in a sheet, as another row of the file wrote it."""
    for (subject, predicate), origin in converted.columns.items():
        if predicate == path and origin.sheet == sheet:
            return origin.column
    for table in mapping.tables:
        if sheet.casefold() in {n.casefold() for n in (*table.titles.values(), table.name)}:
            for column in table.columns:
                if column.predicate == path:
                    lang = next((lang for lang, t in table.titles.items() if t.casefold() == sheet.casefold()), "en")
                    return column.title(lang)
    return None


def origin_of(converted: Converted, result: Result, mapping: Mapping | None = None) -> Origin | None:
    """Where in the file a SHACL result is."""
    mapping = mapping or load_mapping()
    path = result.path.value if result.path is not None else None
    if result.path is not None and result.value is not None and not isinstance(result.focus_node, ox.Triple):
        try:
            triple = ox.Triple(result.focus_node, result.path, result.value)
        except (TypeError, ValueError):
            triple = None
        if triple is not None and triple in converted.origins:
            return converted.origins[triple]
    found = _header_origin(converted, mapping, result.focus_node, path)
    if found is None and isinstance(result.value, (ox.NamedNode, ox.BlankNode)):
        found = converted.rows.get(result.value)  # a community-level finding naming a row as its value
    return found


def problem_result(problem: Problem, community_id: str) -> Result:
    """A converter problem as a report result (a violation)."""
    focus = problem.subject if problem.subject is not None else ox.NamedNode(community_iri(community_id))
    value = problem.origin.value if problem.origin is not None else None
    return Result(
        focus_node=focus,
        path=ox.NamedNode(problem.predicate) if problem.predicate else None,
        value=ox.Literal(value) if value else None,
        source_shape=TABULAR + problem.kind,
        severity="Violation",
        message=problem.message,
        component=TABULAR + problem.kind,
        hint=problem.hint,
        label=problem.label,
        community=community_iri(community_id),
        location=problem.origin,
    )


def locate(report: Report, converted: Converted, community_id: str) -> Report:
    """The report with every result located in the file, and the converter's problems added."""
    mapping = load_mapping()
    covered = {(p.subject, p.predicate) for p in converted.problems if p.subject is not None and p.predicate}
    results = []
    for r in report.results:
        path = r.path.value if r.path is not None else None
        if r.severity == "Violation" and (r.focus_node, path) in covered:
            continue
        origin = origin_of(converted, r, mapping)
        results.append(replace(r, location=origin))
    results += [problem_result(p, community_id) for p in converted.problems]
    results.sort(key=Result.sort_key)
    shapes = dict(report.shapes)
    for kind, label in KIND_LABELS.items():
        shapes.setdefault(TABULAR + kind, ShapeInfo(TABULAR + kind, "Violation", None, None, None,
                                                    f"In the spreadsheet: {label}"))
    return Report(results, report.community_id, report.engine, shapes)


_IRI = re.compile(r"<([^<>\s]+)>")


def locate_problems(problems: list[str], converted: Converted) -> list[str]:
    """Ownership problems (each naming a subject as ``<iri>``) with the row that made the subject."""
    out = []
    for text in problems:
        found = _IRI.search(text)
        origin = None
        if found:
            try:
                origin = converted.rows.get(ox.NamedNode(found.group(1)))
            except ValueError:
                origin = None
        out.append(f"{text} ({origin.text()})" if origin is not None else text)
    return out
