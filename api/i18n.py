"""The words of the pages, through gettext: English in the code, Hebrew and Arabic in Babel catalogs.

Templates call ``t("key", **fields)``: ``TEXTS`` below gives each key its English text (a
:class:`Plural` for a text that counts something), and the catalog of the reader's language (the
template's ``lang``) gives its translation. The key is the entry's message context (``msgctxt``)
and the English text its ``msgid``, so translators read English while the key keeps two uses of one
English word apart. Fields are ``{name}``-style; a plural text picks its form by its count field
(``n`` unless the entry says otherwise) with the catalog's own plural rule. Templates may also use
Jinja's i18n extension directly (``_()``, ``ngettext()``, ``{% trans count=n %}``), with the same
catalogs. A text with no translation shows in English and an unknown key as itself, so a missing
string never breaks a page (tests/test_i18n.py fails on either).

The catalogs are ``locale/{en,he,ar}/LC_MESSAGES/messages.po``, read with Babel when first needed
(no compiled ``.mo`` files); ``docs/i18n.md`` says how to extract and update them.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

LANGS = ("en", "he", "ar")
RTL_LANGS = frozenset({"he", "ar"})
LANG_NAMES = {"en": "English", "he": "עברית", "ar": "العربية"}
DOMAIN = "messages"
#: The context of a query result's column heading in the catalogs.
COLUMN_CONTEXT = "query column"


class Plural(NamedTuple):
    """A text that counts: its English singular and plural, and the field that holds the count."""

    singular: str
    plural: str
    count: str = "n"


TEXTS: dict[str, str | Plural] = {
    # layout
    "skip": "Skip to content",
    "nav.main": "Main",
    "nav.home": "Home",
    "nav.criteria": "Criteria",
    "nav.communities": "Communities",
    "nav.queries": "Queries",
    "nav.sparql": "SPARQL",
    "nav.upload": "Upload",
    "nav.api": "API",
    "nav.language": "Language",
    "footer": "The Common Criteria of learning communities and cities, as a knowledge graph.",
    "also_as": "Also as",
    "download": "Download",
    "none": "None yet.",
    "back": "Back",
    # between the items of a list (Arabic has its own comma)
    "sep": ", ",
    # home
    "home.title": "A common language for learning communities and cities",
    "home.intro": ("The Common Criteria as a knowledge graph. The criteria judge how a community functions, collaborates "
        "and includes its citizens, never topics; a community is evaluated against its available and "
        "potential resources, never in absolute terms; and the framework itself learns and changes."),
    "home.counts": "In numbers",
    "home.ways": "Ways in",
    "home.way.criteria": "Read the criteria, their statements and the dialogue questions",
    "home.way.communities": "See the communities, their partners and partnership networks",
    "home.way.queries": "Ask the framework's questions with ready-made queries",
    "home.way.sparql": "Write your own SPARQL",
    "home.way.upload": "Upload your community's data and read the verdict",
    # the noun after a count shown apart (the home page's figures)
    "count.criteria": Plural("criterion", "criteria"),
    "count.statements": Plural("statement", "statements"),
    "count.communities": Plural("community", "communities"),
    "count.partners": Plural("partner", "partners"),
    "count.queries": Plural("named query", "named queries"),
    "count.statements.n": Plural("{n} statement", "{n} statements"),
    # criteria
    "criteria.title": "The Common Criteria",
    "criteria.intro": Plural("{n} criterion in alphabetical order, a set of short statements.",
                             "{n} criteria in alphabetical order, each a set of short statements."),
    "criteria.all": "All criteria",
    "criterion.statements": "Statements",
    "criterion.dimensions": "Dimensions",
    "criterion.shapes": "What the graph checks",
    "criterion.shapes.intro": "Patterns in a community's data that raise a finding for this criterion.",
    "criterion.questions": "Dialogue questions",
    # framework versions (docs/framework-versions.md)
    "criteria.version": "This is version {version} of the framework:",
    "criteria.retired": "Retired criteria",
    "criteria.retired.intro": "Criteria that a later version merged into another or retired. Results judged under the versions that had them still name them.",
    "criterion.retired.merged": "Merged into {successor} in version {version}.",
    "criterion.retired.alone": "Retired in version {version}.",
    "criterion.successor": "See the criterion that replaces it",
    "criterion.introduced": "Added in version {version} of the framework.",
    "criterion.examples": "Examples",
    "example.successful": "Worked",
    "example.unsuccessful": "Did not work",
    "example.lesson": "Lesson",
    "shape.retired": "Retired",
    "versions.title": "Versions of the framework",
    "versions.intro": "The framework learns: each version adds, changes, merges or retires criteria, statements, questions and shapes. Every result names the version it was judged under.",
    "versions.version": "Version",
    "versions.issued": "Issued",
    "versions.note": "What it changed",
    "versions.changes": "Compared with the version before",
    "versions.current": "current",
    "versions.shipped": "as shipped",
    "versions.diff": "What changed",
    "versions.one": "Version {version} of the framework",
    "diff.title": "What changed from version {a} to version {b}",
    "diff.none": "Nothing changed.",
    "diff.added": "Added",
    "diff.changed": "Changed",
    "diff.merged": "Merged into another criterion",
    "diff.retired": "Retired",
    "diff.moved": "Now under another criterion",
    "diff.section.criteria": "Criteria",
    "diff.section.statements": "Statements",
    "diff.section.questions": "Dialogue questions",
    "diff.section.indicators": "Indicators",
    "diff.section.shapes": "What the graph checks",
    "rejudged.title": "Judged again under version {after} of the framework",
    "rejudged.intro": "The same data, judged under version {before} and then under version {after}: these differences come from the framework, not from the community's data.",
    "rejudged.criterion": "Criterion",
    "rejudged.under": "Findings under {version}",
    "rejudged.same": "The findings are the same under both versions.",
    "criterion.queries": "Queries",
    "criterion.evidence": "The communities' evidence",
    "criterion.findings": "Findings across communities",
    "criterion.findings.line": "{results} {communities}",
    "criterion.findings.results": Plural("{n} {severity} finding", "{n} {severity} findings"),
    "criterion.findings.communities": Plural("in {n} community", "in {n} communities"),
    "col.community": "Community",
    "col.evidence": "Examples",
    "col.unsuccessful": "Of which did not work",
    "col.dialogues": "Dialogues",
    "shape.hint": "What to change",
    # severities
    "sev.Violation": "Violation",
    "sev.Warning": "Warning",
    "sev.Info": "Info",
    # communities
    "communities.title": "Communities",
    "communities.intro": Plural(
        "{n} community. Click a column heading to sort; resources are what each community has (available) "
        "and could have (potential).",
        "{n} communities. Click a column heading to sort; resources are what each community has (available) "
        "and could have (potential)."),
    "communities.sort": "Sort by",
    "col.name": "Name",
    "col.population": "Population",
    "col.stage": "Stage",
    "col.partners": "Partners",
    "col.partnerships": "Partnerships",
    "col.initiatives": "Initiatives",
    "col.available": "Resources available",
    "col.potential": "Resources potential",
    "sortable": "sortable",
    "community.all": "All communities",
    "community.population": "Population",
    "community.stage": "Stage",
    "community.partOf": "Part of",
    "community.collaboratesWith": "Collaborates with",
    "community.contents": "On this page",
    "community.partners": "Partners by sector",
    "community.byField": "By field",
    "community.network": "Partnership network",
    "community.network.intro": ("Each dot is a partner, coloured by sector; a line joins two partners for each partnership they "
        "share."),
    "community.network.full": "The network on its own page, with its tables and downloads",
    "community.findings": "Criteria findings",
    "community.findings.intro": ("Patterns the criteria shapes found in the community's current data. A finding is raised only where "
        "the community could act on it with what it has."),
    "community.findings.none": ("No findings: either the data shows none of the patterns, or the community has not uploaded data "
        "through the service yet."),
    "community.indicators": "Indicators within the peer group",
    "community.indicators.intro": ("Each bar is the peer group (communities of similar size and resources per inhabitant) in four "
        "quarters; the dark quarter is where this community stands. Each column reads the indicator against "
        "something else: as it is, per 1,000 inhabitants, per available or potential resource. No other "
        "community is named and there is no league table."),
    "community.indicators.none": "No indicators yet: they are computed when the community uploads its data.",
    "band.low": "lower quarter",
    "band.lower-mid": "second quarter",
    "band.upper-mid": "third quarter",
    "band.high": "upper quarter",
    "band.few": "too few peers to compare",
    "peers.nearest": ("Peers: the {k} communities nearest to this one in population and in available resources per 1,000 "
        "inhabitants (the community itself is placed among them, never ranked)."),
    "peers.wider": "Widen the peer group",
    "peers.narrower": "Narrow it",
    "col.expected": "Given its resources",
    "verdict.above": "above what its resources predict",
    "verdict.as-expected": "as its resources predict",
    "verdict.below": "below what its resources predict",
    "col.own": "This community",
    "figure.share": "{count} of {base} ({percent} %)",
    "col.indicator": "Indicator",
    "col.change": "Change",
    "col.over_time": "Over its versions",
    "change.since": "since version {version}",
    "change.none": "no earlier version",
    "change.same": "unchanged",
    "history.title": "{label}: indicators over time",
    "history.intro": ("Each accepted upload is a version of the community's data, and each version keeps its assessment. A "
        "row is one indicator: the community's own figure at each version and how it changed from the version "
        "before. Only the community's own figures are shown."),
    "history.one": "Only one version so far: changes appear after the next accepted upload.",
    "history.none": "No assessed version yet: versions are kept from the community's first accepted upload.",
    "history.link": Plural("These figures over the community's {n} version",
                           "These figures over the community's {n} versions"),
    "history.version": "Version {version}",
    "history.current": "current",
    "network.metrics.about": ("Figures of the partner network, recomputed at every upload (two partners are tied when they share a "
        "partnership); the change is since the previous version."),
    "history.back": "Back to the community",
    "peers": Plural("{n} peer", "{n} peers"),
    "community.dialogue": "Stage and dialogue",
    "community.details": "Partnerships, initiatives and the rest",
    "community.upload": "Upload new data for this community",
    "no_sector": "no sector",
    "no_field": "no field",
    "sec.partnerships": "Partnerships",
    "sec.infrastructures": "Infrastructures",
    "sec.initiatives": "Initiatives",
    "sec.citizenGroups": "Citizen groups",
    "sec.needs": "Needs",
    "sec.resources": "Resources",
    "sec.policies": "Policies",
    "sec.dialogues": "Dialogues",
    "sec.evidence": "Evidence",
    "col.members": "Members",
    "col.sectors": "Sectors",
    "col.agenda": "Agenda",
    "col.citizenGroups": "Citizen groups",
    "col.ledBy": "Led by",
    "col.for": "For",
    "col.coDesigned": "Co-designed with",
    "col.status": "Status",
    "col.worked": "Worked?",
    "yes": "yes",
    "no": "no",
    "none_visible": "none visible",
    "available": "Available",
    "potential": "Potential",
    "did_not_work": "did not work",
    "resources.other": "other",
    # network
    "network.title": "{label}: partnership network",
    "network.counts": "{nodes}, {edges}",
    "network.count.partners": Plural("{n} partner", "{n} partners"),
    "network.count.links": Plural("{n} partnership link", "{n} partnership links"),
    "network.counts.bipartite": "{nodes}, {edges}",
    "network.count.nodes": Plural("{n} node", "{n} nodes"),
    "network.count.edges": Plural("{n} edge", "{n} edges"),
    "network.svg": "Partnership network of {label}",
    "network.bipartite": "Show partnerships as nodes",
    "network.partners": "Partners only",
    "network.empty": "No partners recorded yet.",
    "network.nodes": "Nodes",
    "network.edges": "Links",
    "network.find": "Find a partner",
    "network.found": "Found: {n}",
    "network.not_found": "No partner by that name",
    "network.shown": "{n} of {total} shown",
    "network.sectors": "Sectors",
    "network.field": "Field",
    "network.all_fields": "All fields",
    "network.zoom": "Zoom",
    "network.zoom_in": "Zoom in",
    "network.zoom_out": "Zoom out",
    "network.zoom_reset": "Whole picture",
    "network.keys": ("Drag, or Shift and the arrow keys, to move the picture; Ctrl and the wheel, or + and −, to zoom. Tab "
        "reaches the partners, the arrow keys go from one to the next, Enter shows a profile."),
    "network.close": "Close",
    "network.degree": "Partners it works with",
    "network.broker": ("Broker: it links parts of the network that would otherwise be apart, or stands between most of them"),
    "network.broker.short": "broker",
    "network.legend.broker": "broker (dark ring)",
    "network.legend.size": "the larger the dot, the more partners it works with",
    "network.legend.other": "other or unknown sector",
    "network.legend.partnership": "partnership (square)",
    "network.hidden_labels": ("Names not written at this size: {n}. Each appears when you point at its dot, find it or zoom in."),
    "network.node": "{label}, {sector}, partners it works with: {n}",
    "network.partnership.node": "{label}, partnership, members: {n}",
    "network.partnership": "Partnership",
    "network.kind.partner": "Partner",
    "network.partnerships": "Partnerships ({n})",
    "network.members": "Members ({n})",
    "network.with": "with:",
    "network.alone": "no other member",
    "network.row": "Its row in the table below",
    "network.picture": "Partnership network of {label}: zoom with + and −, Tab to the partners",
    "col.kind": "Kind",
    "col.unit": "Unit",
    "col.per_1000": "Available per 1,000 inhabitants",
    "resources.quantities": "Amounts per kind and unit: splitting a resource into parts changes none of them.",
    "col.sector": "Sector",
    "col.fields": "Fields",
    "col.links": "Links",
    "col.partnership": "Partnership",
    "col.between": "Between",
    # dialogue
    "dialogue.title": "{label}: stage and dialogue",
    "dialogue.stage": "Current stage",
    "dialogue.no_stage": "The community has not recorded its stage.",
    "dialogue.questions": "The questions of this stage",
    "dialogue.other": "Answers to questions of other stages",
    "dialogue.answers": "Recorded answers",
    "dialogue.unanswered": "Not answered yet.",
    "dialogue.record": "Record an answer",
    "dialogue.question": "Question",
    "dialogue.text": "Your answer",
    "dialogue.submit": "Record the answer",
    "dialogue.recorded": "Your answer was recorded.",
    "dialogue.none": "The framework has no dialogue questions for this stage yet.",
    "token": "Community token",
    "token.help": "The token the service's administrator issued to your community.",
    # upload and report
    "upload.title": "Upload a community's data",
    "upload.intro": ("Send your community's partnership data as RDF (Turtle, JSON-LD, RDF/XML or N-Triples). It is checked "
        "first: structure violations reject the whole upload and nothing is stored; otherwise it replaces "
        "your current data and you get the criteria findings."),
    "upload.community": "Community",
    "upload.file": "Data file",
    "upload.submit": "Check and upload",
    "upload.dry": "Only check a file, store nothing: POST it to /validate.",
    "report.title": "Validation report",
    "report.accepted": "Accepted: the data of {community} was stored.",
    "report.conforms": "The data conforms: it would be accepted.",
    "report.rejected": "Rejected: nothing was stored. Fix the violations below and upload again.",
    "report.version": Plural("Version {version}, {triples} triple.", "Version {version}, {triples} triples.", "triples"),
    "report.counts": "Counts by severity",
    "report.results": "Results by criterion and shape",
    "report.structure": "Structure (what the data must be)",
    "report.clean": "No findings.",
    "report.node": "Where",
    "report.message": "What",
    "report.value": "Value",
    "report.more": Plural("{n} more", "{n} more"),
    "report.again": "Upload another file",
    "report.community": "Go to the community",
    # spreadsheets (templates, and where a report's results are in an uploaded file)
    "template.title": "Spreadsheet templates",
    "template.intro": ("Keep your data in a spreadsheet? Download the template in your language, fill it in (its first sheet "
        "says how) and upload it here as it is: an .xlsx workbook, or CSV files in a zip."),
    "template.xlsx": "Workbook (.xlsx)",
    "template.zip": "CSV files (.zip)",
    "template.export": ("To change data already uploaded, download it in the same template: "
        "/communities/{id}/data?format=xlsx."),
    "sheet.where": "Where in your file",
    "sheet.intro": "Each problem and finding at its sheet, row and column, with the value as you wrote it.",
    "sheet.sheet": "Sheet",
    "sheet.row": "Row",
    "sheet.column": "Column",
    "sheet.cell": "Cell",
    "sheet.value": "Value written",
    "sheet.problem": "What",
    "sheet.empty": "(empty)",
    "sheet.more": Plural("{n} more in the JSON report", "{n} more in the JSON report"),
    # queries
    "queries.title": "Named queries",
    "queries.intro": ("Each query answers one of the framework's questions. Open one to set its parameters and see the "
        "answer as a table."),
    "queries.none": "The catalogue is empty.",
    "query.params": "Parameters",
    "query.run": "Run the query",
    "query.results": "Results",
    "query.total": Plural("{total} row; showing {first} to {last}.", "{total} rows; showing {first} to {last}.", "total"),
    "query.empty": "No rows.",
    "query.csv": "Download as CSV",
    "query.json": "as JSON",
    "query.next": "Next page",
    "query.prev": "Previous page",
    "query.required": "required",
    "query.optional": "optional",
    "query.question": "Question",
    "query.criteria": "Criteria",
    "query.text": "The SPARQL",
    "query.open_editor": "Open in the SPARQL editor",
    # sparql editor
    "sparql.title": "SPARQL editor",
    "sparql.intro": "Read-only queries over the public current graphs. The answer shows as a table below.",
    "sparql.query": "Query",
    "sparql.examples": "Examples",
    "sparql.run": "Run",
    "sparql.shortcut": "Ctrl+Enter runs the query.",
    "sparql.running": "Running…",
    "sparql.rows": "Rows: {n}",
    "sparql.csv": "Download as CSV",
    "sparql.noscript": "Without JavaScript the form sends the query and the browser shows the raw answer.",
    "sparql.editor": "SPARQL editor: {complete} completes a prefix, class or property; {run} runs the query.",
    "sparql.chart": "Chart",
    "sparql.table": "Table",
    "sparql.no_chart": "A chart needs a column of numbers.",
    "sparql.label_column": "Labels",
    "sparql.value_column": "Values",
    # linked data: a resource's page
    "resource.iri": "Identifier",
    "resource.type": "Type",
    "resource.view": "See it in its full view",
    "resource.properties": "What it says",
    "resource.incoming": "What links here",
    "resource.truncated": "Only the first {n} links are shown.",
    # errors
    "error.title": "Something went wrong",
    "error.400": "The request could not be understood",
    "error.401": "A token is needed",
    "error.403": "This token may not do that",
    "error.404": "Not found",
    "error.405": "Not allowed here",
    "error.406": "Not available in that format",
    "error.409": "A conflict",
    "error.413": "Too large",
    "error.415": "An unsupported kind of file",
    "error.422": "The data was not accepted",
    "error.500": "An unexpected error (it was logged)",
    "error.503": "The service is busy or the query took too long",
    "error.code": "Error code",
    "error.home": "Go to the home page",
    "error.back_upload": "Back to the upload form",
}

#: English headings of query result columns that reading the variable name would get wrong.
COLUMN_HEADINGS = {
    "a": "First",
    "b": "Second",
    "coDesigned": "Co-designed",
    "coDesignedWithIt": "Co-designed with it",
    "coLeadingInitiatives": "Co-leading initiatives",
    "oneOffInitiatives": "One-off initiatives",
    "multiLevelInitiatives": "Multi-level initiatives",
    "availablePerThousandInhabitants": "Available per 1,000 inhabitants",
    "perThousandInhabitants": "Per 1,000 inhabitants",
    "isEmerging": "Emerging",
    "ledByIt": "Led by it",
    "fieldList": "Which fields",
    "sectorList": "Which sectors",
    "raw": "Value",
}


# ---- catalogs


def locale_dir() -> Path:
    """The folder of the catalogs: ``lcc_graph/_data/locale`` in a wheel, ``locale/`` in a checkout."""
    import lcc_graph

    installed = Path(lcc_graph.__file__).resolve().parent / "_data" / "locale"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "locale"


def catalog_path(lang: str) -> Path:
    """The ``.po`` file of a language."""
    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The gettext translations of ``lang``, compiled in memory from its ``.po`` catalog (fuzzy
    entries left out); plain English when there is no catalog."""
    from io import BytesIO

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    path = catalog_path(lang)
    if lang not in LANGS or not path.is_file():
        return NullTranslations()
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    mo = BytesIO()
    write_mo(mo, catalog, use_fuzzy=False)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def _count(value: Any) -> int:
    """A count as gettext wants it (a whole number); a missing one takes the general form."""
    try:
        return abs(int(value))
    except (TypeError, ValueError):
        return 100


def translate(key: str, lang: str, **fields: Any) -> str:
    """The text of ``key`` in ``lang`` (else English, else the key), with ``{fields}`` filled in."""
    entry = TEXTS.get(key)
    tr = translations(lang)
    if entry is None:
        text = key
    elif isinstance(entry, Plural):
        text = tr.npgettext(key, entry.singular, entry.plural, _count(fields.get(entry.count)))
    else:
        text = tr.pgettext(key, entry)
    if fields:
        try:
            return text.format(**fields)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def column_heading(variable: str) -> str:
    """The English heading of a query result column: ``availableResources`` -> ``Available resources``."""
    if variable in COLUMN_HEADINGS:
        return COLUMN_HEADINGS[variable]
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", variable.replace("_", " ")).split()
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]


def column(variable: str, lang: str) -> str:
    """A query result column's heading in ``lang``."""
    return translations(lang).pgettext(COLUMN_CONTEXT, column_heading(variable))


# ---- the language of a text

_HEBREW = re.compile(r"[\u0590-\u05FF\uFB1D-\uFB4F]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def script_lang(text: str | None) -> str | None:
    """The language a text's letters are written for: ``he`` (Hebrew script), ``ar`` (Arabic script),
    ``en`` (Latin script, the framework's fallback language), or None (no letters: numbers, codes).

    The graph's labels reach the pages without their language tag; among the three languages of
    the service, the script decides it.
    """
    if not text:
        return None
    counts = {"he": 0, "ar": 0, "en": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        if _HEBREW.match(ch):
            counts["he"] += 1
        elif _ARABIC.match(ch):
            counts["ar"] += 1
        elif "LATIN" in unicodedata.name(ch, ""):
            counts["en"] += 1
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def _page_lang(context: Context) -> str:
    lang = context.get("lang") or "en"
    return lang if lang in LANGS else "en"


# ---- template helpers


@pass_context
def _t(context: Context, key: str, **fields: Any) -> str:
    return translate(key, _page_lang(context), **fields)


@pass_context
def _gettext(context: Context, message: str) -> str:
    return translations(_page_lang(context)).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return translations(_page_lang(context)).ngettext(singular, plural, _count(n))


@pass_context
def _pgettext(context: Context, ctx: str, message: str) -> str:
    return translations(_page_lang(context)).pgettext(ctx, message)


@pass_context
def _npgettext(context: Context, ctx: str, singular: str, plural: str, n: int) -> str:
    return translations(_page_lang(context)).npgettext(ctx, singular, plural, _count(n))


@pass_context
def _query_text(context: Context, text: str | None) -> str:
    """A named query's question, summary or parameter description, or a SPARQL example's title, in the
    reader's language."""
    return translations(_page_lang(context)).gettext(text) if text else ""


@pass_context
def _column(context: Context, variable: str) -> str:
    return column(variable, _page_lang(context))


@pass_context
def _own_lang(context: Context, text: Any) -> Markup:
    """A text from the graph (a criterion, a shape's message, a concept's label) isolated with
    ``dir="auto"``, so that its punctuation and numbers stay on its own side, and marked with its
    own language when its script is not the page's (an English label on a Hebrew page)."""
    return _isolated(context, text, "")


@pass_context
def _as_written(context: Context, text: Any) -> Markup:
    """A community's own words (a partner's name, a lesson) as :func:`_own_lang` marks them, and
    never translated (``translate="no"``)."""
    return _isolated(context, text, ' translate="no"')


@pass_context
def _as_list(context: Context, texts: Any, written: bool = False) -> Markup:
    """Texts from the graph as a list: all in one other script (English names on a Hebrew page),
    one isolated run in that language with its own comma, read left to right; else each text
    isolated and joined with the page's comma (Arabic "،")."""
    texts = [str(t) for t in texts or () if t]
    extra = ' translate="no"' if written else ""
    langs = {script_lang(t) for t in texts} - {None}
    page = _page_lang(context)
    if len(langs) == 1 and (lang := langs.pop()) != page:
        return Markup('<span dir="auto" lang="{}"{}>{}</span>').format(
            lang, Markup(extra), translate("sep", lang).join(texts))
    return Markup(escape(translate("sep", page))).join(_isolated(context, t, extra) for t in texts)


def _isolated(context: Context, text: Any, extra: str) -> Markup:
    if text is None or text == "":
        return Markup("")
    lang = script_lang(str(text))
    mark = "" if lang is None or lang == _page_lang(context) else Markup(' lang="{}"').format(lang)
    return Markup('<span dir="auto"{}{}>{}</span>').format(mark, Markup(extra), text)


def ltr_run(text: Any) -> str:
    """A number, a version ("1.1") or a code placed inside a sentence, isolated left to right (Unicode
    LRI ... PDI), so that a sentence's own full stop after it stays outside it on a Hebrew page."""
    return f"\u2066{text}\u2069"


@pass_context
def _lang_attr(context: Context, text: Any) -> Markup:
    """`` lang="xx"`` for an element whose text is in another script than the page's, else nothing."""
    lang = script_lang(str(text)) if text is not None else None
    if lang is None or lang == _page_lang(context):
        return Markup("")
    return Markup(' lang="{}"').format(lang)


@pass_context
def _href(context: Context, path: str, **params: Any) -> str:
    """A link within the service that keeps the reader's language (``?lang=``) and adds ``params``."""
    lang = context.get("lang") or "en"
    query = {k: v for k, v in params.items() if v is not None}
    query.setdefault("lang", lang)
    if not query:
        return path
    return path + ("&" if "?" in path else "?") + urlencode(query)


@pass_context
def _lang_url(context: Context, code: str) -> str:
    """The current page in another language (its other query parameters kept)."""
    request = context.get("request")
    if request is None:
        return f"?lang={code}"
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    params.append(("lang", code))
    return request.url.path + "?" + urlencode(params)


def install(env: Environment) -> None:
    """Jinja's i18n extension over the catalogs, and ``t``, ``href``, ``lang_url``, ``query_text``,
    ``column``, ``lang_attr`` and the ``own_lang``, ``as_written`` and ``as_list`` filters for every template
    (idempotent)."""
    if "t" in env.globals:
        return
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext)
    env.filters["own_lang"] = _own_lang
    env.filters["as_written"] = _as_written
    env.filters["as_list"] = _as_list
    env.filters["ltr"] = ltr_run
    env.globals.update(href=_href, lang_url=_lang_url, LANG_NAMES=LANG_NAMES, query_text=_query_text,
                       column=_column, lang_attr=_lang_attr)
    env.globals["t"] = _t


# ---- extraction (babel.cfg names these as Babel extractors)


def extract_texts(fileobj, keywords, comment_tags, options):
    """Babel extractor of this file's ``TEXTS``: each key's English text, the key as its context."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "TEXTS":
            table = node.value
            break
    else:
        return
    for key_node, value in zip(table.keys, table.values):
        key = ast.literal_eval(key_node)
        if isinstance(value, ast.Call):
            args = [ast.literal_eval(a) for a in value.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in value.keywords}
            entry = Plural(*args, **kwargs)
            yield (key_node.lineno, "npgettext", (key, entry.singular, entry.plural),
                   [f"{{{entry.count}}} is the count"])
        else:
            yield key_node.lineno, "pgettext", (key, ast.literal_eval(value)), []


def extract_queries(fileobj, keywords, comment_tags, options):
    """Babel extractor of a named query (``queries/*.rq``): its question, summary, parameter
    descriptions and the headings of its result columns."""
    from lcc_graph.catalogue.header import parse_header, split_header

    text = fileobj.read().decode("utf-8")
    header_text, sparql = split_header(text)
    header = parse_header(header_text)
    lines = text.splitlines()

    def line_of(word: str) -> int:
        return next((i for i, line in enumerate(lines, 1) if word in line), 1)

    yield line_of("#+ question:"), "gettext", header.question, [f"query {header.id}: the question it answers"]
    yield line_of("#+ summary:"), "gettext", header.summary, [f"query {header.id}: what it gives"]
    for name, param in header.params.items():
        if param.description:
            yield line_of(f"#+   {name}:"), "gettext", param.description, [f"query {header.id}: parameter {name}"]
    for variable in projected_variables(sparql):
        yield (line_of("SELECT"), "pgettext", (COLUMN_CONTEXT, column_heading(variable)),
               [f"query {header.id}: the heading of column ?{variable}"])


def extract_examples(fileobj, keywords, comment_tags, options):
    """Babel extractor of the SPARQL editor's own examples (``EXAMPLES``: id, title, query): their titles."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            for item in node.value.elts:
                example_id, title = (ast.literal_eval(e) for e in item.elts[:2])
                yield item.lineno, "gettext", title, [f"the SPARQL editor's example {example_id}"]


def projected_variables(sparql: str) -> list[str]:
    """The variables a SELECT query answers with, in order (none for other forms)."""
    from rdflib.plugins.sparql import prepareQuery

    algebra = prepareQuery(sparql).algebra
    return [str(v) for v in algebra.get("PV", [])] if algebra.name == "SelectQuery" else []


# ---- keeping the catalogs up to date


def update_catalogs(root: Path | None = None) -> None:
    """Extract every text (babel.cfg) into ``locale/messages.pot`` and update each language's
    catalog from it: new entries come in empty (the English catalog's are filled with their
    English), changed ones fuzzy (with Babel's guess, to be checked), gone ones dropped. tests/test_i18n.py fails until every entry
    of every catalog is translated and none is fuzzy."""
    import contextlib

    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po, write_po

    root = root or Path(__file__).resolve().parent.parent
    folder = root / "locale"
    pot = folder / "messages.pot"
    common = ["-w", "100"]
    with contextlib.chdir(root):  # locations relative to the checkout
        CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "-o", str(pot),
                                    "--add-location=file", "--sort-by-file", "-c", "Translators:",
                                    "--project=lcc-graph", "--copyright-holder=lcc-graph", *common, "."])
    for lang in LANGS:
        action = "update" if (folder / lang / "LC_MESSAGES" / f"{DOMAIN}.po").is_file() else "init"
        extra = ["--ignore-obsolete", "--ignore-pot-creation-date"] if action == "update" else []
        CommandLineInterface().run(["pybabel", "-q", action, "-i", str(pot), "-d", str(folder), "-D", DOMAIN,
                                    "-l", lang, *extra, *common])
    path = folder / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        english = read_po(f, locale="en", domain=DOMAIN)
    for message in english:  # English says its msgid: the English text is reworded in the code
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, english, width=100, include_previous=False, sort_by_file=True)


if __name__ == "__main__":
    update_catalogs()
