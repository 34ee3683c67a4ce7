"""The framework learns: publishing a new version, checking it, applying it and saying what changed.

A **version file** is Turtle that describes one new ``lcc:FrameworkVersion`` (``owl:versionInfo``
its label, ``prov:wasRevisionOf`` the current version) and what it changes, in the terms the
ontology already has (docs/framework-versions.md; tests/data/framework-v1.1.ttl is one):

- added: new criteria, statements, dimensions, questions, shapes, indicators, each with
  ``lcc:introducedIn`` the version;
- kept: every criterion that stays is ``skos:inScheme`` the version;
- changed: a text (``skos:definition``, ``rdf:value``, ``sh:message``...) given for a subject that
  exists replaces that subject's text of the same property and language;
- merged: ``owl:deprecated true``, ``lcc:retiredIn`` the version and ``dcterms:isReplacedBy`` the
  successor, which ``dcterms:replaces`` it; retired: the same without a successor.

Applying a version (:func:`apply_version`) adds its triples to the framework graph that already
describes each subject (a new one goes by its type), replaces changed texts, and carries out what a
retirement means for what hangs on the criterion: a shape or indicator of a **merged** criterion
now evidences the successor; one of a **retired** criterion is retired with it (``sh:deactivated``,
``owl:deprecated``). Nothing is deleted: a retired criterion stays, marked, so that results judged
under an earlier version can still be read against it.

:func:`publish` checks a version (:func:`check_version`), then makes it current: the version file
is kept in the private store (in the order of publication), and the public framework graphs are
replaced in one transaction. The framework in use is always the shipped one with every published
version applied in turn (:func:`effective_framework`), so a restart or an upgrade of the package
keeps what was published. The framework files of the current version are written under the data
directory, for the validator and the upload workers (:func:`materialise`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox

from .errors import FrameworkVersionRefused, NotFound
from .store.lease import engine_lease
from .namespaces import (BASE, COMMUNITIES, CRITERIA, DCTERMS, GRAPHS, LCC, OWL, PRIVATE, PROV, RDF, RDFS, SH, SKOS,
                         XSD, framework_graph, shapes_graph)

VERSIONS_GRAPH = PRIVATE + "framework-versions"
MAX_VERSION_TRIPLES = 50_000
LABEL_RE = re.compile(r"^[0-9]+(?:\.[0-9]+){0,3}\Z")

_A = ox.NamedNode(RDF + "type")
_FRAMEWORK_VERSION = ox.NamedNode(LCC + "FrameworkVersion")
_CRITERION_CLASS = ox.NamedNode(LCC + "Criterion")
_CRITERION = ox.NamedNode(LCC + "criterion")
_STATEMENT = ox.NamedNode(LCC + "statement")
_STATEMENT_CLASS = ox.NamedNode(LCC + "Statement")
_QUESTION_CLASS = ox.NamedNode(LCC + "DialogueQuestion")
_INDICATOR_CLASS = ox.NamedNode(LCC + "Indicator")
_METRIC_CLASS = ox.NamedNode(LCC + "Metric")
_RETIRED_IN = ox.NamedNode(LCC + "retiredIn")
_INTRODUCED_IN = ox.NamedNode(LCC + "introducedIn")
_ACCEPTS = ox.NamedNode(LCC + "acceptsProposal")
_DEPRECATED = ox.NamedNode(OWL + "deprecated")
_VERSION_INFO = ox.NamedNode(OWL + "versionInfo")
_IMPORTS = ox.NamedNode(OWL + "imports")
_REVISION_OF = ox.NamedNode(PROV + "wasRevisionOf")
_REPLACED_BY = ox.NamedNode(DCTERMS + "isReplacedBy")
_REPLACES = ox.NamedNode(DCTERMS + "replaces")
_ISSUED = ox.NamedNode(DCTERMS + "issued")
_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
_TOP_CONCEPT_OF = ox.NamedNode(SKOS + "topConceptOf")
_HAS_TOP = ox.NamedNode(SKOS + "hasTopConcept")
_PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
_DEFINITION = ox.NamedNode(SKOS + "definition")
_NOTATION = ox.NamedNode(SKOS + "notation")
_CHANGE_NOTE = ox.NamedNode(SKOS + "changeNote")
_VALUE = ox.NamedNode(RDF + "value")
_LABEL = ox.NamedNode(RDFS + "label")
_STAGE = ox.NamedNode(LCC + "stage")
_NODE_SHAPE = ox.NamedNode(SH + "NodeShape")
_PROPERTY_SHAPE = ox.NamedNode(SH + "PropertyShape")
_DEACTIVATED = ox.NamedNode(SH + "deactivated")
_MESSAGE = ox.NamedNode(SH + "message")
_SEVERITY = ox.NamedNode(SH + "severity")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
_PUBLISHED_AT = ox.NamedNode(LCC + "publishedAt")
_ORDER = ox.NamedNode(LCC + "publicationOrder")
_SOURCE_GRAPH = ox.NamedNode(LCC + "versionFile")
# properties with one value: a version that states one replaces the earlier value
_FUNCTIONAL = frozenset({_SEVERITY, _DEACTIVATED, ox.NamedNode("https://schema.org/position"), _DEPRECATED})
# where a new subject goes, by its type
_GRAPH_OF_TYPE = {
    _NODE_SHAPE: shapes_graph("criteria"), _PROPERTY_SHAPE: shapes_graph("criteria"),
    _QUESTION_CLASS: framework_graph("dialogue"), _INDICATOR_CLASS: framework_graph("indicators"),
    _METRIC_CLASS: framework_graph("metrics"),
}


@dataclass(frozen=True)
class Version:
    """One version of the framework: its label, IRI, and when it was published (None: it shipped)."""

    label: str
    iri: str
    issued: str | None = None
    published_at: str | None = None
    note: str | None = None

    def to_json(self) -> dict:
        return {"version": self.label, "iri": self.iri, "issued": self.issued, "published_at": self.published_at,
                "shipped": self.published_at is None, "note": self.note}


@dataclass
class Applied:
    """A framework after a version was applied, and what the application did beyond the file."""

    graphs: dict[str, list[ox.Triple]]
    consequences: list[dict] = field(default_factory=list)


# ---- reading versions


def _version_of(graphs: dict[str, list[ox.Triple]], iri: str | None = None) -> Version | None:
    """The newest version the framework graphs describe (none revises it), or the one named."""
    triples = [t for ts in graphs.values() for t in ts]
    versions = {t.subject for t in triples if t.predicate == _A and t.object == _FRAMEWORK_VERSION}
    revised = {t.object for t in triples if t.predicate == _REVISION_OF}
    pick = [v for v in versions if (iri is None and v not in revised) or (iri is not None and v.value == iri)]
    if not pick:
        return None
    node = sorted(pick, key=str)[0]

    def one(pred: ox.NamedNode, lang: str | None = None) -> str | None:
        for t in triples:
            if t.subject == node and t.predicate == pred and (lang is None or getattr(t.object, "language", None) == lang):
                return t.object.value
        return None

    return Version(one(_VERSION_INFO) or "?", node.value, one(_ISSUED), None, one(_CHANGE_NOTE, "en"))


def published(private) -> list[Version]:
    """The versions published in a data directory, in the order they were published."""
    if private is None:
        return []
    rows = private.query(f"""SELECT ?label ?iri ?at ?order ?issued ?note WHERE {{
        ?iri {_VERSION_INFO} ?label ; {_PUBLISHED_AT} ?at ; {_ORDER} ?order .
        OPTIONAL {{ ?iri {_ISSUED} ?issued }} OPTIONAL {{ ?iri {_CHANGE_NOTE} ?note }} }} ORDER BY ?order""",
                         default_graph=[VERSIONS_GRAPH]).values()
    return [Version(r["label"], r["iri"], r.get("issued"), r["at"], r.get("note")) for r in rows]


def version_file_graph(label: str) -> str:
    """The private graph that keeps a published version's file as published."""
    return f"{PRIVATE}framework-versions/{label}"


def effective_framework(private, upto: str | None = None) -> tuple[dict[str, list[ox.Triple]], list[Version]]:
    """The framework in use: the shipped one with every published version applied in turn (up
    to the version labelled ``upto``), and the versions, the shipped one first."""
    from .framework import shipped_framework

    graphs = shipped_framework()
    first = _version_of(graphs)
    versions = [first] if first else []
    if first is not None and upto == first.label:
        return graphs, versions
    for version in published(private):
        delta = private.get_graph(version_file_graph(version.label))
        graphs = apply_version(graphs, delta, version.iri).graphs
        versions.append(version)
        if version.label == upto:
            break
    if upto is not None and (not versions or versions[-1].label != upto):
        raise NotFound(f"no framework version {upto!r}: the versions are {', '.join(v.label for v in versions)}")
    return graphs, versions


def versions(stores) -> list[Version]:
    """Every version of the framework in a data directory, the shipped one first."""
    return effective_framework(getattr(stores, "private", None))[1]


# ---- applying a version


def _route(graphs: dict[str, list[ox.Triple]], delta: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The version's triples by the framework graph each goes to."""
    home: dict = {}
    for graph, triples in graphs.items():
        for t in triples:
            home.setdefault(t.subject, graph)
    types = defaultdict(set)
    for t in delta:
        if t.predicate == _A:
            types[t.subject].add(t.object)
    for s, ts in types.items():
        if s not in home and not isinstance(s, ox.BlankNode):
            home[s] = next((_GRAPH_OF_TYPE[c] for c in ts if c in _GRAPH_OF_TYPE), None)
    for t in delta:  # a new named subject of no known type: the graph of what links to it
        if isinstance(t.object, ox.NamedNode) and t.object not in home and t.object in types and t.subject in home:
            home[t.object] = home[t.subject]
    # blank nodes go where the subject that holds them goes (nested shapes, lists)
    changed = True
    while changed:
        changed = False
        for t in delta:
            if isinstance(t.object, ox.BlankNode) and t.object not in home and home.get(t.subject):
                home[t.object] = home[t.subject]
                changed = True
    out: dict[str, list[ox.Triple]] = defaultdict(list)
    for t in delta:
        out[home.get(t.subject) or framework_graph("criteria")].append(t)
    return out


def apply_version(graphs: dict[str, list[ox.Triple]], delta: Iterable[ox.Triple], version_iri: str) -> Applied:
    """The framework graphs with a version applied (see the module's text); the input is not changed."""
    delta = list(delta)
    routed = _route(graphs, delta)
    new: dict[str, list[ox.Triple]] = {g: list(ts) for g, ts in graphs.items()}
    for graph, adds in routed.items():
        replaced_texts = {(t.subject, t.predicate, t.object.language) for t in adds if isinstance(t.object, ox.Literal)
                          and t.predicate not in (_NOTATION,)}
        replaced_one = {(t.subject, t.predicate) for t in adds if t.predicate in _FUNCTIONAL}
        kept = [t for t in new.get(graph, [])
                if not (isinstance(t.object, ox.Literal) and (t.subject, t.predicate, t.object.language) in replaced_texts)
                and (t.subject, t.predicate) not in replaced_one]
        seen = set(kept)
        new[graph] = kept + [t for t in adds if t not in seen and not seen.add(t)]
    return Applied(*_retire_dependants(new, version_iri))


def _retire_dependants(graphs: dict[str, list[ox.Triple]], version_iri: str) -> tuple[dict, list[dict]]:
    """What hangs on a criterion retired in this version: moved to its successor, or retired too."""
    version = ox.NamedNode(version_iri)
    everything = [t for ts in graphs.values() for t in ts]
    retired = {t.subject for t in everything if t.predicate == _RETIRED_IN and t.object == version}
    successor = {t.subject: t.object for t in everything if t.predicate == _REPLACED_BY and t.subject in retired}
    for old, new in list(successor.items()):  # follow a chain (a merged into b, b into c)
        seen = {old}
        while new in successor and new not in seen:
            seen.add(new)
            new = successor[new]
        successor[old] = new
    consequences: list[dict] = []
    graphs = _carry_crosswalk(graphs, successor, consequences)
    out: dict[str, list[ox.Triple]] = {}
    for graph, triples in graphs.items():
        is_shapes = graph.startswith(GRAPHS + "shapes/")
        types = defaultdict(set)
        for t in triples:
            if t.predicate == _A:
                types[t.subject].add(t.object)
        kept: list[ox.Triple] = []
        added: list[ox.Triple] = []
        for t in triples:
            if t.predicate != _CRITERION or t.object not in retired:
                kept.append(t)
                continue
            what = "shape" if is_shapes else ("indicator" if _INDICATOR_CLASS in types[t.subject] else
                                              "question" if _QUESTION_CLASS in types[t.subject] else None)
            if what is None:
                kept.append(t)
                continue
            if t.object in successor:
                moved = ox.Triple(t.subject, _CRITERION, successor[t.object])
                added.append(moved)
                consequences.append({"kind": what, "iri": t.subject.value, "change": "moved",
                                     "from": t.object.value, "to": successor[t.object].value})
            elif what == "question":
                kept.append(t)  # a question stays, about a criterion marked retired
            else:
                kept.append(t)
                flag = _DEACTIVATED if what == "shape" else _DEPRECATED
                added += [ox.Triple(t.subject, flag, _TRUE), ox.Triple(t.subject, _RETIRED_IN, version)]
                consequences.append({"kind": what, "iri": t.subject.value, "change": "retired",
                                     "from": t.object.value, "to": None})
        seen: set = set()
        merged = [t for t in kept + added if not (t in seen or seen.add(t))]
        # a retired flag replaces an earlier value of the same property
        flags = {(t.subject, t.predicate) for t in added if t.predicate in (_DEACTIVATED, _DEPRECATED)}
        out[graph] = [t for t in merged if (t.subject, t.predicate) not in flags or t.object == _TRUE]
    return out, consequences


_MATCHES = (ox.NamedNode(SKOS + "closeMatch"), ox.NamedNode(SKOS + "relatedMatch"))
_ANNOTATED_SOURCE = ox.NamedNode(OWL + "annotatedSource")
_ANNOTATED_PROPERTY = ox.NamedNode(OWL + "annotatedProperty")
_ANNOTATED_TARGET = ox.NamedNode(OWL + "annotatedTarget")
_JUSTIFICATION = ox.NamedNode(LCC + "justification")
_DEFINED_BY = ox.NamedNode(RDFS + "isDefinedBy")
CROSSWALK = BASE + "unesco/crosswalk/"


def _carry_crosswalk(graphs: dict[str, list[ox.Triple]], successor: dict,
                     consequences: list[dict]) -> dict[str, list[ox.Triple]]:
    """A merged criterion's matches to UNESCO's Key Features (ontology/unesco.ttl) carried to its
    successor where the successor has no match to that feature yet, each with the merged one's
    justification (said to be carried over), so that findings under the successor keep their
    reading in UNESCO's terms."""
    graph = framework_graph("unesco")
    triples = graphs.get(graph)
    if not triples or not successor:
        return graphs
    matched = {(t.subject, t.object) for t in triples if t.predicate in _MATCHES}
    axioms = defaultdict(list)
    for t in triples:
        axioms[t.subject].append(t)
    source = {}
    for node, ts in axioms.items():
        about = {t.predicate: t.object for t in ts}
        if _ANNOTATED_SOURCE in about:
            source[(about[_ANNOTATED_SOURCE], about.get(_ANNOTATED_PROPERTY), about.get(_ANNOTATED_TARGET))] = ts
    added: list[ox.Triple] = []
    for t in triples:
        target = successor.get(t.subject)
        if t.predicate not in _MATCHES or target is None or (target, t.object) in matched:
            continue
        matched.add((target, t.object))
        node = ox.NamedNode(f"{CROSSWALK}{_slug(target)}/{t.object.value.rstrip('/').rsplit('/', 1)[-1]}")
        added += [ox.Triple(target, t.predicate, t.object), ox.Triple(node, _A, ox.NamedNode(OWL + "Axiom")),
                  ox.Triple(node, _ANNOTATED_SOURCE, target), ox.Triple(node, _ANNOTATED_PROPERTY, t.predicate),
                  ox.Triple(node, _ANNOTATED_TARGET, t.object), ox.Triple(node, _DEFINED_BY, ox.NamedNode(CROSSWALK))]
        for old in source.get((t.subject, t.predicate, t.object), []):
            if old.predicate == _JUSTIFICATION and isinstance(old.object, ox.Literal):
                text = old.object.value
                if old.object.language == "en":
                    text = f"Carried over from {_slug(t.subject).upper()}, merged into {_slug(target).upper()}: {text}"
                added.append(ox.Triple(node, _JUSTIFICATION, ox.Literal(text, language=old.object.language)))
        consequences.append({"kind": "crosswalk", "iri": node.value, "change": "moved",
                             "from": t.subject.value, "to": target.value})
    return {**graphs, graph: triples + added} if added else graphs


# ---- checking a version


def _criteria(graphs: dict[str, list[ox.Triple]]) -> tuple[set, set]:
    """(every criterion, the retired ones) of a framework."""
    everything = [t for ts in graphs.values() for t in ts]
    criteria = {t.subject for t in everything if t.predicate == _A and t.object == _CRITERION_CLASS}
    retired = {t.subject for t in everything if t.predicate == _DEPRECATED and t.object.value == "true"}
    return criteria, retired & criteria


def _slug(term) -> str:
    return term.value[len(CRITERIA):] if term.value.startswith(CRITERIA) else term.value


def check_version(graphs: dict[str, list[ox.Triple]], delta: list[ox.Triple], *,
                  taken: Iterable[str] = ()) -> tuple[Version, Applied, list[str]]:
    """The version a file describes, the framework it makes, and every problem with it (none: it
    can be published as far as the framework itself goes; :func:`structure_problems` checks the
    stored communities)."""
    problems: list[str] = []
    current = _version_of(graphs)
    new_nodes = {t.subject for t in delta if t.predicate == _A and t.object == _FRAMEWORK_VERSION}
    known = {t.subject for ts in graphs.values() for t in ts if t.predicate == _A and t.object == _FRAMEWORK_VERSION}
    for again in sorted(new_nodes & known, key=str):
        label = next((t.object.value for t in delta if t.subject == again and t.predicate == _VERSION_INFO), again.value)
        problems.append(f"version {label} is published already: give the new version a label and IRI of its own")
    new_nodes -= known
    if problems:
        return Version("?", "", None), Applied(graphs), problems
    if len(new_nodes) != 1:
        problems.append(f"the file must describe exactly one new lcc:FrameworkVersion; it describes {len(new_nodes)}")
        return Version("?", "", None), Applied(graphs), problems
    node = next(iter(new_nodes))
    label = next((t.object.value for t in delta if t.subject == node and t.predicate == _VERSION_INFO), None)
    revises = [t.object for t in delta if t.subject == node and t.predicate == _REVISION_OF]
    issued = next((t.object.value for t in delta if t.subject == node and t.predicate == _ISSUED), None)
    note = next((t.object.value for t in delta if t.subject == node and t.predicate == _CHANGE_NOTE
                 and getattr(t.object, "language", None) == "en"), None)
    version = Version(label or "?", node.value, issued, None, note)
    if not isinstance(node, ox.NamedNode) or not node.value.startswith(BASE) or node.value.startswith(COMMUNITIES):
        problems.append(f"the version's IRI must be under {BASE} (e.g. {CRITERIA}v1.1), not {node}")
    if label is None or not LABEL_RE.match(label):
        problems.append(f"the version needs an owl:versionInfo label of numbers and dots, e.g. \"1.1\"; it has {label!r}")
    elif label in set(taken) | ({current.label} if current else set()):
        problems.append(f"version {label} is published already: give the new version a label of its own")
    if current is not None and [r.value for r in revises] != [current.iri]:
        problems.append(f"the version must be prov:wasRevisionOf the current version {current.label} <{current.iri}>")
    for t in delta:
        if t.predicate == _IMPORTS:
            problems.append(f"owl:imports is not followed: the version must state its terms itself ({t.object})")
        if isinstance(t.subject, ox.NamedNode) and (t.subject.value.startswith(COMMUNITIES)
                                                     or t.subject.value.startswith(GRAPHS)):
            problems.append(f"a version describes the framework, not {t.subject.value}")
            break
    if problems:
        return version, Applied(graphs), problems

    before_all, before_retired = _criteria(graphs)
    applied = apply_version(graphs, delta, node.value)
    after_all, after_retired = _criteria(applied.graphs)
    everything = [t for ts in applied.graphs.values() for t in ts]
    in_scheme = {t.subject for t in everything if t.predicate in (_IN_SCHEME, _TOP_CONCEPT_OF) and t.object == node}
    retired_here = {t.subject for t in everything if t.predicate == _RETIRED_IN and t.object == node}
    successor = {t.subject: t.object for t in everything if t.predicate == _REPLACED_BY}
    for criterion in sorted(before_all - before_retired, key=str):
        kept, gone = criterion in in_scheme, criterion in retired_here
        if kept and gone:
            problems.append(f"criterion {_slug(criterion)} is both kept (skos:inScheme <{node.value}>) and retired")
        elif not kept and not gone:
            problems.append(
                f"criterion {_slug(criterion)} of version {current.label if current else '?'} is neither kept "
                f"(skos:inScheme <{node.value}>), merged (owl:deprecated true, lcc:retiredIn <{node.value}>, "
                f"dcterms:isReplacedBy its successor) nor retired (owl:deprecated true, lcc:retiredIn <{node.value}>)")
        elif gone and criterion in successor:
            target = successor[criterion]
            if target not in after_all or target in after_retired or target not in in_scheme:
                problems.append(f"criterion {_slug(criterion)} is merged into {_slug(target)}, "
                                f"which is not a criterion of version {label}")
        elif gone and criterion not in after_retired:
            problems.append(f"criterion {_slug(criterion)} is lcc:retiredIn {label} but not owl:deprecated true")
    for criterion in sorted(after_all - before_all, key=str):
        texts = {(t.predicate, getattr(t.object, "language", None)) for t in everything if t.subject == criterion}
        slug = _slug(criterion)
        if not criterion.value.startswith(CRITERIA) or not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", slug):
            problems.append(f"a new criterion's IRI is {CRITERIA}{{slug}}: {criterion.value} is not")
        for pred, name in ((_PREF_LABEL, "skos:prefLabel"), (_DEFINITION, "skos:definition")):
            if (pred, "en") not in texts:
                problems.append(f"the new criterion {slug} needs an English {name}")
        if criterion not in in_scheme:
            problems.append(f"the new criterion {slug} must be skos:inScheme <{node.value}>")
        if not any(t.subject == criterion and t.predicate == _INTRODUCED_IN and t.object == node for t in everything):
            problems.append(f"the new criterion {slug} needs lcc:introducedIn <{node.value}>")
    problems += _shape_problems(applied.graphs, after_all, after_retired)
    return version, applied, problems


def _shape_problems(graphs: dict[str, list[ox.Triple]], criteria: set, retired: set) -> list[str]:
    """The shapes of a framework compile and each active one evidences a current criterion."""
    from .validation.compile import UnsupportedShape, compile_shapes
    from .validation.lint import lint_shapes
    from .validation.shapes import Graph, ShapesGraph

    triples = [t for g, ts in graphs.items() if g.startswith(GRAPHS + "shapes/") for t in ts]
    shapes = ShapesGraph(Graph(triples), [])
    problems = []
    try:
        compile_shapes(shapes)
    except (UnsupportedShape, ValueError) as exc:
        problems.append(f"the shapes cannot be run: {exc}")
    problems += [f"shapes: {line}" for line in lint_shapes(shapes)]
    off = {t.subject for t in triples if t.predicate == _DEACTIVATED and t.object.value == "true"}
    for t in triples:
        if t.predicate == _CRITERION and t.subject not in off and (t.object not in criteria or t.object in retired):
            problems.append(f"shape {t.subject.value} evidences {_slug(t.object)}, which is not a current criterion")
    return problems


def structure_problems(stores, graphs: dict[str, list[ox.Triple]], *, limit: int = 20,
                       progress: Callable[[str], None] | None = None) -> list[str]:
    """Which stored communities the new framework's structure shapes would reject (at most
    ``limit`` lines): a version must leave every stored community valid."""
    from .communities import community_ids
    from .namespaces import community_graph
    from .validation import validate
    from .validation.shapes import Graph, ShapesGraph

    shapes = ShapesGraph(Graph([t for g, ts in graphs.items() if g.startswith(GRAPHS + "shapes/") for t in ts]), [])
    ontology = ox.serialize([t for g, ts in graphs.items() if g.startswith(GRAPHS + "framework/") for t in ts],
                            format=ox.RdfFormat.N_TRIPLES) or b""
    public = getattr(stores, "public", stores)
    problems: list[str] = []
    for cid in community_ids(public):
        report = validate(public.get_graph(community_graph(cid, "data")), cid, shapes=shapes, ontology=ontology)
        if not report.conforms:
            first = next((r for r in report.results if r.severity == "Violation"), None)
            problems.append(f"community {cid} would be rejected: {report.counts.get('Violation', 0)} structure "
                            f"violation(s)" + (f", e.g. {first.message}" if first is not None and first.message else ""))
            if len(problems) >= limit:
                break
        if progress:
            progress(cid)
    return problems


# ---- publishing


def parse_version_file(data: bytes, media_type: str = "text/turtle") -> list[ox.Triple]:
    """A version file's triples, read like an upload (nothing fetched, nesting and size bounded)."""
    from .rdf_input import parse_rdf

    return parse_rdf(data, media_type, base_iri=BASE, max_triples=MAX_VERSION_TRIPLES).triples


def publish(stores, data: bytes, media_type: str = "text/turtle", *,
            progress: Callable[[str], None] | None = None, now: datetime | None = None) -> tuple[Version, dict]:
    """Check a version file and make it the current framework; returns the version and the diff
    from the version before. Refused with every reason (:class:`FrameworkVersionRefused`) when it
    drops a criterion without merging or retiring it, breaks the shapes, or would make a stored
    community's data invalid. Proposals it accepts (``lcc:acceptsProposal``) are marked accepted."""
    delta = parse_version_file(data, media_type)
    with engine_lease(stores.private, "framework"), stores.write_lock:  # one publisher at a time, across instances
        graphs, known = effective_framework(stores.private)
        version, applied, problems = check_version(graphs, delta, taken=[v.label for v in known])
        if not problems:
            problems = structure_problems(stores, applied.graphs, progress=progress)
        if problems:
            raise FrameworkVersionRefused(
                f"framework version {version.label} was not published: {len(problems)} problem(s); "
                f"the first: {problems[0]}", problems)
        when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
        node = ox.NamedNode(version.iri)
        record = [
            ox.Triple(node, _VERSION_INFO, ox.Literal(version.label)),
            ox.Triple(node, _PUBLISHED_AT, ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime"))),
            ox.Triple(node, _ORDER, ox.Literal(str(len(known)), datatype=ox.NamedNode(XSD + "integer"))),
            ox.Triple(node, _SOURCE_GRAPH, ox.NamedNode(version_file_graph(version.label))),
        ]
        if version.issued:
            record.append(ox.Triple(node, _ISSUED, ox.Literal(version.issued, datatype=ox.NamedNode(XSD + "date"))))
        if version.note:
            record.append(ox.Triple(node, _CHANGE_NOTE, ox.Literal(version.note, language="en")))
        kept = stores.private.get_graph(VERSIONS_GRAPH)
        # private first: were the public write to fail, the next start applies the version anyway
        stores.private.replace_graphs({VERSIONS_GRAPH: kept + record, version_file_graph(version.label): delta})
        public_graphs: dict[str, list[ox.Triple] | None] = dict(applied.graphs)
        accepted = [t.object.value for t in delta if t.predicate == _ACCEPTS and isinstance(t.object, ox.NamedNode)]
        if accepted:
            from . import proposals

            graph, triples = proposals.accepted(stores, accepted, version.iri)
            public_graphs[graph] = triples
        stores.replace_graphs(public_graphs)
        materialise(stores, applied.graphs, version.label)
        from .framework import _in_use

        _in_use["iri"] = version.iri
        restart = getattr(stores, "restart_sandbox", None)
        if restart is not None:
            restart()
    previous = known[-1] if known else None
    return Version(version.label, version.iri, version.issued, when, version.note), \
        diff_graphs(graphs, applied.graphs, previous, version, applied.consequences)


def _data_dir(stores) -> Path | None:
    """The data directory of a Stores (or of its embedded private store)."""
    found = getattr(stores, "data_dir", None)
    if found is not None:
        return Path(found)
    path = getattr(getattr(stores, "private", stores), "path", None)
    return Path(path).parent if path is not None else None


def materialise(stores, graphs: dict[str, list[ox.Triple]], label: str | None) -> Path | None:
    """Write the framework in use as files for the validator and the upload workers, and use them
    (:func:`resources.use_framework_dir`); with no published version, the shipped files are used."""
    from .resources import use_framework_dir

    base = _data_dir(stores)
    if label is None or base is None:
        use_framework_dir(None)
        return None
    folder = base / "framework" / f"v{label}"
    for graph, triples in graphs.items():
        kind, name = graph[len(GRAPHS):].split("/", 1)
        target = folder / ("ontology" if kind == "framework" else "shapes") / f"{name}.ttl"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b"")
        tmp.replace(target)
    use_framework_dir(folder)
    return folder


# ---- what changed


def _index(graphs: dict[str, list[ox.Triple]]) -> dict:
    by: dict = defaultdict(lambda: defaultdict(set))
    for ts in graphs.values():
        for t in ts:
            by[t.subject][t.predicate].add(t.object)
    return by


def _text(props: dict, pred: ox.NamedNode) -> str | None:
    values = props.get(pred, set())
    for v in sorted(values, key=str):
        if isinstance(v, ox.Literal) and v.language == "en":
            return v.value
    return next((v.value for v in sorted(values, key=str) if isinstance(v, ox.Literal)), None)


def _texts(props: dict, preds: Iterable[ox.NamedNode]) -> dict:
    return {p.value: sorted((v.value, v.language or "") for v in props.get(p, set()) if isinstance(v, ox.Literal))
            for p in preds}


def diff_graphs(a: dict[str, list[ox.Triple]], b: dict[str, list[ox.Triple]], va: Version | None, vb: Version,
                consequences: list[dict] | None = None) -> dict:
    """What changed from framework ``a`` (version ``va``) to ``b`` (version ``vb``): criteria
    added, merged, retired and changed; statements, questions, shapes and indicators added, changed,
    moved or retired."""
    ia, ib = _index(a), _index(b)

    def of_type(index: dict, cls: ox.NamedNode) -> set:
        return {s for s, props in index.items() if cls in props.get(_A, set())}

    def retired(index: dict, s) -> bool:
        props = index.get(s, {})
        return any(v.value == "true" for v in props.get(_DEPRECATED, set()) | props.get(_DEACTIVATED, set()))

    def item(index: dict, s, **extra) -> dict:
        props = index.get(s, {})
        label = _text(props, _PREF_LABEL) or _text(props, _LABEL) or _text(props, _VALUE) or _text(props, _MESSAGE)
        return {"iri": s.value, "label": label, **extra}

    out: dict = {"from": va.to_json() if va else None, "to": vb.to_json()}
    text_preds = (_PREF_LABEL, _DEFINITION, _VALUE, _LABEL, _MESSAGE, ox.NamedNode(LCC + "hint"))
    sections = (("criteria", _CRITERION_CLASS), ("statements", _STATEMENT_CLASS), ("questions", _QUESTION_CLASS),
                ("indicators", _INDICATOR_CLASS))
    for name, cls in sections:
        before, after = of_type(ia, cls), of_type(ib, cls)
        sec = {"added": [], "changed": [], "retired": [], "merged": [], "moved": []}
        for s in sorted(after - before, key=str):
            sec["added"].append(item(ib, s))
        for s in sorted(after & before, key=str):
            if retired(ib, s) and not retired(ia, s):
                succ = next(iter(ib[s].get(_REPLACED_BY, set())), None)
                if succ is not None:
                    sec["merged"].append(item(ib, s, into=succ.value))
                else:
                    sec["retired"].append(item(ib, s, note=_text(ib[s], _CHANGE_NOTE)))
            elif _texts(ia[s], text_preds) != _texts(ib[s], text_preds):
                sec["changed"].append(item(ib, s, before=item(ia, s)["label"]))
            ca, cb = ia[s].get(_CRITERION, set()), ib[s].get(_CRITERION, set())
            if name != "criteria" and ca != cb and not retired(ib, s):
                sec["moved"].append(item(ib, s, criteria_before=sorted(c.value for c in ca),
                                         criteria=sorted(c.value for c in cb)))
        if name == "statements":  # a statement that a criterion gained or lost
            owner_a = {o: s for s, props in ia.items() for o in props.get(_STATEMENT, set())}
            owner_b = {o: s for s, props in ib.items() for o in props.get(_STATEMENT, set())}
            for st in sorted(set(owner_b) & set(owner_a), key=str):
                if owner_a[st] != owner_b[st] and not any(m["iri"] == st.value for m in sec["moved"]):
                    sec["moved"].append(item(ib, st, criteria_before=[owner_a[st].value], criteria=[owner_b[st].value]))
        out[name] = {k: v for k, v in sec.items() if v}
    shapes_a = {s for s, p in ia.items() if _SEVERITY in p}
    shapes_b = {s for s, p in ib.items() if _SEVERITY in p}
    sec = {"added": [item(ib, s) for s in sorted(shapes_b - shapes_a, key=str)], "retired": [], "moved": [],
           "changed": []}
    for s in sorted(shapes_a & shapes_b, key=str):
        ca, cb = ia[s].get(_CRITERION, set()), ib[s].get(_CRITERION, set())
        if retired(ib, s) and not retired(ia, s):
            sec["retired"].append(item(ib, s, criteria=sorted(c.value for c in cb)))
        elif ca != cb:
            sec["moved"].append(item(ib, s, criteria_before=sorted(c.value for c in ca),
                                     criteria=sorted(c.value for c in cb)))
        elif _texts(ia[s], text_preds) != _texts(ib[s], text_preds) or ia[s].get(_SEVERITY) != ib[s].get(_SEVERITY):
            sec["changed"].append(item(ib, s))
    out["shapes"] = {k: v for k, v in sec.items() if v}
    if consequences is not None:
        out["consequences"] = consequences
    return out


def diff(stores, a: str, b: str) -> dict:
    """What changed from version ``a`` to version ``b`` (labels) of a data directory's framework."""
    private = getattr(stores, "private", None)
    ga, found = effective_framework(private, a)
    gb, found_b = effective_framework(private, b)
    return diff_graphs(ga, gb, found[-1], found_b[-1])


__all__ = ["Applied", "FrameworkVersionRefused", "VERSIONS_GRAPH", "Version", "apply_version", "check_version",
           "diff", "diff_graphs", "effective_framework", "materialise", "parse_version_file", "publish",
           "published", "structure_problems", "version_file_graph", "versions"]
