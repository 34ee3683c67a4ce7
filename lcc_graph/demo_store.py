"""Filling a store with the demo communities: data, registry, criteria findings and indicators."""

from __future__ import annotations

from collections.abc import Callable

from . import access, demo
from .communities import load_communities
from .findings import refresh_findings
from .framework import install_framework
from .indicators import assess_all
from .store.stores import Stores

Step = Callable[[str, int], Callable[[int], None]]


def build_demo_store(stores: Stores, communities: int = 12, seed: int = 0, *, step: Step | None = None) -> dict:
    """Install the framework and load the demo communities with their findings and indicators.

    ``step(name, total)`` may return a callback advanced as work is done (a progress bar).
    """
    def advance(name: str, total: int) -> Callable[[int], None]:
        return step(name, total) if step else (lambda n: None)

    install_framework(stores.public)
    generated = list(demo.generate(communities, seed))
    access.register_many(stores.private, {c.id: c.label for c in generated})
    tick = advance("loading communities", communities)
    triples = load_communities(stores.public, generated, progress=lambda _id: tick(1))
    ids = [c.id for c in generated]
    findings = refresh_findings(stores.public, ids, progress=advance("criteria findings", communities))
    tick = advance("indicators", communities)
    assess_all(stores.public, progress=lambda _id: tick(1))
    stores.publish()
    return {"communities": communities, "triples": triples, "findings": findings}
