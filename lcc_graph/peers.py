"""Peers that always exist: a community's k nearest communities by size and resources.

The framework judges a community against what it has to work with, never in a league table. A
community's peers are the ``k`` communities nearest to it on

- the logarithm of its population, and
- for each resource kind and unit that both communities declare as available, the logarithm of
  ``1 +`` the amount per 1,000 inhabitants (amounts of one kind are compared in one unit only:
  euros are never compared with shekels),

each dimension standardised over every community that has it (z-scores), the distance being the
root mean square of the differences over the dimensions the two share (so a pair that shares more
resource kinds is not made further apart by having more to compare). Ties are broken by IRI, so
the group is deterministic. Splitting a resource into parts changes no total, so no peer group.

The group's size and distances are part of the answer, its members' names are not; a community's
indicator is then placed within its group as a percentile band (:func:`band`), never as a rank
among named communities. "Too few peers" is said only when the store holds fewer than ``k + 1`` communities.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .namespaces import sparql_prefixes
from .network_metrics import METRICS

DEFAULT_K = 10
MIN_K = 5
MAX_K = 50
AVAILABLE = "https://w3id.org/lcc/availability/available"
BANDS = ((25, "bottom quarter"), (50, "second quarter"), (75, "third quarter"), (101, "top quarter"))
TOO_FEW = "too few peers"

_FEATURES = sparql_prefixes() + f"""
SELECT ?c ?population ?kind ?unit (SUM(?amount) AS ?total) WHERE {{
  ?c a lcc:Community ; lcc:population ?population .
  OPTIONAL {{
    ?r lcc:community ?c ; lcc:availability <{AVAILABLE}> ; lcc:resourceKind ?kind ; lcc:unit ?unit ;
       lcc:amount ?amount .
  }}
}} GROUP BY ?c ?population ?kind ?unit"""


@dataclass
class Profile:
    """What peers are chosen by: population, and available amount per 1,000 inhabitants per (kind, unit)."""

    population: float
    per_1000: dict[tuple[str, str], float] = field(default_factory=dict)


@dataclass(frozen=True)
class PeerGroup:
    """A community's k nearest communities (itself excluded), nearest first."""

    community: str
    k: int
    members: tuple[tuple[str, float], ...]  # (community IRI, distance)
    communities: int  # how many communities the store holds

    @property
    def enough(self) -> bool:
        """False when the store holds fewer than k + 1 communities."""
        return self.communities >= self.k + 1

    def to_json(self) -> dict:
        """The group as the assessment shows it: k, its size and how far its members are (the
        nearest and the farthest distance). No member is named (criterion Balances)."""
        distances = [d for _, d in self.members]
        return {"k": self.k, "size": len(self.members), "enough": self.enough,
                "distance": {"nearest": round(min(distances), 3), "farthest": round(max(distances), 3)}
                if distances else None}


def clamp_k(value: str | int | None) -> int:
    """k as asked for (text or number), held within MIN_K to MAX_K; DEFAULT_K when absent or not a number."""
    try:
        k = int(str(value)) if value is not None else DEFAULT_K
    except ValueError:
        return DEFAULT_K
    return max(MIN_K, min(MAX_K, k))


def _number(term) -> float | None:
    try:
        return float(term.value)
    except (AttributeError, ValueError):
        return None


def profiles(stores) -> dict[str, Profile]:
    """Every community with a positive population, and its available amounts per 1,000 inhabitants."""
    out: dict[str, Profile] = {}
    totals: dict[str, dict[tuple[str, str], float]] = defaultdict(dict)
    for row in stores.query_public(_FEATURES, cache=True).rows():  # kept by the query pool per checkpoint
        population = _number(row.get("population"))
        if population is None or population <= 0:
            continue
        iri = row["c"].value
        out.setdefault(iri, Profile(population))
        total = _number(row.get("total"))
        if "kind" in row and "unit" in row and total is not None and total >= 0:
            totals[iri][(row["kind"].value, str(row["unit"]))] = total
    for iri, by_key in totals.items():
        p = out[iri]
        p.per_1000 = {key: amount * 1000 / p.population for key, amount in by_key.items()}
    return out


def standardised(all_profiles: Mapping[str, Profile]) -> dict[str, dict[object, float]]:
    """Each community's dimensions as z-scores over the communities that have them."""
    raw: dict[str, dict[object, float]] = {
        iri: {"population": math.log(p.population), **{k: math.log1p(v) for k, v in p.per_1000.items()}}
        for iri, p in all_profiles.items()}
    by_dim: dict[object, list[float]] = defaultdict(list)
    for dims in raw.values():
        for dim, value in dims.items():
            by_dim[dim].append(value)
    stats = {}
    for dim, values in by_dim.items():
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        stats[dim] = (mean, sd if sd > 0 else 1.0)
    return {iri: {dim: (v - stats[dim][0]) / stats[dim][1] for dim, v in dims.items()} for iri, dims in raw.items()}


def distance(a: Mapping[object, float], b: Mapping[object, float]) -> float:
    """Root mean square difference over the dimensions both have (population always)."""
    shared = [d for d in a if d in b]
    return math.sqrt(sum((a[d] - b[d]) ** 2 for d in shared) / len(shared))


def peer_group(all_profiles: Mapping[str, Profile], community: str, k: int = DEFAULT_K) -> PeerGroup:
    """The k communities nearest to ``community`` (which must be in ``all_profiles``)."""
    z = standardised(all_profiles)
    if community not in z:
        return PeerGroup(community, k, (), len(all_profiles))
    me = z[community]
    ranked = sorted((distance(me, dims), iri) for iri, dims in z.items() if iri != community)
    return PeerGroup(community, k, tuple((iri, d) for d, iri in ranked[:k]), len(all_profiles))


def band(value: float, group_values: Sequence[float]) -> dict:
    """Where ``value`` stands among the group's values (the community's own included): the share
    below it plus half the share equal to it, as a percentile, and its quarter; "too few peers"
    with fewer than MIN_K values."""
    n = len(group_values)
    if n < MIN_K:
        return {"percentile": None, "band": TOO_FEW, "peers": n}
    below = sum(1 for v in group_values if v < value)
    equal = sum(1 for v in group_values if v == value)
    percentile = round(100 * (below + 0.5 * equal) / n)
    name = next(label for limit, label in BANDS if percentile < limit)
    return {"percentile": float(percentile), "band": name, "peers": n}


def measurement_values(stores, communities: Sequence[str], value_properties: Mapping[str, str]) -> dict:
    """(community IRI, indicator IRI, normalisation slug) -> value, for the given communities."""
    if not communities:
        return {}
    import pyoxigraph as ox

    values = " ".join(str(ox.NamedNode(c)) for c in communities)
    if len(value_properties) == 1:
        # one property (the fits over every community): from the indicators to their measurements,
        # so the network metrics' values (five times as many, most on partners) are never scanned:
        # 0.1 s instead of 0.9 s over 200 demo communities
        ((slug, prop),) = value_properties.items()
        query = f"""
SELECT ?c ?indicator ?value WHERE {{
  ?indicator a <https://w3id.org/lcc#Indicator> .
  ?m <http://www.w3.org/ns/dqv#isMeasurementOf> ?indicator ; {ox.NamedNode(prop)} ?value ;
     <http://www.w3.org/ns/dqv#computedOn> ?c .
}}"""
        keep = set(communities)
        out = {}
        for row in stores.query_public(query).rows():
            number = _number(row["value"])
            if number is not None and row["c"].value in keep and not row["indicator"].value.startswith(METRICS):
                out[(row["c"].value, row["indicator"].value, slug)] = number
        return out
    # every property of each measurement, kept in Python by the ones asked for: starting from the
    # communities keeps the engine on look-ups (joining the properties in the query made it scan
    # every measurement: 1.6 s instead of 0.05 s for 11 of 1,000 communities)
    query = f"""
SELECT ?c ?indicator ?property ?value WHERE {{
  VALUES ?c {{ {values} }}
  ?m <http://www.w3.org/ns/dqv#computedOn> ?c ; <http://www.w3.org/ns/dqv#isMeasurementOf> ?indicator ;
     ?property ?value .
}}"""
    wanted = {prop: slug for slug, prop in value_properties.items()}
    out = {}
    for row in stores.query_public(query).rows():
        slug = wanted.get(row["property"].value)
        number = _number(row["value"]) if slug else None
        if number is not None and not row["indicator"].value.startswith(METRICS):
            out[(row["c"].value, row["indicator"].value, slug)] = number
    return out


__all__ = ["DEFAULT_K", "PeerGroup", "Profile", "band", "clamp_k", "distance", "measurement_values",
           "peer_group", "profiles"]
