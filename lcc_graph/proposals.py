"""Proposals: communities ask the learning framework to change, the administrator drafts a version.

A community (with its token) proposes a new statement for a criterion, an example (successful or
not, with its lesson), a dialogue question for a stage the seed leaves open (mid, mature, crisis,
role model), the merge of one criterion into another, or a retirement, always with its reason;
any community comments on a proposal. Everything is public, in the named graph
:data:`PROPOSALS_GRAPH` (terms: ``ontology/proposals.ttl``; docs/proposals.md).

The administrator accepts a set of open proposals into a **draft version** (:func:`draft`): a
version file as :mod:`lcc_graph.framework_versions` publishes it. Publishing it marks the proposals
accepted (:func:`accepted`, which the publisher writes in its own transaction).

Every text a community sends is checked (length, characters, language) before anything is
stored, becomes an RDF literal built with pyoxigraph terms (never SPARQL text), and every write
replaces the proposals graph in one transaction under the stores' write lock. How much a community
may write is bounded (:class:`Limits`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import LccError, NotFound
from .framework import framework_graphs
from .namespaces import (BASE, COMMUNITIES, CRITERIA, DCTERMS, GRAPHS, LCC, OWL, PROV, RDF, RDFS, SCHEMA, SKOS, XSD,
                         check_slug, community_iri)
from .store.lease import engine_lease

PROPOSALS_GRAPH = GRAPHS + "proposals"
PROPOSALS = BASE + "framework/proposals/"
KINDS_SCHEME = BASE + "proposal-kinds/"
STATUS_SCHEME = BASE + "proposal-status/"
STAGES = BASE + "stages/"
QUESTIONS = BASE + "questions/"
KINDS = ("statement", "example", "question", "merge", "retirement")
STATUSES = ("open", "accepted", "declined")
#: The stages whose dialogue questions the seed leaves "to be developed".
OPEN_STAGES = ("mid", "mature", "crisis", "role-model")
LANGS = ("en", "he", "ar")
LABEL_RE = re.compile(r"^[0-9]+(?:\.[0-9]+){0,3}\Z")
_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
_NUMBER_RE = re.compile(r"^[1-9][0-9]{0,8}\Z")
# C0/C1 controls other than tab and line breaks, unassigned code points and lone surrogates
_REFUSED_CATEGORIES = {"Cc", "Cs", "Cn", "Co"}

_A = ox.NamedNode(RDF + "type")
_VALUE = ox.NamedNode(RDF + "value")
_LABEL = ox.NamedNode(RDFS + "label")
_PROPOSAL = ox.NamedNode(LCC + "Proposal")
_COMMENT = ox.NamedNode(LCC + "ProposalComment")
_KIND = ox.NamedNode(LCC + "proposalKind")
_STATUS = ox.NamedNode(LCC + "proposalStatus")
_PROPOSED_BY = ox.NamedNode(LCC + "proposedBy")
_REASON = ox.NamedNode(LCC + "reason")
_ABOUT = ox.NamedNode(LCC + "aboutCriterion")
_INTO = ox.NamedNode(LCC + "mergeInto")
_STAGE_OF = ox.NamedNode(LCC + "proposedStage")
_TEXT = ox.NamedNode(LCC + "proposedText")
_LESSON_OF = ox.NamedNode(LCC + "proposedLesson")
_SUCCESSFUL_OF = ox.NamedNode(LCC + "proposedSuccessful")
_ACCEPTED_IN = ox.NamedNode(LCC + "acceptedIn")
_COMMENT_ON = ox.NamedNode(LCC + "commentOn")
_COMMENT_TEXT = ox.NamedNode(LCC + "commentText")
_CREATOR = ox.NamedNode(DCTERMS + "creator")
_CREATED = ox.NamedNode(DCTERMS + "created")
# the framework's terms a draft writes
_CRITERION_CLASS = ox.NamedNode(LCC + "Criterion")
_FRAMEWORK_VERSION = ox.NamedNode(LCC + "FrameworkVersion")
_SCHEME = ox.NamedNode(SKOS + "ConceptScheme")
_STATEMENT_CLASS = ox.NamedNode(LCC + "Statement")
_EXAMPLE_CLASS = ox.NamedNode(LCC + "Example")
_QUESTION_CLASS = ox.NamedNode(LCC + "DialogueQuestion")
_STATEMENT = ox.NamedNode(LCC + "statement")
_EXAMPLE = ox.NamedNode(LCC + "example")
_STAGE = ox.NamedNode(LCC + "stage")
_CRITERION = ox.NamedNode(LCC + "criterion")
_SUCCESSFUL = ox.NamedNode(LCC + "successful")
_LESSON = ox.NamedNode(LCC + "lesson")
_INTRODUCED_IN = ox.NamedNode(LCC + "introducedIn")
_RETIRED_IN = ox.NamedNode(LCC + "retiredIn")
_ACCEPTS = ox.NamedNode(LCC + "acceptsProposal")
_POSITION = ox.NamedNode(SCHEMA + "position")
_DEPRECATED = ox.NamedNode(OWL + "deprecated")
_VERSION_INFO = ox.NamedNode(OWL + "versionInfo")
_REVISION_OF = ox.NamedNode(PROV + "wasRevisionOf")
_ISSUED = ox.NamedNode(DCTERMS + "issued")
_REPLACES = ox.NamedNode(DCTERMS + "replaces")
_REPLACED_BY = ox.NamedNode(DCTERMS + "isReplacedBy")
_IN_SCHEME = ox.NamedNode(SKOS + "inScheme")
_TOP_CONCEPT_OF = ox.NamedNode(SKOS + "topConceptOf")
_HAS_TOP = ox.NamedNode(SKOS + "hasTopConcept")
_CHANGE_NOTE = ox.NamedNode(SKOS + "changeNote")
_PREF_LABEL = ox.NamedNode(SKOS + "prefLabel")
_NOTATION = ox.NamedNode(SKOS + "notation")
_BOOLEAN = ox.NamedNode(XSD + "boolean")
_INTEGER = ox.NamedNode(XSD + "integer")
_DATE = ox.NamedNode(XSD + "date")
_DATETIME = ox.NamedNode(XSD + "dateTime")

#: Prefixes of a draft version file (readable Turtle).
DRAFT_PREFIXES = {
    "lcc": LCC, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS, "dcterms": DCTERMS, "prov": PROV,
    "schema": SCHEMA, "crit": CRITERIA,
}


class ProposalRefused(LccError):
    """A proposal, comment or draft request that cannot be taken as sent (HTTP 400): a missing or
    extra field, a text too long, an unknown or retired criterion. The message names what."""

    code = "proposal_refused"


class TooManyProposals(LccError):
    """A community past its share of proposals or comments (HTTP 429, ``retry_after`` seconds)."""

    code = "too_many_proposals"


class DraftRefused(LccError):
    """Proposals that cannot make a draft version together (HTTP 422); ``problems`` gives every
    reason, one line each."""

    code = "draft_refused"

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message, problems=problems)
        self.problems = problems


@dataclass(frozen=True)
class Limits:
    """How much the proposals take: text sizes, and what one community may write."""

    max_text: int = 2000
    max_reason: int = 2000
    max_comment: int = 2000
    proposals_per_day: int = 5
    comments_per_day: int = 30
    open_per_community: int = 20
    max_proposals: int = 2000
    comments_per_proposal: int = 100
    draft_size: int = 200


LIMITS = Limits()


@dataclass(frozen=True)
class NewProposal:
    """What a community proposes (checked by :func:`check_proposal` before anything is stored)."""

    kind: str
    criterion: str
    reason: str
    text: str | None = None
    lang: str = "en"
    lesson: str | None = None
    successful: bool | None = None
    stage: str | None = None
    into: str | None = None


#: The fields each kind needs (beyond kind, criterion, reason and lang) and those it may not have.
_NEEDS = {
    "statement": ("text",),
    "example": ("text", "successful", "lesson"),
    "question": ("text", "stage"),
    "merge": ("into",),
    "retirement": (),
}
_OPTIONAL_FIELDS = ("text", "successful", "lesson", "stage", "into")


def proposal_iri(number: int) -> str:
    """The IRI of proposal ``number``."""
    return f"{PROPOSALS}{number}"


def comment_iri(number: int, k: int) -> str:
    """The IRI of comment ``k`` on proposal ``number``."""
    return f"{proposal_iri(number)}/comments/{k}"


def parse_number(text: str) -> int:
    """A proposal number from a path; NotFound for anything else (``01``, ``-1``, ``1e3``)."""
    if not isinstance(text, str) or not _NUMBER_RE.fullmatch(text):
        raise NotFound(f"no proposal {text!r}: proposals are numbered 1, 2, 3...")
    return int(text)


# ---- checking what a community sends


def clean_text(value: str | None, name: str, limit: int, *, required: bool = True) -> str | None:
    """A community's text as it will be stored: NFC, surrounding space stripped, within ``limit``
    characters, no control characters but tab and line breaks; ProposalRefused otherwise."""
    if value is None:
        if required:
            raise ProposalRefused(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise ProposalRefused(f"{name} must be text")
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip() if _encodable(value) else None
    if text is None:
        raise ProposalRefused(f"{name} has characters that are not text (a lone surrogate)")
    if not text:
        raise ProposalRefused(f"{name} is empty")
    if len(text) > limit:
        raise ProposalRefused(f"{name} is {len(text)} characters long; the limit is {limit}")
    bad = next((c for c in text if c not in "\t\n\r" and unicodedata.category(c) in _REFUSED_CATEGORIES), None)
    if bad is not None:
        raise ProposalRefused(f"{name} has a character that is not text: U+{ord(bad):04X}")
    return text


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _framework_triples(stores) -> list[ox.Triple]:
    """The framework as installed (its graphs only: nothing a community uploads)."""
    public = getattr(stores, "public", stores)
    present = set(public.graphs())
    return [t for g in framework_graphs() if g in present for t in public.get_graph(g)]


@dataclass
class _Framework:
    """What proposals and drafts need to know of the framework in use."""

    criteria: dict[str, ox.NamedNode] = field(default_factory=dict)  # slug -> IRI, every criterion
    retired: set[str] = field(default_factory=set)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> lang -> label
    versions: dict[str, str] = field(default_factory=dict)  # IRI -> label
    subjects: set[str] = field(default_factory=set)
    positions: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # criterion IRI -> positions

    def current(self, slug: str) -> bool:
        return slug in self.criteria and slug not in self.retired


def read_framework(stores) -> _Framework:
    """The criteria (current and retired), their labels, positions of statements, the versions."""
    fw = _Framework()
    triples = _framework_triples(stores)
    statements_of: dict = defaultdict(set)
    position: dict = {}
    for t in triples:
        s, p, o = t.subject, t.predicate, t.object
        if isinstance(s, ox.NamedNode):
            fw.subjects.add(s.value)
        if p == _A and o == _CRITERION_CLASS and s.value.startswith(CRITERIA):
            fw.criteria[s.value[len(CRITERIA):]] = s
        elif p == _DEPRECATED and isinstance(o, ox.Literal) and o.value in ("true", "1"):
            if s.value.startswith(CRITERIA):
                fw.retired.add(s.value[len(CRITERIA):])
        elif p in (_PREF_LABEL, _LABEL) and isinstance(o, ox.Literal) and o.language:
            fw.labels.setdefault(s.value, {}).setdefault(o.language, o.value)
        elif p == _VERSION_INFO and isinstance(o, ox.Literal):
            fw.versions[s.value] = o.value
        elif p == _STATEMENT:
            statements_of[s.value].add(o.value)
        elif p == _POSITION and isinstance(o, ox.Literal):
            try:
                position[s.value] = int(o.value)
            except ValueError:
                pass
    for criterion, statements in statements_of.items():
        fw.positions[criterion] = [position[s] for s in statements if s in position]
    fw.retired &= set(fw.criteria)
    return fw


def _criterion(fw: _Framework, slug: str | None, name: str) -> ox.NamedNode:
    if not isinstance(slug, str) or not _SLUG_RE.fullmatch(slug):
        raise ProposalRefused(f"{name} must be a criterion's slug (e.g. penetration), not {slug!r}")
    if slug not in fw.criteria:
        raise ProposalRefused(f"{name}: there is no criterion {slug!r} in the framework")
    if slug in fw.retired:
        raise ProposalRefused(f"{name}: the criterion {slug!r} is retired; propose a change to a current criterion")
    return fw.criteria[slug]


def check_proposal(fw: _Framework, p: NewProposal, limits: Limits = LIMITS) -> NewProposal:
    """The proposal as it will be stored, or ProposalRefused naming what is wrong."""
    if p.kind not in KINDS:
        raise ProposalRefused(f"kind must be one of {', '.join(KINDS)}, not {p.kind!r}")
    if p.lang not in LANGS:
        raise ProposalRefused(f"lang must be one of {', '.join(LANGS)} (the language of the texts), not {p.lang!r}")
    needs = _NEEDS[p.kind]
    extra = [f for f in _OPTIONAL_FIELDS if f not in needs and getattr(p, f) is not None]
    if extra:
        raise ProposalRefused(f"a {p.kind} proposal has no {', '.join(extra)}: leave {'them' if len(extra) > 1 else 'it'} out")
    missing = [f for f in needs if getattr(p, f) is None]
    if missing:
        raise ProposalRefused(f"a {p.kind} proposal needs {', '.join(missing)}")
    _criterion(fw, p.criterion, "criterion")
    reason = clean_text(p.reason, "reason", limits.max_reason)
    text = clean_text(p.text, "text", limits.max_text, required=False)
    lesson = clean_text(p.lesson, "lesson", limits.max_text, required=False)
    if p.successful is not None and not isinstance(p.successful, bool):
        raise ProposalRefused("successful must be true or false")
    if p.kind == "question" and p.stage not in OPEN_STAGES:
        raise ProposalRefused(f"stage must be one of {', '.join(OPEN_STAGES)} (the stages whose questions are "
                              f"still to be developed), not {p.stage!r}")
    if p.kind == "merge":
        _criterion(fw, p.into, "into")
        if p.into == p.criterion:
            raise ProposalRefused("a criterion cannot be merged into itself: into must name another criterion")
    return NewProposal(p.kind, p.criterion, reason, text, p.lang, lesson, p.successful, p.stage, p.into)


# ---- reading the proposals graph


def _stored(stores) -> list[ox.Triple]:
    public = getattr(stores, "public", stores)
    return public.get_graph(PROPOSALS_GRAPH)


def _number_of(iri: str) -> int | None:
    if not iri.startswith(PROPOSALS):
        return None
    rest = iri[len(PROPOSALS):]
    return int(rest) if _NUMBER_RE.fullmatch(rest) else None


def _by_subject(triples: Iterable[ox.Triple]) -> dict[str, dict[ox.NamedNode, list]]:
    out: dict[str, dict[ox.NamedNode, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        out[t.subject.value][t.predicate].append(t.object)
    return out


def _one(props: dict, pred: ox.NamedNode):
    values = props.get(pred) or []
    return values[0] if values else None


def _slug_of(term, prefix: str) -> str | None:
    return term.value[len(prefix):] if term is not None and term.value.startswith(prefix) else None


def _text(term) -> dict | None:
    if term is None:
        return None
    return {"text": term.value, "lang": getattr(term, "language", None)}


def _records(triples: list[ox.Triple]) -> tuple[dict[int, dict], dict[int, list[dict]]]:
    """The proposals (number -> record) and their comments (number -> records in order)."""
    subjects = _by_subject(triples)
    proposals: dict[int, dict] = {}
    comments: dict[int, list[dict]] = defaultdict(list)
    for iri, props in subjects.items():
        types = props.get(_A, [])
        if _PROPOSAL in types:
            n = _number_of(iri)
            if n is None:
                continue
            successful = _one(props, _SUCCESSFUL_OF)
            proposals[n] = {
                "number": n, "iri": iri,
                "kind": _slug_of(_one(props, _KIND), KINDS_SCHEME),
                "status": _slug_of(_one(props, _STATUS), STATUS_SCHEME) or "open",
                "community": _slug_of(_one(props, _PROPOSED_BY), COMMUNITIES),
                "criterion": _slug_of(_one(props, _ABOUT), CRITERIA),
                "into": _slug_of(_one(props, _INTO), CRITERIA),
                "stage": _slug_of(_one(props, _STAGE_OF), STAGES),
                "text": _text(_one(props, _TEXT)),
                "successful": None if successful is None else successful.value in ("true", "1"),
                "lesson": _text(_one(props, _LESSON_OF)),
                "reason": _text(_one(props, _REASON)),
                "created": getattr(_one(props, _CREATED), "value", None),
                "accepted_in": getattr(_one(props, _ACCEPTED_IN), "value", None),
            }
        elif _COMMENT in types:
            target = _one(props, _COMMENT_ON)
            n = _number_of(target.value) if target is not None else None
            k = iri.rsplit("/", 1)[1]
            if n is None or not _NUMBER_RE.fullmatch(k) or iri != comment_iri(n, int(k)):
                continue
            comments[n].append({
                "number": int(k), "iri": iri,
                "community": _slug_of(_one(props, _CREATOR), COMMUNITIES),
                "text": _text(_one(props, _COMMENT_TEXT)),
                "created": getattr(_one(props, _CREATED), "value", None),
            })
    for items in comments.values():
        items.sort(key=lambda c: c["number"])
    return proposals, comments


def _pick(labels: dict[str, str] | None, lang: str, fallback: str) -> str:
    labels = labels or {}
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), fallback)


def _present(record: dict, fw: _Framework, lang: str, comments: int) -> dict:
    """A proposal for the reader: labels in ``lang`` beside the slugs, links, and the comment count."""
    out = dict(record)
    out["href"] = f"/framework/proposals/{record['number']}"
    out["kind_label"] = _pick(fw.labels.get(KINDS_SCHEME + (record["kind"] or "")), lang, record["kind"] or "")
    out["status_label"] = _pick(fw.labels.get(STATUS_SCHEME + record["status"]), lang, record["status"])
    for key in ("criterion", "into"):
        slug = record[key]
        out[key + "_label"] = _pick(fw.labels.get(CRITERIA + slug), lang, slug) if slug else None
    out["stage_label"] = _pick(fw.labels.get(STAGES + record["stage"]), lang, record["stage"]) if record["stage"] else None
    version = record["accepted_in"]
    out["version"] = None
    if version:
        label = fw.versions.get(version) or version.rsplit("/", 1)[-1].removeprefix("v")
        out["version"] = {"iri": version, "label": label, "href": f"/framework/versions/{label}"}
    out["comments"] = comments
    return out


def list_proposals(stores, lang: str = "en", status: str | None = None) -> list[dict]:
    """Every proposal (or those of one status), in the order filed, with its labels in ``lang``."""
    if status is not None and status not in STATUSES:
        raise ProposalRefused(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    fw = read_framework(stores)
    proposals, comments = _records(_stored(stores))
    return [_present(p, fw, lang, len(comments.get(n, []))) for n, p in sorted(proposals.items())
            if status is None or p["status"] == status]


def get_proposal(stores, number: int, lang: str = "en") -> dict:
    """One proposal with its comments; NotFound if there is none of that number."""
    fw = read_framework(stores)
    proposals, comments = _records(_stored(stores))
    if number not in proposals:
        raise NotFound(f"no proposal {number}: see /framework/proposals")
    out = _present(proposals[number], fw, lang, len(comments.get(number, [])))
    out["comment_list"] = comments.get(number, [])
    return out


# ---- writing


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)


def _timestamp(when: dt.datetime) -> ox.Literal:
    return ox.Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=_DATETIME)


def _seconds_to_midnight(when: dt.datetime) -> int:
    tomorrow = dt.datetime.combine(when.date() + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    return max(1, int((tomorrow - when).total_seconds()))


def file_proposal(stores, community_id: str, proposal: NewProposal, *, now: dt.datetime | None = None,
                  limits: Limits = LIMITS) -> dict:
    """Store a community's proposal (checked first) as the next number; returns it as read back."""
    check_slug(community_id)
    when = _now(now)
    with engine_lease(stores.private, "proposals"), stores.write_lock:  # across instances too
        fw = read_framework(stores)
        p = check_proposal(fw, proposal, limits)
        old = _stored(stores)
        proposals, _ = _records(old)
        mine = [r for r in proposals.values() if r["community"] == community_id]
        today = when.date().isoformat()
        if sum(1 for r in mine if (r["created"] or "").startswith(today)) >= limits.proposals_per_day:
            raise TooManyProposals(f"community {community_id!r} has filed {limits.proposals_per_day} proposals today, "
                                   "the most a day; try again tomorrow (UTC)", retry_after=_seconds_to_midnight(when))
        if sum(1 for r in mine if r["status"] == "open") >= limits.open_per_community:
            raise TooManyProposals(f"community {community_id!r} has {limits.open_per_community} open proposals, the "
                                   "most at a time; file more once some are decided", retry_after=86400)
        if len(proposals) >= limits.max_proposals:
            raise TooManyProposals(f"the service holds {limits.max_proposals} proposals, the most it keeps; "
                                   "ask the administrator", retry_after=86400)
        number = max(proposals, default=0) + 1
        node = ox.NamedNode(proposal_iri(number))
        triples = [
            ox.Triple(node, _A, _PROPOSAL),
            ox.Triple(node, _KIND, ox.NamedNode(KINDS_SCHEME + p.kind)),
            ox.Triple(node, _STATUS, ox.NamedNode(STATUS_SCHEME + "open")),
            ox.Triple(node, _PROPOSED_BY, ox.NamedNode(community_iri(community_id))),
            ox.Triple(node, _ABOUT, fw.criteria[p.criterion]),
            ox.Triple(node, _REASON, ox.Literal(p.reason, language=p.lang)),
            ox.Triple(node, _CREATED, _timestamp(when)),
        ]
        if p.text is not None:
            triples.append(ox.Triple(node, _TEXT, ox.Literal(p.text, language=p.lang)))
        if p.lesson is not None:
            triples.append(ox.Triple(node, _LESSON_OF, ox.Literal(p.lesson, language=p.lang)))
        if p.successful is not None:
            triples.append(ox.Triple(node, _SUCCESSFUL_OF, ox.Literal("true" if p.successful else "false",
                                                                      datatype=_BOOLEAN)))
        if p.stage is not None:
            triples.append(ox.Triple(node, _STAGE_OF, ox.NamedNode(STAGES + p.stage)))
        if p.into is not None:
            triples.append(ox.Triple(node, _INTO, fw.criteria[p.into]))
        stores.patch_graphs({PROPOSALS_GRAPH: (old, old + triples)})  # only the new triples are written
    return get_proposal(stores, number)


def add_comment(stores, number: int, community_id: str, text: str, lang: str = "en", *,
                now: dt.datetime | None = None, limits: Limits = LIMITS) -> dict:
    """Store a community's comment on a proposal (any community may comment); returns it."""
    check_slug(community_id)
    if lang not in LANGS:
        raise ProposalRefused(f"lang must be one of {', '.join(LANGS)} (the language of the text), not {lang!r}")
    body = clean_text(text, "text", limits.max_comment)
    when = _now(now)
    with engine_lease(stores.private, "proposals"), stores.write_lock:  # across instances too
        old = _stored(stores)
        proposals, comments = _records(old)
        if number not in proposals:
            raise NotFound(f"no proposal {number}: see /framework/proposals")
        today = when.date().isoformat()
        mine_today = sum(1 for items in comments.values() for c in items
                         if c["community"] == community_id and (c["created"] or "").startswith(today))
        if mine_today >= limits.comments_per_day:
            raise TooManyProposals(f"community {community_id!r} has written {limits.comments_per_day} comments today, "
                                   "the most a day; try again tomorrow (UTC)", retry_after=_seconds_to_midnight(when))
        here = comments.get(number, [])
        if len(here) >= limits.comments_per_proposal:
            raise TooManyProposals(f"proposal {number} has {limits.comments_per_proposal} comments, the most it "
                                   "takes", retry_after=86400)
        k = max((c["number"] for c in here), default=0) + 1
        node = ox.NamedNode(comment_iri(number, k))
        triples = [
            ox.Triple(node, _A, _COMMENT),
            ox.Triple(node, _COMMENT_ON, ox.NamedNode(proposal_iri(number))),
            ox.Triple(node, _CREATOR, ox.NamedNode(community_iri(community_id))),
            ox.Triple(node, _COMMENT_TEXT, ox.Literal(body, language=lang)),
            ox.Triple(node, _CREATED, _timestamp(when)),
        ]
        stores.patch_graphs({PROPOSALS_GRAPH: (old, old + triples)})  # only the new triples are written
    return {"number": k, "iri": node.value, "proposal": number, "community": community_id,
            "text": {"text": body, "lang": lang}, "created": triples[-1].object.value,
            "href": f"/framework/proposals/{number}#comment-{k}"}


def accepted(stores, proposal_iris: Sequence[str], version_iri: str) -> tuple[str, list[ox.Triple]]:
    """The proposals graph and its new content with these proposals accepted in ``version_iri``
    (``lcc:proposalStatus`` accepted, ``lcc:acceptedIn`` the version): a pure function of the stored
    graph, for the publisher to write in its own transaction. IRIs of no stored proposal, and
    proposals no longer open, are left as they are."""
    old = _stored(stores)
    proposals, _ = _records(old)
    # only open ones: a declined or already accepted proposal keeps its status and version
    chosen = {ox.NamedNode(p["iri"]) for p in proposals.values()
              if p["iri"] in set(proposal_iris) and p.get("status") == "open"}
    kept = [t for t in old if not (t.subject in chosen and t.predicate in (_STATUS, _ACCEPTED_IN))]
    version = ox.NamedNode(version_iri)
    added = [ox.Triple(s, p, o) for s in sorted(chosen, key=lambda n: _number_of(n.value) or 0)
             for p, o in ((_STATUS, ox.NamedNode(STATUS_SCHEME + "accepted")), (_ACCEPTED_IN, version))]
    return PROPOSALS_GRAPH, kept + added


# ---- the draft version


def _next_index(fw: _Framework, prefix: str, taken: set[int]) -> int:
    """One more than the largest ``{prefix}{n}`` the framework or this draft has."""
    found = [int(s[len(prefix):]) for s in fw.subjects if s.startswith(prefix) and s[len(prefix):].isdigit()]
    return max(found + list(taken), default=0) + 1


def draft(stores, proposal_numbers: Sequence[int], label: str, today: dt.date | str) -> str:
    """A version file (Turtle) that accepts these open proposals into framework version ``label``
    (docs/proposals.md gives its shape), issued ``today``; DraftRefused with every reason when the
    proposals cannot make a version together. Nothing is stored: the administrator reads, may edit
    (translations), and publishes it (``POST /framework/versions``, ``lcc framework publish``)."""
    from .indicators import framework_version

    problems: list[str] = []
    issued = today.isoformat() if isinstance(today, dt.date) else str(today)
    try:
        dt.date.fromisoformat(issued)
    except ValueError:
        problems.append(f"the issue date must be a date (YYYY-MM-DD), not {issued!r}")
    if not isinstance(label, str) or not LABEL_RE.fullmatch(label):
        raise DraftRefused("the version label must be numbers and dots, e.g. \"1.1\"",
                           [f"the version label must be numbers and dots, e.g. \"1.1\", not {label!r}"])
    numbers = list(proposal_numbers)
    if not numbers:
        raise DraftRefused("a draft accepts at least one proposal", ["a draft accepts at least one proposal"])
    if len(numbers) > LIMITS.draft_size or len(set(numbers)) != len(numbers):
        raise DraftRefused("list each proposal once", [f"list each proposal once, at most {LIMITS.draft_size}"])
    fw = read_framework(stores)
    current = framework_version(stores)
    if current is None:
        problems.append("the framework has no current version to revise")
    if label in fw.versions.values():
        problems.append(f"version {label} exists already: give the draft a label of its own")
    version = ox.NamedNode(f"{CRITERIA}v{label}")
    proposals, _ = _records(_stored(stores))
    chosen = []
    for n in sorted(numbers):
        p = proposals.get(n)
        if p is None:
            problems.append(f"there is no proposal {n}")
        elif p["status"] != "open":
            problems.append(f"proposal {n} is {p['status']}, not open")
        else:
            chosen.append(p)
    # what the draft removes, and whether the proposals agree
    removed: dict[str, int] = {}
    for p in chosen:
        for slug in (p["criterion"], p["into"]):
            if slug and not fw.current(slug):
                problems.append(f"proposal {p['number']} is about the criterion {slug!r}, which is "
                                f"{'retired' if slug in fw.criteria else 'not in the framework'}")
        if p["kind"] in ("merge", "retirement"):
            if p["criterion"] in removed:
                problems.append(f"proposals {removed[p['criterion']]} and {p['number']} both remove the criterion "
                                f"{p['criterion']!r}: accept one of them")
            removed.setdefault(p["criterion"], p["number"])
    for p in chosen:
        if p["kind"] == "merge" and p["into"] in removed:
            problems.append(f"proposal {p['number']} merges {p['criterion']!r} into {p['into']!r}, which proposal "
                            f"{removed[p['into']]} removes")
        elif p["kind"] in ("statement", "example", "question") and p["criterion"] in removed:
            problems.append(f"proposal {p['number']} adds a {p['kind']} to {p['criterion']!r}, which proposal "
                            f"{removed[p['criterion']]} removes")
    if problems:
        raise DraftRefused(f"no draft of version {label}: {len(problems)} problem(s); the first: {problems[0]}",
                           problems)

    head: list[ox.Triple] = [
        ox.Triple(version, _A, _SCHEME), ox.Triple(version, _A, _FRAMEWORK_VERSION),
        ox.Triple(version, _VERSION_INFO, ox.Literal(label)),
        ox.Triple(version, _REVISION_OF, ox.NamedNode(current)),
        ox.Triple(version, _ISSUED, ox.Literal(issued, datatype=_DATE)),
        ox.Triple(version, _CHANGE_NOTE, ox.Literal(_change_note(label, chosen), language="en")),
    ]
    head += [ox.Triple(version, _ACCEPTS, ox.NamedNode(p["iri"])) for p in chosen]
    body: list[ox.Triple] = []
    taken: dict[str, set[int]] = defaultdict(set)
    for p in chosen:
        crit = fw.criteria[p["criterion"]]
        text = p["text"]
        lang = (text or p["reason"])["lang"] or "en"
        if p["kind"] == "statement":
            prefix = f"{crit.value}/statements/"
            n = max(_next_index(fw, prefix, taken[prefix]), max(fw.positions.get(crit.value, []), default=0) + 1)
            taken[prefix].add(n)
            node = ox.NamedNode(f"{prefix}{n}")
            body += [ox.Triple(node, _A, _STATEMENT_CLASS),
                     ox.Triple(node, _VALUE, ox.Literal(text["text"], language=lang)),
                     ox.Triple(node, _POSITION, ox.Literal(str(n), datatype=_INTEGER)),
                     ox.Triple(node, _INTRODUCED_IN, version),
                     ox.Triple(crit, _STATEMENT, node)]
        elif p["kind"] == "example":
            prefix = f"{crit.value}/examples/"
            n = _next_index(fw, prefix, taken[prefix])
            taken[prefix].add(n)
            node = ox.NamedNode(f"{prefix}{n}")
            body += [ox.Triple(node, _A, _EXAMPLE_CLASS),
                     ox.Triple(node, _VALUE, ox.Literal(text["text"], language=lang)),
                     ox.Triple(node, _SUCCESSFUL, ox.Literal("true" if p["successful"] else "false",
                                                             datatype=_BOOLEAN)),
                     ox.Triple(node, _LESSON, ox.Literal(p["lesson"]["text"], language=p["lesson"]["lang"] or lang)),
                     ox.Triple(node, _INTRODUCED_IN, version),
                     ox.Triple(crit, _EXAMPLE, node)]
        elif p["kind"] == "question":
            prefix = f"{QUESTIONS}{p['stage']}-"
            n = _next_index(fw, prefix, taken[prefix])
            taken[prefix].add(n)
            node = ox.NamedNode(f"{prefix}{n}")
            stage_label = _pick(fw.labels.get(STAGES + p["stage"]), "en", p["stage"])
            body += [ox.Triple(node, _A, _QUESTION_CLASS),
                     ox.Triple(node, _LABEL, ox.Literal(f"{stage_label} dialogue question {n}", language="en")),
                     ox.Triple(node, _VALUE, ox.Literal(text["text"], language=lang)),
                     ox.Triple(node, _POSITION, ox.Literal(str(n), datatype=_INTEGER)),
                     ox.Triple(node, _STAGE, ox.NamedNode(STAGES + p["stage"])),
                     ox.Triple(node, _CRITERION, crit),
                     ox.Triple(node, _INTRODUCED_IN, version)]
        else:
            note = ox.Literal(p["reason"]["text"], language=p["reason"]["lang"] or "en")
            body += [ox.Triple(crit, _DEPRECATED, ox.Literal("true", datatype=_BOOLEAN))]
            if p["kind"] == "merge":
                successor = fw.criteria[p["into"]]
                body += [ox.Triple(crit, _REPLACED_BY, successor), ox.Triple(successor, _REPLACES, crit)]
            body += [ox.Triple(crit, _RETIRED_IN, version), ox.Triple(crit, _CHANGE_NOTE, note)]
    kept = [fw.criteria[s] for s in sorted(fw.criteria) if fw.current(s) and s not in removed]
    head += [ox.Triple(version, _HAS_TOP, c) for c in kept]
    for c in kept:
        body += [ox.Triple(c, _IN_SCHEME, version), ox.Triple(c, _TOP_CONCEPT_OF, version)]
    numbers_text = ", ".join(str(p["number"]) for p in chosen)
    comment = (f"# Draft of framework version {label}, made from proposals {numbers_text} "
               f"(https://w3id.org/lcc/framework/proposals/{{n}}).\n"
               "# Check it, add the Hebrew, Arabic or English of each new text, then publish it:\n"
               "# POST /framework/versions (admin token) or `lcc framework publish FILE`.\n")
    turtle = ox.serialize(_ordered(head + body), format=ox.RdfFormat.TURTLE, prefixes=DRAFT_PREFIXES)
    return comment + _spaced(turtle.decode("utf-8"))


def _spaced(turtle: str) -> str:
    """A blank line before each subject's block (literals are written on one line, escaped)."""
    out = []
    for line in turtle.splitlines():
        if out and not line.startswith(("\t", "@prefix")) and line.strip():
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def _ordered(triples: list[ox.Triple]) -> list[ox.Triple]:
    """Each subject's triples together, subjects in first-seen order (the serialiser groups runs)."""
    order: dict = {}
    for t in triples:
        order.setdefault(t.subject, len(order))
    seen: set = set()
    out = []
    for t in sorted(triples, key=lambda t: order[t.subject]):
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _change_note(label: str, chosen: list[dict]) -> str:
    """The version's English change note: which proposals it accepts, and what each does."""
    def what(p: dict) -> str:
        if p["kind"] == "statement":
            return f"a new statement for {p['criterion']}"
        if p["kind"] == "example":
            return f"an {'' if p['successful'] else 'un'}successful example for {p['criterion']}"
        if p["kind"] == "question":
            return f"a {p['stage']} stage question on {p['criterion']}"
        if p["kind"] == "merge":
            return f"{p['criterion']} merged into {p['into']}"
        return f"{p['criterion']} retired"

    items = "; ".join(f"proposal {p['number']}: {what(p)}" for p in chosen)
    return f"Version {label} accepts communities' proposals ({items})."
