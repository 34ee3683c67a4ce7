"""The candidate data: an upload with the ontology and vocabularies, in an in-memory store.

The candidate is what the store would hold. Oxigraph normalises well-formed typed literals
when it stores them (``"01"^^xsd:integer`` becomes ``"1"``), so both engines validate the
triples as the in-memory store gives them back, and reported values are the stored ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..resources import ontology_files
from .shapes import read_turtle


@lru_cache(maxsize=4)
def _ontology_ntriples(files: tuple[Path, ...]) -> bytes:
    triples: list[ox.Triple] = []
    for path in files:
        triples.extend(read_turtle(path))
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def ontology_ntriples(files: Iterable[Path] | None = None) -> bytes:
    """The ontology, criteria and vocabularies as N-Triples (read once per set of files)."""
    paths = tuple(files) if files is not None else tuple(ontology_files())
    return _ontology_ntriples(paths)


def candidate_store(triples: Iterable[ox.Triple], ontology: bytes | None = None) -> ox.Store:
    """An in-memory store of the triples and the ontology, all in the default graph."""
    store = ox.Store()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    onto = ontology_ntriples() if ontology is None else ontology
    # The triples are pyoxigraph terms already: their syntax needs no second check.
    store.bulk_load(onto + b"\n" + data, format=ox.RdfFormat.N_TRIPLES, lenient=True)
    return store


def store_triples(store: ox.Store) -> Iterable[ox.Triple]:
    """The triples of the store's default graph."""
    return (q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
