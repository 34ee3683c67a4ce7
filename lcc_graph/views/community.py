"""Communities as plain data: the list of communities and one community's profile.

Every view reads the public store with a few set-based queries (never one per node) and
assembles the answer in Python. A community id is checked as a slug and bound as an IRI term
serialised by pyoxigraph, never pasted into a query as text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ..errors import NotFound
from ..namespaces import BASE, COMMUNITIES, LCC, ORG, RDF, RDFS, SKOS, SLUG_RE, community_iri, sparql_prefixes
from ..store.stores import Stores
from .labels import pick

# The order the vocabulary contract lists sectors in: public, private, social.
SECTOR_ORDER = ("public", "private", "social")
SORT_KEYS = ("label", "population", "partners")
COUNTED_CLASSES = {
    "partners": "Partner",
    "partnerships": "Partnership",
    "infrastructures": "Infrastructure",
    "initiatives": "Initiative",
    "citizenGroups": "CitizenGroup",
    "needs": "Need",
    "resources": "Resource",
    "policies": "Policy",
    "dialogues": "Dialogue",
    "evidence": "Evidence",
    "dialogueAnswers": "DialogueAnswer",
}
_TYPE = RDF + "type"
_LABEL_PREDICATES = (RDFS + "label", SKOS + "prefLabel")


# --------------------------------------------------------------------------- binding


def community_term(community_id: str) -> str:
    """The community's IRI as a SPARQL term (``<...>``), for a valid slug; NotFound otherwise."""
    try:
        iri = community_iri(community_id)
    except ValueError:
        raise NotFound(
            f"no community {community_id!r}: community ids are lower-case letters, digits and '-'"
        ) from None
    return str(ox.NamedNode(iri))


def values_block(var: str, terms: Iterable[str]) -> str:
    """A VALUES block binding ``?var`` to terms already serialised by pyoxigraph."""
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def _held_only(stores: Stores, refs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """References to communities, with an ``id`` (what pages link by) only for those the store holds:
    a partner community elsewhere, named but never registered, is shown, not linked to a 404."""
    ids = [r["iri"] for r in refs if "id" in r]
    if not ids:
        return refs
    held_q = ("SELECT ?c WHERE { VALUES ?c { " + " ".join(str(ox.NamedNode(i)) for i in ids)
              + " } ?c a <https://w3id.org/lcc#Community> }")
    held = {row["c"].value for row in stores.query_public(held_q).rows()}
    return [r if "id" not in r or r["iri"] in held else {k: v for k, v in r.items() if k != "id"} for r in refs]


def community_id_of(iri: str) -> str | None:
    """The slug of a community IRI, or None for any other IRI."""
    if not iri.startswith(COMMUNITIES):
        return None
    rest = iri[len(COMMUNITIES):]
    return rest if SLUG_RE.match(rest) else None


def require_community(stores: Stores, community_id: str, lang: str = "en") -> tuple[str, str | None]:
    """The community's SPARQL term and label if it exists in the public store; NotFound otherwise."""
    term = community_term(community_id)
    query = sparql_prefixes() + f"""
SELECT ?label WHERE {{ {values_block('c', [term])} ?c a lcc:Community . OPTIONAL {{ ?c rdfs:label ?label }} }}"""
    rows = stores.query_public(query).rows()
    if not rows:
        raise NotFound(f"no community {community_id!r}: see /communities for the communities")
    return term, pick([r["label"] for r in rows if isinstance(r.get("label"), ox.Literal)], lang)


# --------------------------------------------------------------------------- small helpers


def _int(term: ox.Literal | None) -> int | None:
    if term is None:
        return None
    try:
        return int(term.value)
    except ValueError:
        try:
            return int(float(term.value))
        except ValueError:
            return None


def literal_number(term: ox.Literal | None) -> int | float | None:
    """A literal as a number: whole when its text is whole, None when it is absent or not a number."""
    if term is None:
        return None
    try:
        value = float(term.value)
    except ValueError:
        return None
    return int(value) if value.is_integer() and "." not in term.value and "e" not in term.value.lower() else value


def _bool(term: ox.Literal | None) -> bool | None:
    if term is None:
        return None
    if term.value in ("true", "1"):
        return True
    if term.value in ("false", "0"):
        return False
    return None


def framework_slug(iri: str) -> str | None:
    """The slug of a framework term (a vocabulary concept, a criterion, a question), else None."""
    if not iri.startswith(BASE) or iri.startswith(COMMUNITIES) or iri.endswith("/"):
        return None
    rest = iri[len(BASE):]
    if "/" not in rest:
        return None
    return rest.rsplit("/", 1)[1] or None


def _local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def sector_rank(slug: str | None) -> tuple[int, str]:
    """Sort key: public, private, social, then any other sector, then none."""
    if slug in SECTOR_ORDER:
        return (SECTOR_ORDER.index(slug), slug)
    return (len(SECTOR_ORDER), slug or "~")


# --------------------------------------------------------------------------- the list

_COMMUNITIES = sparql_prefixes() + """
SELECT ?c ?p ?o WHERE {
  ?c a lcc:Community .
  OPTIONAL { VALUES ?p { rdfs:label lcc:population lcc:stage } ?c ?p ?o }
}"""

_CONCEPT_LABELS = sparql_prefixes() + """
SELECT ?x ?label WHERE { ?x skos:inScheme ?scheme ; skos:prefLabel ?label }"""


# For every community at once (the list of communities, the upload page), each item's community
# comes from one scan of lcc:community joined by hashing, and the resources' properties from one
# scan each, instead of a look-up per item: over 1,000 communities the counts took 1.2-1.3 s and
# the resources 0.96 s, now 0.26-0.37 s and 0.40-0.48 s (the same rows). For the communities given
# (one community's page) the look-ups start from them, as before: a subquery would not see them.
def _counts_query(community_terms: list[str] | None) -> str:
    classes = " ".join(f"lcc:{cls}" for cls in COUNTED_CLASSES.values())
    if community_terms is None:
        items = "?s a ?type .\n  { SELECT ?s ?c WHERE { ?s lcc:community ?c } }"
    else:
        items = values_block("c", community_terms) + "\n  ?s lcc:community ?c ; a ?type ."
    return sparql_prefixes() + f"""
SELECT ?c ?type (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  VALUES ?type {{ {classes} }}
  {items}
}} GROUP BY ?c ?type"""


def _resources_query(community_terms: list[str] | None) -> str:
    if community_terms is None:
        found = ("?r a lcc:Resource .\n  { SELECT ?r ?c WHERE { ?r lcc:community ?c } }\n  "
                 + "\n  ".join(f"OPTIONAL {{ {{ SELECT ?r ?{v} WHERE {{ ?r lcc:{p} ?{v} }} }} }}" for v, p in
                                (("availability", "availability"), ("kind", "resourceKind"), ("unit", "unit"),
                                 ("amount", "amount"))))
    else:
        found = (values_block("c", community_terms) + """
  ?r lcc:community ?c ; a lcc:Resource .
  OPTIONAL { ?r lcc:availability ?availability }
  OPTIONAL { ?r lcc:resourceKind ?kind }
  OPTIONAL { ?r lcc:unit ?unit }
  OPTIONAL { ?r lcc:amount ?amount }""")
    return sparql_prefixes() + f"""
SELECT ?c ?availability ?kind ?unit (COUNT(DISTINCT ?r) AS ?n) (SUM(?amount) AS ?total)
       (SAMPLE(?pop) AS ?population) WHERE {{
  {found}
  OPTIONAL {{ ?c lcc:population ?pop }}
}} GROUP BY ?c ?availability ?kind ?unit"""


def concept_labels(stores: Stores, lang: str) -> dict[str, str]:
    """The label of every vocabulary concept, in the reader's language (from the framework's graphs
    only: an upload can never relabel a sector for everyone)."""
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    from ..framework import framework_graphs

    for row in stores.query_public(_CONCEPT_LABELS, default_graph=framework_graphs()).rows():
        labels[row["x"].value].append(row["label"])
    return {iri: pick(lits, lang) or _local_name(iri) for iri, lits in labels.items()}


def _empty_counts() -> dict[str, int]:
    return {key: 0 for key in COUNTED_CLASSES}


def community_counts(stores: Stores, community_terms: list[str] | None = None) -> dict[str, dict[str, int]]:
    """Community IRI -> number of partners, partnerships, initiatives... it owns (one query)."""
    key_of = {LCC + cls: key for key, cls in COUNTED_CLASSES.items()}
    out: dict[str, dict[str, int]] = defaultdict(_empty_counts)
    # every community's: kept with the checkpoint's answers (each list and upload page reads them)
    for row in stores.query_public(_counts_query(community_terms), cache=community_terms is None).rows():
        out[row["c"].value][key_of[row["type"].value]] = _int(row["n"]) or 0
    return out


def _empty_resources() -> dict[str, Any]:
    return {"available": {"count": 0, "totals": []}, "potential": {"count": 0, "totals": []}, "quantities": []}


def _unit_slug(term: ox.NamedNode | ox.Literal) -> str:
    """A unit concept's slug (units/eur-per-year: eur-per-year); the text of a unit stored as a
    string before units were concepts."""
    return (framework_slug(term.value) or _local_name(term.value)) if isinstance(term, ox.NamedNode) else term.value


def per_thousand(amount: int | float | None, population: int | None) -> float | None:
    """An amount per 1,000 inhabitants (4 decimals), None without a positive population."""
    if amount is None or not population or population <= 0:
        return None
    return round(amount * 1000 / population, 4)


def resource_totals(stores: Stores, community_terms: list[str] | None = None, lang: str = "en",
                    labels: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Community IRI -> its resources as quantities.

    ``available`` and ``potential``: the number of resources and, per kind and unit, their
    count and summed amount. ``quantities``: per kind and unit concept, the total available and
    potential amount, the available amount per 1,000 inhabitants (``per_1000``), the unit's slug
    and label and the number of resources. Amounts are summed only within one kind and unit
    (euros are never added to square metres, nor to shekels), so splitting a resource into parts
    changes no amount, only ``count``. Resources without a unit concept or an amount are counted
    in ``available``/``potential`` but have no quantity (docs/resources.md).
    """
    if labels is None:
        labels = concept_labels(stores, lang)
    out: dict[str, dict[str, Any]] = defaultdict(_empty_resources)
    quantities: dict[str, dict[tuple[str, str], dict[str, Any]]] = defaultdict(dict)
    populations: dict[str, int | None] = {}
    for row in stores.query_public(_resources_query(community_terms), cache=community_terms is None).rows():
        iri = row["c"].value
        availability = framework_slug(row["availability"].value) if "availability" in row else None
        bucket = out[iri].setdefault(availability or "unspecified", {"count": 0, "totals": []})
        n = _int(row["n"]) or 0
        kind = framework_slug(row["kind"].value) if "kind" in row else None
        unit = row["unit"] if "unit" in row else None
        amount = literal_number(row.get("total")) if "total" in row else None
        bucket["count"] += n
        bucket["totals"].append({
            "kind": kind,
            "kindLabel": labels.get(row["kind"].value) if "kind" in row else None,
            "unit": _unit_slug(unit) if unit is not None else None,
            "unitLabel": labels.get(unit.value) if isinstance(unit, ox.NamedNode) else None,
            "count": n,
            "amount": amount,
        })
        populations[iri] = _int(row.get("population"))
        if kind is None or not isinstance(unit, ox.NamedNode) or amount is None:
            continue
        q = quantities[iri].setdefault((kind, unit.value), {
            "kind": kind, "kindLabel": labels.get(row["kind"].value) or kind, "unit": _unit_slug(unit), "unitLabel": labels.get(unit.value) or _unit_slug(unit),
            "available": 0, "potential": 0, "per_1000": None, "count": 0})
        if availability in ("available", "potential"):
            q[availability] += amount
        q["count"] += n
    for iri, by_availability in out.items():
        for key, bucket in by_availability.items():
            if key != "quantities":
                bucket["totals"].sort(key=lambda t: (t["kind"] or "~", t["unit"] or "~"))
        items = sorted(quantities[iri].values(), key=lambda q: (q["kind"], q["unit"]))
        for q in items:
            q["per_1000"] = per_thousand(q["available"], populations.get(iri))
        by_availability["quantities"] = items
    return out


def _sort_communities(items: list[dict[str, Any]], sort: str, descending: bool | None) -> list[dict[str, Any]]:
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort by {sort!r}; use one of {', '.join(SORT_KEYS)}")
    by_label = sorted(items, key=lambda c: ((c["label"] or c["id"]).casefold(), c["id"]))
    if sort == "label":
        return list(reversed(by_label)) if descending else by_label
    key = "population" if sort == "population" else None
    desc = True if descending is None else descending

    def value(c: dict[str, Any]) -> float:
        v = c["population"] if key else c["counts"]["partners"]
        return float(v) if v is not None else float("-inf")

    known = [c for c in by_label if value(c) != float("-inf")]
    unknown = [c for c in by_label if value(c) == float("-inf")]
    return sorted(known, key=value, reverse=desc) + unknown


def list_communities(stores: Stores, lang: str = "en", sort: str = "label",
                     descending: bool | None = None) -> list[dict[str, Any]]:
    """Every community with its label, population, stage, counts and resource totals.

    ``sort`` is ``label`` (A to Z), ``population`` or ``partners`` (largest first); ``descending``
    reverses the default order. Communities without a population or partners come last.
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"cannot sort by {sort!r}; use one of {', '.join(SORT_KEYS)}")
    props: dict[str, dict[str, list[ox.NamedNode | ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    for row in stores.query_public(_COMMUNITIES).rows():
        if community_id_of(row["c"].value) is None:
            continue
        entry = props[row["c"].value]
        if "p" in row:
            entry[row["p"].value].append(row["o"])
    counts = community_counts(stores)
    concepts = concept_labels(stores, lang)
    resources = resource_totals(stores, labels=concepts)
    items = []
    for iri, p in props.items():
        stage = next(iter(p.get(LCC + "stage", [])), None)
        population = next(iter(p.get(LCC + "population", [])), None)
        items.append({
            "id": community_id_of(iri),
            "iri": iri,
            "label": pick([t for t in p.get(RDFS + "label", []) if isinstance(t, ox.Literal)], lang),
            "population": _int(population) if isinstance(population, ox.Literal) else None,
            "stage": _concept(stage.value, concepts) if stage is not None else None,
            "counts": counts.get(iri, _empty_counts()),
            "resources": resources.get(iri, _empty_resources()),
        })
    return _sort_communities(items, sort, descending)


_COMMUNITY_LABELS = sparql_prefixes() + """
SELECT ?c ?label WHERE { ?c a lcc:Community . OPTIONAL { ?c rdfs:label ?label } }"""


def community_labels(stores: Stores, lang: str = "en") -> dict[str, str]:
    """Every community's label in the reader's language (its id when it has none), by id."""
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_COMMUNITY_LABELS).rows():
        cid = community_id_of(row["c"].value)
        if cid is None:
            continue
        found = labels[cid]  # every community gets an entry, labelled or not
        if isinstance(row.get("label"), ox.Literal):
            found.append(row["label"])
    return {cid: pick(items, lang) or cid for cid, items in labels.items()}


def _concept(iri: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"iri": iri, "slug": framework_slug(iri), "label": labels.get(iri) or _local_name(iri)}


# --------------------------------------------------------------------------- the profile


def _profile_queries(term: str) -> tuple[str, str, str]:
    values = values_block("c", [term])
    own = sparql_prefixes() + f"SELECT ?p ?o WHERE {{ {values} ?c ?p ?o }}"
    owned = sparql_prefixes() + f"SELECT ?s ?p ?o WHERE {{ {values} ?s lcc:community ?c . ?s ?p ?o }}"
    labels = sparql_prefixes() + f"""
SELECT DISTINCT ?o ?label WHERE {{
  {{ {term} ?p ?o }} UNION {{ ?s lcc:community {term} . ?s ?p ?o }}
  FILTER(isIRI(?o))
  ?o rdfs:label|skos:prefLabel ?label .
}}"""
    return own, owned, labels


class _Graph:
    """The community's description, its owned resources and the labels of what they point to."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.props: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        self.labels: dict[str, list[ox.Literal]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)

    def add(self, s: str, p: str, o: Any) -> None:
        if o not in self.props[s][p]:
            self.props[s][p].append(o)
        if p == _TYPE:
            self.types[s].add(o.value)
        if p in _LABEL_PREDICATES and isinstance(o, ox.Literal) and o not in self.labels[s]:
            self.labels[s].append(o)

    def of_class(self, cls: str) -> list[str]:
        subjects = [s for s, t in self.types.items() if LCC + cls in t]
        return sorted(subjects, key=lambda s: ((self.label(s) or "").casefold(), s))

    def label(self, iri: str) -> str | None:
        return pick(self.labels.get(iri, []), self.lang)

    def all(self, s: str, p: str) -> list[Any]:
        return self.props.get(s, {}).get(LCC + p if ":" not in p else p, [])

    def one(self, s: str, p: str) -> Any:
        values = self.all(s, p)
        return values[0] if values else None

    def text(self, s: str, p: str) -> str | None:
        values = [v for v in self.all(s, p) if isinstance(v, ox.Literal)]
        return pick(values, self.lang) if values else None

    def ref(self, term: Any) -> dict[str, Any] | None:
        """A link to another node: IRI and label (and slug or id when it has one)."""
        if not isinstance(term, ox.NamedNode):
            return None
        iri = term.value
        out: dict[str, Any] = {"iri": iri, "label": self.label(iri) or _local_name(iri)}
        slug = framework_slug(iri)
        if slug is not None:
            out["slug"] = slug
        cid = community_id_of(iri)
        if cid is not None:
            out["id"] = cid
        kind = next((t[len(LCC):] for t in sorted(self.types.get(iri, ())) if t.startswith(LCC)), None)
        if kind is not None:
            out["type"] = kind
        return out

    def refs(self, s: str, p: str) -> list[dict[str, Any]]:
        out = [self.ref(t) for t in self.all(s, p)]
        return sorted((r for r in out if r is not None), key=lambda r: ((r["label"] or "").casefold(), r["iri"]))

    def ref1(self, s: str, p: str) -> dict[str, Any] | None:
        refs = self.refs(s, p)
        return refs[0] if refs else None

    def date(self, s: str, p: str) -> str | None:
        term = self.one(s, p)
        return term.value if isinstance(term, ox.Literal) else None

    def literals(self, s: str, p: str) -> list[str]:
        return sorted(t.value for t in self.all(s, p) if isinstance(t, ox.Literal))

    def base(self, s: str) -> dict[str, Any]:
        return {"iri": s, "label": self.label(s) or _local_name(s)}


def _partners(g: _Graph) -> dict[str, Any]:
    items = []
    for s in g.of_class("Partner"):
        items.append({**g.base(s), "sector": g.ref1(s, "sector"), "fields": g.refs(s, "field"),
                      "levels": g.refs(s, "level")})

    def grouped(key: str, many: bool) -> list[dict[str, Any]]:
        groups: dict[str | None, dict[str, Any]] = {}
        for item in items:
            values = item[key] if many else [item[key]]
            for value in values or [None]:
                iri = value["iri"] if value else None
                group = groups.setdefault(iri, {key.rstrip("s"): value, "count": 0, "partners": []})
                group["count"] += 1
                group["partners"].append({"iri": item["iri"], "label": item["label"]})
        rank = (lambda g_: sector_rank(g_["sector"]["slug"] if g_["sector"] else None)) if key == "sector" else (
            lambda g_: (-g_["count"], (g_["field"] or {}).get("slug") or "~"))
        return sorted(groups.values(), key=rank)

    return {"count": len(items), "bySector": grouped("sector", False), "byField": grouped("fields", True),
            "items": items}


def _partnerships(g: _Graph, sectors_of: dict[str, dict[str, Any] | None]) -> list[dict[str, Any]]:
    out = []
    for s in g.of_class("Partnership"):
        members = g.refs(s, ORG + "hasMember")
        labels: dict[str, str] = {}
        for m in members:
            sector = sectors_of.get(m["iri"])
            m["sector"] = sector["slug"] if sector else None
            if sector:
                labels[sector["slug"]] = sector.get("label") or sector["slug"]
        sectors = {m["sector"] for m in members if m["sector"]}
        agenda = g.text(s, "agenda")
        out.append({
            **g.base(s),
            "memberCount": len(members),
            "members": members,
            "sectors": sorted(sectors, key=sector_rank),
            "sectorLabels": [labels[s_] for s_ in sorted(sectors, key=sector_rank)],
            "crossSector": len(sectors) >= 2,
            "hasAgenda": agenda is not None,
            "agenda": agenda,
            "citizenGroups": g.refs(s, "linksCitizenGroup"),
            "startDate": g.date(s, "startDate"),
            "endDate": g.date(s, "endDate"),
        })
    return out


def _resources(g: _Graph) -> list[dict[str, Any]]:
    return [{
        **g.base(s),
        "availability": g.ref1(s, "availability"),
        "kind": g.ref1(s, "resourceKind"),
        "amount": literal_number(g.one(s, "amount")),
        "unit": _unit_slug(g.one(s, "unit")) if g.one(s, "unit") is not None else None,
        "unitLabel": (g.ref1(s, "unit") or {}).get("label"),
        "providedBy": g.refs(s, "providedBy"),
    } for s in g.of_class("Resource")]


def _sections(g: _Graph) -> dict[str, list[dict[str, Any]]]:
    return {
        "infrastructures": [{
            **g.base(s),
            "bridges": sorted(g.refs(s, "bridges"), key=lambda r: sector_rank(r.get("slug"))),
            "identifiesNeeds": g.refs(s, "identifiesNeed"),
            "formsPartnerships": g.refs(s, "formsPartnership"),
            "mobilises": g.refs(s, "mobilises"),
            "publicChannels": g.literals(s, "publicChannel"),
        } for s in g.of_class("Infrastructure")],
        "initiatives": [{
            **g.base(s),
            "ledBy": g.refs(s, "ledBy"),
            "targets": g.refs(s, "targets"),
            "coDesignedWith": g.refs(s, "coDesignedWith"),
            "addressesNeeds": g.refs(s, "addressesNeed"),
            "learningModes": g.refs(s, "learningMode"),
            "purposes": g.refs(s, "purpose"),
            "levels": g.refs(s, "level"),
            "depth": g.ref1(s, "depth"),
            "participants": _int(g.one(s, "participants")),
            "mobilises": g.refs(s, "mobilises"),
            "status": g.ref1(s, "status"),
            "successful": _bool(g.one(s, "successful")),
            "startDate": g.date(s, "startDate"),
            "endDate": g.date(s, "endDate"),
            "publicChannels": g.literals(s, "publicChannel"),
        } for s in g.of_class("Initiative")],
        "citizenGroups": [{
            **g.base(s),
            "size": _int(g.one(s, "size")),
            "inclusionNeeds": g.refs(s, "inclusionNeed"),
            "engagement": g.ref1(s, "engagement"),
        } for s in g.of_class("CitizenGroup")],
        "needs": [{
            **g.base(s),
            "expressedBy": g.refs(s, "expressedBy"),
            "identifiedBy": g.refs(s, "identifiedBy"),
            "discussedWith": g.refs(s, "discussedWith"),
            "emerging": bool(_bool(g.one(s, "emerging"))),
        } for s in g.of_class("Need")],
        "policies": [{
            **g.base(s),
            "adoptedBy": g.refs(s, "adoptedBy"),
            "supports": g.refs(s, "supports"),
            "involves": g.refs(s, "involves"),
        } for s in g.of_class("Policy")],
        "dialogues": [{
            **g.base(s),
            "kind": g.ref1(s, "dialogueKind"),
            "participants": g.refs(s, "participant"),
            "criteria": g.refs(s, "criterion"),
            "date": g.date(s, "date"),
        } for s in g.of_class("Dialogue")],
        "evidence": [{
            **g.base(s),
            "criteria": g.refs(s, "criterion"),
            "about": g.refs(s, "about"),
            "successful": _bool(g.one(s, "successful")),
            "lesson": g.text(s, "lesson"),
            "date": g.date(s, "date"),
        } for s in g.of_class("Evidence")],
        "dialogueAnswers": [{
            **g.base(s),
            "question": g.ref1(s, "answers"),
            "text": g.text(s, "text"),
            "date": g.date(s, "date"),
        } for s in g.of_class("DialogueAnswer")],
    }


def get_community(stores: Stores, community_id: str, lang: str = "en") -> dict[str, Any]:
    """One community's profile: who it is, its partners by sector and field, its partnerships,
    infrastructures, initiatives, citizen groups, needs, resources, policies, dialogues, evidence
    and dialogue answers. NotFound for an unknown or malformed id.
    """
    term = community_term(community_id)
    iri = community_iri(community_id)
    own_q, owned_q, labels_q = _profile_queries(term)
    g = _Graph(lang)
    for row in stores.query_public(own_q).rows():
        g.add(iri, row["p"].value, row["o"])
    if LCC + "Community" not in g.types.get(iri, set()):
        raise NotFound(f"no community {community_id!r}: see /communities for the communities")
    for row in stores.query_public(owned_q).rows():
        if isinstance(row["s"], ox.NamedNode):
            g.add(row["s"].value, row["p"].value, row["o"])
    for row in stores.query_public(labels_q).rows():
        g.add(row["o"].value, RDFS + "label", row["label"])

    partners = _partners(g)
    sectors_of = {p["iri"]: p["sector"] for p in partners["items"]}
    sections = _sections(g)
    resources = _resources(g)
    counts = community_counts(stores, [term]).get(iri, _empty_counts())
    totals = resource_totals(stores, [term], lang).get(iri, _empty_resources())
    labels = {lit.language or "": lit.value for lit in g.labels.get(iri, [])}
    return {
        "id": community_id,
        "iri": iri,
        "label": g.label(iri),
        "labels": labels,
        "population": _int(g.one(iri, "population")),
        "stage": g.ref1(iri, "stage"),
        "partOf": _held_only(stores, g.refs(iri, "partOf")),
        "collaboratesWith": _held_only(stores, g.refs(iri, "collaboratesWith")),
        "counts": counts,
        "partners": partners,
        "partnerships": _partnerships(g, sectors_of),
        **{k: sections[k] for k in ("infrastructures", "initiatives", "citizenGroups", "needs")},
        "resources": {**totals, "items": resources},
        **{k: sections[k] for k in ("policies", "dialogues", "evidence", "dialogueAnswers")},
    }
