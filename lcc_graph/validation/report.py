"""The validation report: for people (text, grouped by criterion) and machines (JSON, sh:ValidationReport).

Shape messages, hints and labels are written in English, Hebrew and Arabic (shapes/*.ttl). The
engines report a result with its shape's English message; the report gives it in the reader's
language (:func:`translate`): ``to_json(lang)`` and ``to_text(lang)`` in one language (English
by default) with every language's message and hint beside each shape, and the RDF reports and
stored findings with a ``sh:resultMessage`` per language, for the pages to pick from.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from ..namespaces import COMMUNITIES, CRITERIA, LCC, PREFIXES, RDF, RDFS, SH, SKOS, community_base, community_iri
from .engine import RawResult
from .shapes import SEVERITIES, ShapeInfo, Term

_RANK = {name: i for i, name in enumerate(SEVERITIES)}
# Reports show at most this many results of each shape (the first, in report order); the counts
# and each shape's total stay exact. 62k violations made a 72 MB JSON report before the cap.
MAX_RESULTS_PER_SHAPE = 100
_A = ox.NamedNode(RDF + "type")
#: The languages of the framework's texts, English first.
LANGS = ("en", "he", "ar")
_PLACEHOLDER = re.compile(r"\{[$?]([A-Za-z_][A-Za-z0-9_]*)\}")


def _sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


@lru_cache(maxsize=1)
def shape_texts() -> dict[str, dict[str, dict[str, str]]]:
    """Shape IRI -> ``message`` / ``hint`` / ``label`` -> language -> text, as the shipped
    shapes (shapes/*.ttl) state them."""
    from .shapes import all_shapes, default_shapes

    g = default_shapes().graph
    predicates = {"message": _sh("message"), "hint": ox.NamedNode(LCC + "hint"), "label": ox.NamedNode(RDFS + "label")}
    out: dict[str, dict[str, dict[str, str]]] = {}
    for shape in all_shapes(g):
        if not isinstance(shape, ox.NamedNode):
            continue
        texts: dict[str, dict[str, str]] = {}
        for key, predicate in predicates.items():
            for o in g.objects(shape, predicate):
                if isinstance(o, ox.Literal):
                    texts.setdefault(key, {}).setdefault(o.language or "en", o.value)
        if texts:
            out[shape.value] = texts
    return out


def _bindings(template: str, text: str) -> dict[str, str] | None:
    """The values a text fills a message template's ``{$var}`` / ``{?var}`` placeholders with,
    or None when the text is not the template filled in."""
    parts = _PLACEHOLDER.split(template)  # literal, name, literal, name, ..., literal
    if len(parts) == 1:
        return None
    pattern, seen = "", set()
    for i, part in enumerate(parts):
        if i % 2 == 0:
            pattern += re.escape(part)
        elif part in seen:
            pattern += f"(?P={part})"
        else:
            seen.add(part)
            pattern += f"(?P<{part}>.*?)"
    found = re.fullmatch(pattern, text, re.S)
    return found.groupdict() if found else None


def translation(shape: str, key: str, text: str | None, lang: str) -> str | None:
    """A shape's English ``message``, ``hint`` or ``label`` (placeholders possibly filled in) in
    ``lang``; None when the shape has none in that language or ``text`` is not the shape's own
    (a spreadsheet problem's message, a test's shapes)."""
    if text is None:
        return None
    if lang == "en":
        return text
    by_lang = shape_texts().get(shape, {}).get(key, {})
    english, wanted = by_lang.get("en"), by_lang.get(lang)
    if english is None or wanted is None:
        return None
    if text == english:
        return wanted
    bound = _bindings(english, text)
    if bound is None:
        return None
    return _PLACEHOLDER.sub(lambda m: bound.get(m.group(1), m.group(0)), wanted)


def translate(shape: str, key: str, text: str | None, lang: str) -> str | None:
    """``text`` in the reader's language when the shape has it there, else ``text`` itself."""
    return translation(shape, key, text, lang) or text


def translations(shape: str, key: str, text: str | None) -> dict[str, str]:
    """``text`` in every language it has (language -> text, English first); empty without text."""
    if text is None:
        return {}
    out = {"en": text}
    for lang in LANGS[1:]:
        found = translation(shape, key, text, lang)
        if found is not None:
            out[lang] = found
    return out


def term_text(term: Term | None) -> str | None:
    """An IRI, a blank node label (``_:x``) or a literal's lexical form."""
    if term is None:
        return None
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def term_json(term: Term | None) -> dict | None:
    """A term as a small JSON object (SPARQL JSON results style)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out: dict = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


@dataclass(frozen=True)
class Location:
    """Where a result is in the file the data came from: a sheet, a row, and for a cell its
    column (as the file names it), its A1 name and its value as written (spreadsheet uploads)."""

    sheet: str
    row: int
    column: str | None = None
    cell: str | None = None
    value: str | None = None

    def to_json(self) -> dict:
        """As the JSON report carries it."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "cell": self.cell, "value": self.value}

    def text(self) -> str:
        """In words: sheet 'Partners', row 5, column 'Sector' (C5): 'Pubic'."""
        out = f"sheet {self.sheet!r}, row {self.row}" if self.row else f"sheet {self.sheet!r}"
        if self.column is not None:
            out += f", column {self.column!r}"
            if self.cell:
                out += f" ({self.cell})"
        if self.value is not None and self.column is not None:
            out += f": {self.value!r}" if self.value != "" else ": (empty)"
        return out


@dataclass(frozen=True)
class Result:
    """One finding or violation, with what a person needs to act on it."""

    focus_node: Term
    path: ox.NamedNode | None
    value: Term | None
    source_shape: str
    severity: str
    message: str | None
    component: str
    hint: str | None = None
    criterion: str | None = None
    label: str | None = None
    value_label: str | None = None
    community: str | None = None
    location: Location | None = None

    def key(self) -> tuple:
        """Focus node, path, value, source shape, severity: what the engines must agree on."""
        return (self.focus_node, self.path, self.value, ox.NamedNode(self.source_shape), self.severity)

    def sort_key(self) -> tuple:
        """Severity first, then criterion, shape, focus, path and value."""
        return (
            _RANK.get(self.severity, 9),
            self.criterion or "",
            self.source_shape,
            term_text(self.focus_node) or "",
            term_text(self.path) or "",
            str(self.value) if self.value is not None else "",
        )

    def to_json(self, lang: str = "en") -> dict:
        """The result as plain JSON, its message and hint in ``lang`` where the shape has them."""
        return {
            "focus_node": term_text(self.focus_node),
            "label": self.label,
            "path": term_text(self.path),
            "value": term_json(self.value),
            "value_label": self.value_label,
            "severity": self.severity,
            "message": translate(self.source_shape, "message", self.message, lang),
            "hint": translate(self.source_shape, "hint", self.hint, lang),
            "criterion": self.criterion,
            "source_shape": self.source_shape,
            "component": self.component,
            "community": self.community,
            "location": self.location.to_json() if self.location is not None else None,
        }

    def finding_id(self) -> str:
        """A stable hash of what the result is about (shape, focus, path, value)."""
        text = "\n".join([self.source_shape, str(self.focus_node), str(self.path), str(self.value)])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Report:
    """All results of validating one candidate, and what they mean for acceptance.

    ``conforms`` is gated on severity: the upload is accepted when no result is a violation,
    whatever the warnings and information say. A capped report (:meth:`capped`) keeps the first
    results of each shape only; ``totals`` (shape IRI -> its number of results) and
    ``severity_counts`` then keep the exact numbers. Every rendering (JSON, Turtle, JSON-LD,
    text) shows at most ``MAX_RESULTS_PER_SHAPE`` results of a shape and says when it cut.
    """

    results: list[Result]
    community_id: str | None = None
    engine: str = "fast"
    shapes: dict[str, ShapeInfo] = field(default_factory=dict, repr=False)
    totals: dict[str, int] | None = None
    severity_counts: dict[str, int] | None = None

    @property
    def conforms(self) -> bool:
        """True when nothing is a violation (the upload may be stored)."""
        return self.counts.get("Violation", 0) == 0

    @property
    def counts(self) -> dict[str, int]:
        """Number of results per severity (every severity present, zero included), exact even when capped."""
        if self.severity_counts is not None:
            return dict(self.severity_counts)
        counts = dict.fromkeys(SEVERITIES, 0)
        for r in self.results:
            counts[r.severity] = counts.get(r.severity, 0) + 1
        return counts

    @property
    def total(self) -> int:
        """The number of results, capped or not."""
        return sum(self.counts.values())

    @property
    def truncated(self) -> bool:
        """True when some results are not shown (the report was capped, or renders capped)."""
        return any(total > len(results) for shapes in self._shown().values() for results, total in shapes.values())

    def shape_total(self, shape: str) -> int:
        """How many results a shape has (all of them, shown or not)."""
        if self.totals is not None and shape in self.totals:
            return self.totals[shape]
        return sum(1 for r in self.results if r.source_shape == shape)

    def capped(self, limit: int = MAX_RESULTS_PER_SHAPE) -> "Report":
        """The same report with at most ``limit`` results per shape (the first in report order);
        counts and per-shape totals stay exact."""
        totals: dict[str, int] = {}
        kept: list[Result] = []
        for r in sorted(self.results, key=Result.sort_key):
            n = totals.get(r.source_shape, 0)
            totals[r.source_shape] = n + 1
            if n < limit:
                kept.append(r)
        if self.totals:
            totals.update(self.totals)
        return Report(kept, self.community_id, self.engine, self.shapes, totals, self.counts)

    @property
    def violations(self) -> list[Result]:
        """The results that reject the upload (the shown ones, if capped)."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def findings(self) -> list[Result]:
        """The criteria findings (warnings and information; the shown ones, if capped)."""
        return [r for r in self.results if r.severity != "Violation"]

    def by_criterion(self) -> dict[str | None, dict[str, list[Result]]]:
        """criterion slug (None for structure) -> shape IRI -> results, structure first."""
        grouped: dict[str | None, dict[str, list[Result]]] = {}
        for r in sorted(self.results, key=lambda r: (r.criterion is not None, r.criterion or "", r.sort_key())):
            grouped.setdefault(r.criterion, {}).setdefault(r.source_shape, []).append(r)
        return grouped

    def _shown(self) -> dict[str | None, dict[str, tuple[list[Result], int]]]:
        """by_criterion, each shape's results cut to MAX_RESULTS_PER_SHAPE, with its total."""
        totals = self.totals or {}
        return {criterion: {shape: (results[:MAX_RESULTS_PER_SHAPE], totals.get(shape, len(results)))
                            for shape, results in shapes.items()}
                for criterion, shapes in self.by_criterion().items()}

    # ---- machines

    def to_json(self, lang: str = "en") -> dict:
        """Counts and results grouped by criterion then shape, as plain JSON.

        Each shape shows at most ``MAX_RESULTS_PER_SHAPE`` results (``shown`` of ``total``);
        ``truncated`` says whether any were left out; ``counts`` are exact. Labels, messages and
        hints are in ``lang`` (en, he or ar) where the shape has them, else in English; each
        shape also carries ``messages`` and ``hints``: its message and hint in every language.
        """
        groups = []
        truncated = False
        for criterion, shapes in self._shown().items():
            entries = []
            for shape, (results, total) in shapes.items():
                info = self.shapes.get(shape)
                first = results[0]
                truncated = truncated or total > len(results)
                entries.append({
                    "shape": shape,
                    "label": translate(shape, "label", info.label, lang) if info else None,
                    "severity": first.severity,
                    "message": translate(shape, "message", first.message, lang),
                    "hint": translate(shape, "hint", first.hint, lang),
                    "messages": translations(shape, "message", first.message),
                    "hints": translations(shape, "hint", first.hint),
                    "shown": len(results),
                    "total": total,
                    "results": [r.to_json(lang) for r in results],
                })
            groups.append({
                "criterion": criterion,
                "criterion_iri": CRITERIA + criterion if criterion else None,
                "shapes": entries,
            })
        return {
            "conforms": self.conforms,
            "community": self.community_id,
            "engine": self.engine,
            "lang": lang,
            "counts": self.counts,
            "truncated": truncated,
            "max_results_per_shape": MAX_RESULTS_PER_SHAPE,
            "criteria": groups,
        }

    def report_triples(self) -> list[ox.Triple]:
        """A standard sh:ValidationReport (blank nodes), each result with lcc:criterion and lcc:hint,
        its sh:resultMessage and lcc:hint in every language the shape has them in.

        At most ``MAX_RESULTS_PER_SHAPE`` results of each shape; for a shape with more, an
        ``rdfs:comment`` on the report says how many of how many are shown.
        """
        report = ox.BlankNode()
        triples = [
            ox.Triple(report, _A, _sh("ValidationReport")),
            ox.Triple(report, _sh("conforms"), ox.Literal("true" if self.conforms else "false",
                                                            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        ]
        shown: list[Result] = []
        for shapes in self._shown().values():
            for shape, (results, total) in shapes.items():
                shown += results
                if total > len(results):
                    triples.append(ox.Triple(report, ox.NamedNode(RDFS + "comment"), ox.Literal(
                        f"truncated: {len(results)} of the {total} results of <{shape}> are shown", language="en")))
        for r in sorted(shown, key=Result.sort_key):
            node = ox.BlankNode()
            triples.append(ox.Triple(report, _sh("result"), node))
            triples.extend(_result_triples(node, r, hint_langs=LANGS))
            if r.location is not None:
                triples.append(ox.Triple(node, ox.NamedNode(RDFS + "comment"),
                                         ox.Literal(f"in the file: {r.location.text()}", language="en")))
        return triples

    def to_turtle(self) -> str:
        """The sh:ValidationReport as Turtle."""
        return (ox.serialize(self.report_triples(), format=ox.RdfFormat.TURTLE, prefixes=_prefixes()) or b"").decode()

    def to_jsonld(self) -> str:
        """The sh:ValidationReport as JSON-LD (expanded form)."""
        return (ox.serialize(self.report_triples(), format=ox.RdfFormat.JSON_LD) or b"").decode()

    def findings_triples(self, community_id: str | None = None) -> list[ox.Triple]:
        """The warnings and information as sh:ValidationResult resources to store as findings.

        Each result gets an IRI ``https://w3id.org/lcc/communities/{id}/findings/{hash}`` (the hash
        of shape, focus node, path and value, so the same finding keeps its IRI across uploads)
        and ``lcc:community``. The community is ``community_id``, else the report's, else the one
        the focus node belongs to. A capped report cannot give them (it lacks results).
        Each carries its sh:resultMessage in every language the shape has (the community page
        picks the reader's); its lcc:hint in English only, as the page reads the hint from the
        shape itself (three hints would triple the rows of its findings query again).
        """
        if self.totals is not None and len(self.results) < self.total:
            raise ValueError("this report was capped: take the findings from the full report")
        wanted = community_id or self.community_id
        triples: list[ox.Triple] = []
        for r in sorted(self.findings, key=Result.sort_key):
            cid = wanted or _community_id(r.community)
            if cid is None:
                raise ValueError(f"no community for the finding on {term_text(r.focus_node)}; pass community_id")
            node = ox.NamedNode(f"{community_base(cid)}findings/{r.finding_id()}")
            triples.extend(_result_triples(node, r, hint_langs=("en",)))
            triples.append(ox.Triple(node, ox.NamedNode(LCC + "community"), ox.NamedNode(community_iri(cid))))
        return triples

    # ---- people

    def to_text(self, lang: str = "en") -> str:
        """A readable report for the command line (messages and hints in ``lang`` where the shapes
        have them; the frame stays English)."""
        c = self.counts
        verdict = "ACCEPTED" if self.conforms else "REJECTED"
        who = f" community {self.community_id}" if self.community_id else ""
        lines = [
            f"{verdict}{who}: {c['Violation']} violation(s), {c['Warning']} warning(s), {c['Info']} info",
        ]
        if not self.total:
            lines.append("No findings.")
        for criterion, shapes in self._shown().items():
            lines.append("")
            if criterion is None:
                lines.append("STRUCTURE (violations reject the upload; nothing is stored)")
            else:
                lines.append(f"{criterion.upper().replace('-', ' ')}  <{CRITERIA}{criterion}>")
            for shape, (results, total) in shapes.items():
                first = results[0]
                name = shape.rsplit("/", 1)[-1]
                count = f" ({total} results, the first {len(results)} shown)" if total > len(results) else ""
                lines.append(f"  [{first.severity}] {name}: {translate(shape, 'message', first.message, lang) or ''}{count}")
                for r in results:
                    lines.append("    - " + describe(r))
                if total > len(results):
                    lines.append(f"    ... and {total - len(results)} more")
                if first.hint:
                    lines.append(f"    what to change: {translate(shape, 'hint', first.hint, lang)}")
        return "\n".join(lines) + "\n"


def describe(r: Result, location_text=None) -> str:
    """One result as a line of the text report: where it is in the uploaded file (``location_text``
    writes a Location, in English by default) or its focus node, path and value."""
    if r.location is not None:
        text = location_text(r.location) if location_text else r.location.text()
        if r.message and r.source_shape.startswith("https://w3id.org/lcc/tabular#"):
            return f"{text} - {r.message}"
        return f"{text} - {r.label or term_text(r.focus_node)}"
    focus = term_text(r.focus_node) or ""
    text = f"{r.label} <{focus}>" if r.label else f"<{focus}>"
    if r.path is not None:
        text += f" {r.path.value.replace(LCC, 'lcc:')}"
    if r.value is not None and r.value != r.focus_node:
        shown = r.value_label or term_text(r.value)
        text += f" = {shown}"
        if r.value_label and isinstance(r.value, ox.NamedNode):
            text += f" <{r.value.value}>"
    return text


def _community_id(iri: str | None) -> str | None:
    """The id of a community IRI, or None."""
    if iri and iri.startswith(COMMUNITIES):
        rest = iri[len(COMMUNITIES):]
        if rest and "/" not in rest:
            return rest
    return None


def _prefixes() -> dict[str, str]:
    out = dict(PREFIXES)
    out["lccsh"] = "https://w3id.org/lcc/shapes/"
    out["crit"] = CRITERIA
    return out


def _result_triples(node: ox.NamedNode | ox.BlankNode, r: Result, hint_langs: tuple[str, ...] = LANGS) -> list[ox.Triple]:
    triples = [
        ox.Triple(node, _A, _sh("ValidationResult")),
        ox.Triple(node, _sh("focusNode"), r.focus_node),
        ox.Triple(node, _sh("resultSeverity"), _sh(r.severity) if r.severity in SEVERITIES else ox.NamedNode(r.severity)),
        ox.Triple(node, _sh("sourceShape"), ox.NamedNode(r.source_shape)),
        ox.Triple(node, _sh("sourceConstraintComponent"), ox.NamedNode(r.component)),
    ]
    if r.path is not None:
        triples.append(ox.Triple(node, _sh("resultPath"), r.path))
    if r.value is not None:
        triples.append(ox.Triple(node, _sh("value"), r.value))
    if r.message:
        for lang, text in translations(r.source_shape, "message", r.message).items():
            triples.append(ox.Triple(node, _sh("resultMessage"), ox.Literal(text, language=lang)))
    if r.criterion:
        triples.append(ox.Triple(node, ox.NamedNode(LCC + "criterion"), ox.NamedNode(CRITERIA + r.criterion)))
    if r.hint:
        for lang, text in translations(r.source_shape, "hint", r.hint).items():
            if lang in hint_langs:
                triples.append(ox.Triple(node, ox.NamedNode(LCC + "hint"), ox.Literal(text, language=lang)))
    return triples


# ---- building a report from raw results


def _best_labels(rows: Iterable, key: str) -> dict[Term, str]:
    found: dict[Term, tuple[int, str]] = {}
    for row in rows:
        subject, label = row[key], row["label"]
        if not isinstance(label, ox.Literal):
            continue
        rank = {"en": 0, None: 1}.get(label.language, 2)
        if subject not in found or rank < found[subject][0]:
            found[subject] = (rank, label.value)
    return {s: v for s, (_, v) in found.items()}


def _values_clause(var: str, terms: Iterable[Term]) -> str | None:
    named = sorted({str(t) for t in terms if isinstance(t, ox.NamedNode)})
    if not named:
        return None
    return f"VALUES {var} {{ {' '.join(named)} }}"


def describe_nodes(store: ox.Store, nodes: Iterable[Term]) -> tuple[dict[Term, str], dict[Term, str]]:
    """Labels (English first) and owning communities of the given IRIs in the candidate."""
    nodes = list(nodes)
    values = _values_clause("?s", nodes)
    if values is None:
        return {}, {}
    labels = _best_labels(
        store.query(f"SELECT ?s ?label WHERE {{ {values} ?s <{RDFS}label>|<{SKOS}prefLabel> ?label . }}"),
        "s",
    )
    communities: dict[Term, str] = {}
    query = (f"SELECT ?s ?c WHERE {{ {values} {{ ?s <{LCC}community> ?c . }} "
             f"UNION {{ ?s a <{LCC}Community> . BIND (?s AS ?c) }} }}")
    for row in store.query(query):
        communities.setdefault(row["s"], row["c"].value)
    return labels, communities


def build_report(
    raw: list[RawResult],
    store: ox.Store,
    shapes: dict[str, ShapeInfo],
    *,
    community_id: str | None = None,
    engine: str = "fast",
) -> Report:
    """Add labels, hints, criteria and communities to raw results; sort and de-duplicate them."""
    unique = list(dict.fromkeys(raw))
    nodes = {r.focus_node for r in unique} | {r.value for r in unique if isinstance(r.value, ox.NamedNode)}
    labels, communities = describe_nodes(store, nodes)
    results = []
    for r in unique:
        info = shapes.get(r.source_shape.value)
        results.append(
            Result(
                focus_node=r.focus_node,
                path=r.path,
                value=r.value,
                source_shape=r.source_shape.value,
                severity=r.severity,
                message=r.message,
                component=r.component.value,
                hint=info.hint if info else None,
                criterion=info.criterion if info else None,
                label=labels.get(r.focus_node),
                value_label=labels.get(r.value) if r.value is not None else None,
                community=communities.get(r.focus_node),
            )
        )
    results.sort(key=Result.sort_key)
    return Report(results=results, community_id=community_id, engine=engine, shapes=shapes)
