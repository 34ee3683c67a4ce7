"""The allowed values of vocabulary columns, read from the framework's own files (ontology/*.ttl).

A vocabulary cell may hold a concept's label in any of the three languages, its slug
(``skos:notation``, e.g. ``public``) or its IRI; the templates offer the labels of the workbook's
language in their drop-down lists and an export writes them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from ..framework import read_turtle
from ..namespaces import LCC, RDF, SKOS
from ..resources import ontology_files
from .mapping import Column, LANGS

_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"
_POSITION = "https://schema.org/position"


def match_key(text: str) -> str:
    """A value compared loosely: Unicode NFKC, case and runs of spaces ignored."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).replace("\u00a0", " ").split()).casefold()


@dataclass(frozen=True)
class Concept:
    """One allowed value."""

    iri: str
    slug: str
    labels: dict[str, str]
    definition: str | None = None

    def label(self, lang: str) -> str:
        """Its label in a language (English, else the slug, when it has none)."""
        return self.labels.get(lang) or self.labels.get("en") or self.slug


@dataclass(frozen=True)
class Values:
    """The allowed values of one vocabulary column, in the framework's order."""

    concepts: tuple[Concept, ...]

    def find(self, text: str) -> Concept | None:
        """The concept a cell names by label (any language), slug or IRI; None if none does."""
        key = match_key(text)
        for c in self.concepts:
            if key == c.iri.casefold() or key == match_key(c.slug) or any(key == match_key(v) for v in c.labels.values()):
                return c
        return None

    def by_iri(self, iri: str) -> Concept | None:
        """The concept with this IRI."""
        for c in self.concepts:
            if c.iri == iri:
                return c
        return None


@lru_cache(maxsize=1)
def _framework() -> tuple[ox.Store, dict[str, int]]:
    """The ontology files in a store, and where each subject first appears (the files' own order)."""
    store = ox.Store()
    order: dict[str, int] = {}
    for path in ontology_files():
        triples = read_turtle(path)
        for t in triples:
            order.setdefault(t.subject.value, len(order))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return store, order


def _concepts(where: str) -> tuple[Concept, ...]:
    """Concepts selected by a graph pattern on ``?c``, with slugs, labels, definitions and order."""
    store, file_order = _framework()
    rows = store.query(f"""
        SELECT ?c ?notation ?label ?def ?rank ?pos ?value WHERE {{
          {where}
          OPTIONAL {{ ?c <{SKOS}notation> ?notation }}
          OPTIONAL {{ ?c <{SKOS}prefLabel> ?label }}
          OPTIONAL {{ ?c <{SKOS}definition> ?def FILTER(LANG(?def) = "en") }}
          OPTIONAL {{ ?c <{LCC}rank> ?rank }}
          OPTIONAL {{ ?c <{_POSITION}> ?pos }}
          OPTIONAL {{ ?c <{_VALUE}> ?value FILTER(LANG(?value) = "en" || LANG(?value) = "") }}
        }}""")
    found: dict[str, dict] = {}
    for row in rows:
        iri = row["c"].value
        entry = found.setdefault(iri, {"labels": {}, "slug": None, "def": None, "order": None})
        if row["notation"] is not None:
            entry["slug"] = row["notation"].value
        label = row["label"]
        if label is not None and label.language in LANGS:
            entry["labels"][label.language] = label.value
        if row["def"] is not None:
            entry["def"] = row["def"].value
        if row["value"] is not None and entry["def"] is None:
            entry["def"] = row["value"].value
        for key in ("rank", "pos"):
            if row[key] is not None:
                entry["order"] = int(row[key].value)
    out = []
    for iri, e in found.items():
        slug = e["slug"] or iri.rstrip("/").rsplit("/", 1)[-1]
        rank = e["order"] if e["order"] is not None else 10**6
        out.append(((rank, file_order.get(iri, 10**9), iri), Concept(iri, slug, e["labels"], e["def"])))
    return tuple(c for _, c in sorted(out, key=lambda x: x[0]))


@lru_cache(maxsize=64)
def values_for(scheme: str | None, concept_class: str | None) -> Values:
    """The allowed values of a scheme, or the instances of a framework class (criteria, questions)."""
    if scheme:
        return Values(_concepts(f"?c <{SKOS}inScheme> <{scheme}> ."))
    if concept_class:
        return Values(_concepts(f"?c <{RDF}type> <{concept_class}> ."))
    return Values(())


def column_values(column: Column) -> Values:
    """The allowed values of a vocabulary column."""
    return values_for(column.scheme, column.concept_class)
