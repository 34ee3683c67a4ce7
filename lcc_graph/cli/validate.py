"""``lcc validate FILE``: the verdict an upload would get, without opening the store."""

from __future__ import annotations

import json
import os
from enum import Enum
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ..validation.report import Location, Report, Result

EXIT_ACCEPTED = 0
EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


class OutputFormat(str, Enum):
    """How the report is printed."""

    text = "text"
    json = "json"
    ttl = "ttl"
    jsonld = "jsonld"


class Engine(str, Enum):
    """Which validator runs the shapes."""

    fast = "fast"
    pyshacl = "pyshacl"


def _unreadable(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_UNREADABLE)


LANGS = ("en", "he", "ar")


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate later"
    """Mark a text for the catalogs (babel.cfg) where it is defined; it is translated where it is printed."""
    return message


NOT_CHECKED = N_("whether another community's stored data already describes these resources "
                 "(lcc load and uploads check that against the store)")


def language_from_environment(environ: dict[str, str] | None = None) -> str:
    """The reader's language as gettext finds it (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``):
    the first of English, Hebrew and Arabic named there, else English (``C`` and ``POSIX`` are English)."""
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if not value:
            continue
        for item in value.split(":"):
            code = item.split(".")[0].split("@")[0].split("_")[0].lower()
            code = "he" if code == "iw" else code
            if code in LANGS:
                return code
        if name != "LANGUAGE":
            return "en"  # the first locale variable set decides, as in gettext
    return "en"


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The catalog of ``lang`` (the service's own, ``locale/{lang}/LC_MESSAGES/messages.po``, shipped in
    the wheel as ``lcc_graph/_data/locale``), compiled in memory; plain English without one."""
    from io import BytesIO

    package = Path(__file__).resolve().parents[1]
    folder = package / "_data" / "locale"
    if not folder.is_dir():
        folder = package.parent / "locale"
    path = folder / lang / "LC_MESSAGES" / "messages.po"
    if lang not in LANGS or not path.is_file():
        return NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain="messages")
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain="messages")


def report_text(report: Report, lang: str) -> str:
    """The text report (``Report.to_text``) in the reader's language: English is the report's own
    text; Hebrew and Arabic are said by the catalog, plural forms included, and the shapes' messages
    and hints are in the reader's language where the shapes have them."""
    if lang not in LANGS or lang == "en":
        return report.to_text()
    from ..namespaces import CRITERIA
    from ..validation.report import MAX_RESULTS_PER_SHAPE

    tr = translations(lang)
    gettext, ngettext, pgettext = tr.gettext, tr.ngettext, tr.pgettext
    names = criterion_labels(lang)
    c = report.counts
    verdict = gettext("ACCEPTED") if report.conforms else gettext("REJECTED")
    who = gettext(" community {id}").format(id=report.community_id) if report.community_id else ""
    counts = pgettext("sep", ", ").join([
        ngettext("{n} violation", "{n} violations", c.get("Violation", 0)).format(n=c.get("Violation", 0)),
        ngettext("{n} warning", "{n} warnings", c.get("Warning", 0)).format(n=c.get("Warning", 0)),
        ngettext("{n} info", "{n} info", c.get("Info", 0)).format(n=c.get("Info", 0)),
    ])
    lines = [gettext("{verdict}{who}: {counts}").format(verdict=verdict, who=who, counts=counts)]
    if not report.total:
        lines.append(gettext("No findings."))
    for criterion, shapes in report.by_criterion().items():
        lines.append("")
        if criterion is None:
            lines.append(gettext("STRUCTURE (violations reject the upload; nothing is stored)"))
        else:
            name = names.get(criterion) or criterion.upper().replace("-", " ")
            lines.append(f"{name}  <{CRITERIA}{criterion}>")
        for shape, results in shapes.items():
            shown = results[:MAX_RESULTS_PER_SHAPE]
            total = report.shape_total(shape)
            first = shown[0]
            name = shape.rsplit("/", 1)[-1]
            severity = pgettext("sev." + first.severity, first.severity)
            cut = ""
            if total > len(shown):
                cut = " " + ngettext("({total} result, the first {shown} shown)", "({total} results, the first {shown} shown)",
                                     total).format(total=total, shown=len(shown))
            lines.append(f"  [{severity}] {name}: {_shape_text(shape, 'message', first.message, lang) or ''}{cut}")
            lines.extend("    - " + _describe(r, tr) for r in shown)
            if total > len(shown):
                more = total - len(shown)
                lines.append("    " + ngettext("... and {n} more", "... and {n} more", more).format(n=more))
            if first.hint:
                hint = _shape_text(shape, "hint", first.hint, lang)
                lines.append("    " + gettext("what to change: {hint}").format(hint=hint))
    return "\n".join(lines) + "\n"


def _shape_text(shape: str, key: str, text: str | None, lang: str) -> str | None:
    """A shape's message or hint in ``lang`` where the shapes have it (``validation.report.translate``,
    where the report module has it), else as the report gives it."""
    from ..validation import report as module

    translate = getattr(module, "translate", None)
    return translate(shape, key, text, lang) if translate is not None and text else text


@lru_cache(maxsize=None)
def criterion_labels(lang: str) -> dict[str, str]:
    """Each criterion's name in ``lang`` (slug -> label), read from the framework's Turtle."""
    import pyoxigraph as ox

    from ..framework import read_turtle
    from ..namespaces import CRITERIA, SKOS
    from ..resources import ontology_files

    pref = ox.NamedNode(SKOS + "prefLabel")
    labels: dict[str, str] = {}
    for path in ontology_files():
        for t in read_turtle(path):
            if (t.predicate == pref and isinstance(t.object, ox.Literal) and t.object.language == lang
                    and t.subject.value.startswith(CRITERIA)):
                labels[t.subject.value[len(CRITERIA):]] = t.object.value
    return labels


def _location_text(location: Location, tr: NullTranslations) -> str:
    gettext = tr.gettext
    out = gettext("sheet {sheet!r}").format(sheet=location.sheet)
    if location.row:
        out = gettext("sheet {sheet!r}, row {row}").format(sheet=location.sheet, row=location.row)
    if location.column is not None:
        out += gettext(", column {column!r}").format(column=location.column)
        if location.cell:
            out += f" ({location.cell})"
    if location.value is not None and location.column is not None:
        out += f": {location.value!r}" if location.value != "" else ": " + gettext("(empty)")
    return out


def _describe(r: Result, tr: NullTranslations) -> str:
    from ..validation.report import describe

    return describe(r, lambda location: _location_text(location, tr))


def validate_command(
    file: Annotated[Path, typer.Argument(help="RDF file: .ttl, .nt, .jsonld/.json, .rdf/.xml; or a filled "
                                              "template, .xlsx or .zip of CSV files (needs --community)")],
    community: Annotated[
        str | None,
        typer.Option("--community", "-c", help="community id: relative IRIs resolve under its base IRI, "
                                                "and its ownership rules apply"),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="report format")] = OutputFormat.text,
    engine: Annotated[Engine, typer.Option(help="fast (default) or pyshacl, the reference")] = Engine.fast,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="language of the text report: en, he or ar (default: from LANGUAGE, LC_ALL, "
                                    "LC_MESSAGES or LANG, else en)"),
    ] = None,
    against_store: Annotated[
        bool,
        typer.Option("--against-store", help="also check, read-only, against the configured store (LCC_STORE, "
                                             "--data-dir): the framework version in use there, and that no other "
                                             "community's data describes these resources (needs --community)"),
    ] = False,
    data_dir: Annotated[Path, typer.Option("--data-dir", envvar="LCC_DATA_DIR", help="where the stores live "
                                           "(with --against-store)")] = Path("data"),
) -> None:
    """Validate FILE against the structure and criteria shapes; nothing is stored.

    With --community, FILE gets exactly the checks `lcc load` gives it, through the same library
    function (uploads.check_upload, in a sandbox process): parsing, the ownership rules, the
    checksum and both shape sets. The one check it cannot make is whether another community's
    stored data already describes the same resources: it never opens the store, unless
    --against-store asks it to (read-only; the store configured as for `lcc serve`, embedded or
    remote), which also validates under the framework version published there.

    A spreadsheet (.xlsx, or a .zip of CSV files) needs --community; every problem and finding
    then names its sheet, row, column and cell value.

    The text report is in the reader's language (--lang, else the locale's: LANG=he_IL.UTF-8 gives
    Hebrew), English when the language is not one of the service's.

    Exit status: 0 accepted (warnings and information allowed), 1 rejected (a structure
    violation, or resources the community does not own), 2 unreadable input.
    """
    from ..errors import LccError, OwnershipError
    from ..namespaces import check_slug
    from ..rdf_input import media_type_for
    from ..sandbox import upload_sandbox
    from ..uploads import CHECK_UPLOAD

    if lang is not None and lang not in LANGS:
        _unreadable(f"--lang {lang!r}: one of {', '.join(LANGS)}")
    lang = lang or language_from_environment()
    if community is not None:
        try:
            check_slug(community)
        except ValueError as exc:
            _unreadable(str(exc))
    if not file.is_file():
        _unreadable(f"{file}: no such file")
    try:
        media = media_type_for(file)
        data = file.read_bytes()
    except LccError as exc:
        _unreadable(f"{file}: {exc.message}")
    except OSError as exc:
        _unreadable(f"cannot read {file}: {exc.strerror}")
    if against_store and community is None:
        _unreadable("--against-store needs --community: whose resources to check")
    stores = _open_for_check(data_dir) if against_store else None
    try:
        with upload_sandbox() as sandbox:
            checked = sandbox.run(CHECK_UPLOAD, data, media, community, community,
                                  check_owner=community is not None, engine=engine.value)
        if stores is not None:
            import pyoxigraph as ox

            from ..ownership import check_not_taken

            triples = [q.triple for q in ox.parse(checked["triples"], format=ox.RdfFormat.N_TRIPLES)]
            check_not_taken(stores.public, list({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}),
                            community)
    except OwnershipError as exc:
        typer.echo(f"error: {exc.message}", err=True)  # as `lcc load` words it
        raise typer.Exit(EXIT_REJECTED) from None
    except LccError as exc:
        _unreadable(f"{file}: {exc.message}")
    finally:
        if stores is not None:
            stores.close()
    report = checked["report"]
    if output_format is OutputFormat.json:
        out = report.to_json()
        if community is not None and not against_store:
            out["not_checked"] = [NOT_CHECKED]
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    elif output_format is OutputFormat.ttl:
        typer.echo(report.to_turtle(), nl=False)
    elif output_format is OutputFormat.jsonld:
        typer.echo(report.to_jsonld())
    else:
        typer.echo(report_text(report, lang), nl=False)
        if community is not None and not against_store:
            tr = translations(lang)
            typer.echo("\n" + tr.gettext("Not checked here: {what}.").format(what=tr.gettext(NOT_CHECKED)))
    raise typer.Exit(EXIT_ACCEPTED if report.conforms else EXIT_REJECTED)


def _open_for_check(data_dir: Path):
    """The configured stores, with the framework version published there in use (its files
    written under the data directory, as the service writes them; nothing in the stores changes)."""
    from ..errors import LccError
    from ..framework_versions import effective_framework, materialise
    from ..store.config import StoreConfig, open_configured

    try:
        stores = open_configured(StoreConfig.from_env(data_dir))
        graphs, versions = effective_framework(stores.private)
        materialise(stores, graphs, versions[-1].label if len(versions) > 1 else None)
    except LccError as exc:
        _unreadable(exc.message)
    return stores


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the ``lcc`` command line."""
    app.command("validate")(validate_command)
