"""Known-answer cases for the shapes: small updates of tests/data/validation/clean.ttl.

Each case is a SPARQL update applied to the clean community (on which no shape fires) and the
result it must produce: (shape, focus node, value) for criteria triggers, (shape, focus node)
for structure violations. Near-miss cases (``SILENT``) show the relative principle: the
pattern is there, but the community could not act on it with what it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

DATA = Path(__file__).resolve().parent / "data" / "validation"
CLEAN = DATA / "clean.ttl"
COMMUNITY = "https://w3id.org/lcc/communities/clean"
EX = COMMUNITY + "/"
SHAPES = "https://w3id.org/lcc/shapes/"

PREFIXES = """
PREFIX lcc: <https://w3id.org/lcc#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX ex: <https://w3id.org/lcc/communities/clean/>
PREFIX c: <https://w3id.org/lcc/communities/>
PREFIX sector: <https://w3id.org/lcc/sectors/>
PREFIX field: <https://w3id.org/lcc/fields/>
PREFIX level: <https://w3id.org/lcc/levels/>
PREFIX need: <https://w3id.org/lcc/inclusion-needs/>
PREFIX eng: <https://w3id.org/lcc/engagement/>
PREFIX mode: <https://w3id.org/lcc/learning-modes/>
PREFIX purp: <https://w3id.org/lcc/purposes/>
PREFIX depth: <https://w3id.org/lcc/depth/>
PREFIX status: <https://w3id.org/lcc/initiative-status/>
PREFIX avail: <https://w3id.org/lcc/availability/>
PREFIX kind: <https://w3id.org/lcc/resource-kinds/>
PREFIX unit: <https://w3id.org/lcc/units/>
PREFIX dk: <https://w3id.org/lcc/dialogue-kinds/>
PREFIX stage: <https://w3id.org/lcc/stages/>
PREFIX crit: <https://w3id.org/lcc/criteria/>
"""


@dataclass(frozen=True)
class Case:
    """An update of the clean community and the result it must (or must not) produce."""

    name: str
    update: str
    shape: str
    focus: str
    value: str | None = None

    @property
    def shape_iri(self) -> str:
        return SHAPES + self.shape


def iri(local: str) -> str:
    """``ex:local`` (or the community itself for ``clean``) as a full IRI."""
    return COMMUNITY if local == "clean" else EX + local


def triples(update: str | None = None, community: str = "clean") -> list[ox.Triple]:
    """The clean community, updated, optionally renamed to another community id."""
    store = ox.Store()
    store.load(path=str(CLEAN), format=ox.RdfFormat.TURTLE)
    if update:
        store.update(PREFIXES + update)
    out = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    if community == "clean":
        return out
    data = ox.serialize(out, format=ox.RdfFormat.N_TRIPLES) or b""
    data = data.replace(b"/communities/clean", f"/communities/{community}".encode())
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def swap(subject: str, predicate: str, old: str, new: str) -> str:
    """Replace one object of a subject's property."""
    return f"DELETE DATA {{ {subject} {predicate} {old} }} ; INSERT DATA {{ {subject} {predicate} {new} }}"


def drop(*patterns: str) -> str:
    """Delete triples."""
    return "DELETE DATA { " + " . ".join(patterns) + " }"


def add(*patterns: str) -> str:
    """Insert triples."""
    return "INSERT DATA { " + " . ".join(patterns) + " }"


def both(*updates: str) -> str:
    """Several updates in sequence."""
    return " ; ".join(updates)


NO_INFRASTRUCTURE = "DELETE WHERE { ex:council-forum ?p ?o } ; DELETE WHERE { ?s ?p ex:council-forum }"

# ---- criteria shapes: each fires on its trigger, with this focus node (and value)
TRIGGERS: list[Case] = [
    Case("single-sector partnership", swap("ex:ps2", "org:hasMember", "ex:club", "ex:council"),
         "partnerships-single-sector", "ps2"),
    Case("no public-private partnership", swap("ex:ps1", "org:hasMember", "ex:bank", "ex:club"),
         "partnerships-no-public-private", "clean"),
    Case("no partnership linked to citizens", drop("ex:ps1 lcc:linksCitizenGroup ex:newcomers"),
         "partnerships-no-citizen-link", "clean"),
    Case("infrastructure bridging one sector",
         drop("ex:council-forum lcc:bridges sector:private", "ex:council-forum lcc:bridges sector:social"),
         "infrastructures-single-sector", "council-forum"),
    Case("no infrastructure", NO_INFRASTRUCTURE, "infrastructures-none", "clean"),
    Case("infrastructure not linked to citizens",
         drop("ex:council-forum lcc:linksCitizenGroup ex:youth", "ex:council-forum lcc:identifiesNeed ex:need1",
              "ex:need1 lcc:identifiedBy ex:council-forum", "ex:i1 lcc:ledBy ex:council-forum"),
         "infrastructures-no-citizen-link", "council-forum"),
    Case("inclusion initiative not co-designed", drop("ex:i1 lcc:coDesignedWith ex:newcomers"),
         "inclusion-not-co-designed", "i1", "newcomers"),
    Case("group with inclusion needs not targeted", drop("ex:i1 lcc:targets ex:newcomers"),
         "participation-group-not-targeted", "newcomers"),
    Case("disengaged group not reached",
         both(drop("ex:i2 lcc:targets ex:youth", "ex:i3 lcc:targets ex:youth",
                   "ex:council-forum lcc:linksCitizenGroup ex:youth"),
              swap("ex:i2", "lcc:ledBy", "ex:youth", "ex:club")),
         "outreach-disengaged-not-reached", "youth"),
    Case("need not discussed", drop("ex:need1 lcc:discussedWith ex:newcomers"),
         "needs-not-discussed", "need1", "newcomers"),
    Case("need not addressed", drop("ex:i1 lcc:addressesNeed ex:need1"), "needs-not-addressed", "need1"),
    Case("partnership without agenda",
         drop('ex:ps2 lcc:agenda "Sport and homework support for young people."@en'),
         "transparency-no-agenda", "ps2"),
    Case("initiative without channel",
         drop('ex:i3 lcc:publicChannel "https://learning.example.org/clean/homework"^^xsd:anyURI'),
         "visibility-initiative-no-channel", "clean", "i3"),
    Case("no public channel at all", "DELETE WHERE { ?s lcc:publicChannel ?o }", "visibility-no-channel", "clean"),
    Case("one size fits all",
         both(swap("ex:i2", "lcc:learningMode", "mode:informal", "mode:formal"),
              swap("ex:i3", "lcc:learningMode", "mode:non-formal", "mode:formal")),
         "diversity-one-size-fits-all", "clean", "https://w3id.org/lcc/learning-modes/formal"),
    Case("partner not involved",
         add("ex:museum a lcc:Partner", "ex:museum lcc:community c:clean", "ex:museum lcc:sector sector:social"),
         "penetration-horizontal", "clean", "museum"),
    Case("level not linked",
         add("ex:agency a lcc:Partner", "ex:agency lcc:community c:clean", "ex:agency lcc:sector sector:public",
             "ex:agency lcc:level level:regional", "ex:council-forum org:hasMember ex:agency"),
         "penetration-vertical", "clean", "https://w3id.org/lcc/levels/regional"),
    Case("shallow initiative", swap("ex:i3", "lcc:depth", "depth:sustained", "depth:one-off"),
         "penetration-depth", "clean", "i3"),
    Case("learning mode missing", swap("ex:i3", "lcc:learningMode", "mode:non-formal", "mode:formal"),
         "learning-modes-missing", "clean", "https://w3id.org/lcc/learning-modes/non-formal"),
    Case("no failure recorded", swap("ex:lesson1", "lcc:successful", "false", "true"),
         "reflection-no-failure", "clean"),
    Case("no critical reflection", swap("ex:review1", "lcc:dialogueKind", "dk:critical-reflection",
                                        "dk:public-consultation"),
         "reflection-no-critical-dialogue", "clean"),
    Case("no collaboration", drop("c:clean lcc:collaboratesWith c:elsewhere"), "sharing-no-collaboration", "clean"),
    Case("no value debate", swap("ex:debate1", "lcc:dialogueKind", "dk:value-debate", "dk:public-consultation"),
         "value-codes-no-debate", "clean"),
    Case("no policy", "DELETE WHERE { ex:policy1 ?p ?o }", "policy-making-no-policy", "clean"),
    Case("no policy involving citizens", drop("ex:policy1 lcc:involves ex:newcomers"),
         "policy-making-no-citizens", "clean"),
    Case("no policy supporting an infrastructure", drop("ex:policy1 lcc:supports ex:council-forum"),
         "policy-making-no-infrastructure", "clean"),
    Case("no talent initiative", drop("ex:i1 lcc:purpose purp:talent"), "talent-no-initiative", "clean"),
    Case("no innovation initiative", drop("ex:i2 lcc:purpose purp:innovation"), "innovation-no-initiative", "clean"),
    Case("available resource unused",
         drop("ex:council-forum lcc:mobilises ex:budget", "ex:i1 lcc:mobilises ex:budget"),
         "opportunities-resource-unused", "budget"),
    Case("no citizen-led initiative", swap("ex:i2", "lcc:ledBy", "ex:youth", "ex:club"),
         "dynamics-no-citizen-initiative", "clean"),
    # current work: completed and discontinued initiatives no longer count (tests/test_current_work.py)
    Case("disengaged group reached only by discontinued initiatives",
         both(swap("ex:i2", "lcc:status", "status:active", "status:discontinued"),
              swap("ex:i3", "lcc:status", "status:active", "status:discontinued"),
              drop("ex:council-forum lcc:linksCitizenGroup ex:youth")),
         "outreach-disengaged-not-reached", "youth"),
    Case("partner only in a partnership that leads no current initiative",
         add("ex:museum a lcc:Partner", "ex:museum lcc:community c:clean", "ex:museum lcc:sector sector:social",
             "ex:ps1 org:hasMember ex:museum"),
         "penetration-horizontal", "clean", "museum"),
    Case("partner only leading a completed initiative",
         both(swap("ex:i1", "lcc:ledBy", "ex:council-forum", "ex:school"),
              swap("ex:i3", "lcc:ledBy", "ex:ps2", "ex:council-forum"),
              swap("ex:i1", "lcc:status", "status:active", "status:completed")),
         "penetration-horizontal", "clean", "school"),
    Case("level linked only by a completed initiative",
         add("ex:agency a lcc:Partner", "ex:agency lcc:community c:clean", "ex:agency lcc:sector sector:public",
             "ex:agency lcc:level level:regional", "ex:council-forum org:hasMember ex:agency",
             "ex:old a lcc:Initiative", "ex:old lcc:community c:clean", "ex:old lcc:ledBy ex:council-forum",
             "ex:old lcc:level level:regional", "ex:old lcc:status status:completed"),
         "penetration-vertical", "clean", "https://w3id.org/lcc/levels/regional"),
    Case("talent initiative discontinued", swap("ex:i1", "lcc:status", "status:active", "status:discontinued"),
         "talent-no-initiative", "clean"),
    Case("innovation initiative discontinued and failed",
         both(swap("ex:i2", "lcc:status", "status:active", "status:discontinued"), add("ex:i2 lcc:successful false")),
         "innovation-no-initiative", "clean"),
    Case("citizen-led initiative completed", swap("ex:i2", "lcc:status", "status:active", "status:completed"),
         "dynamics-no-citizen-initiative", "clean"),
]

# ---- near misses: the pattern is there, but the community cannot act on it (or it does not apply)
ALL_PUBLIC = both(swap("ex:bank", "lcc:sector", "sector:private", "sector:public"),
                  swap("ex:club", "lcc:sector", "sector:social", "sector:public"))
SILENT: list[Case] = [
    Case("single-sector partnership in a single-sector community",
         both(ALL_PUBLIC, swap("ex:ps2", "org:hasMember", "ex:club", "ex:council")),
         "partnerships-single-sector", "ps2"),
    Case("no public-private partnership without a private partner",
         both(swap("ex:bank", "lcc:sector", "sector:private", "sector:social"),
              swap("ex:ps1", "org:hasMember", "ex:bank", "ex:club")),
         "partnerships-no-public-private", "clean"),
    Case("one-sector infrastructure in a single-sector community",
         both(ALL_PUBLIC, drop("ex:council-forum lcc:bridges sector:private",
                               "ex:council-forum lcc:bridges sector:social")),
         "infrastructures-single-sector", "council-forum"),
    Case("need voiced by an organisation, not discussed",
         both(drop("ex:need1 lcc:expressedBy ex:newcomers", "ex:need1 lcc:discussedWith ex:newcomers"),
              add("ex:need1 lcc:expressedBy ex:school")),
         "needs-not-discussed", "need1", "school"),
    Case("completed initiative without channel",
         both(drop('ex:i3 lcc:publicChannel "https://learning.example.org/clean/homework"^^xsd:anyURI'),
              swap("ex:i3", "lcc:status", "status:active", "status:completed")),
         "visibility-initiative-no-channel", "clean", "i3"),
    Case("initiative without channel where nothing is published",
         "DELETE WHERE { ?s lcc:publicChannel ?o }", "visibility-initiative-no-channel", "clean", "i3"),
    Case("completed shallow initiative",
         both(swap("ex:i3", "lcc:depth", "depth:sustained", "depth:one-off"),
              swap("ex:i3", "lcc:status", "status:active", "status:completed")),
         "penetration-depth", "clean", "i3"),
    Case("deepest initiative discontinued",
         both(swap("ex:i3", "lcc:depth", "depth:sustained", "depth:recurring"),
              swap("ex:i2", "lcc:status", "status:active", "status:discontinued")),
         "penetration-depth", "clean", "i3"),
    Case("disengaged group reached only by co-design",
         both(drop("ex:i2 lcc:targets ex:youth", "ex:i3 lcc:targets ex:youth",
                   "ex:council-forum lcc:linksCitizenGroup ex:youth"),
              swap("ex:i2", "lcc:ledBy", "ex:youth", "ex:club"), add("ex:i3 lcc:coDesignedWith ex:youth")),
         "outreach-disengaged-not-reached", "youth"),
    Case("disengaged group reached only by a policy",
         both(drop("ex:i2 lcc:targets ex:youth", "ex:i3 lcc:targets ex:youth",
                   "ex:council-forum lcc:linksCitizenGroup ex:youth"),
              swap("ex:i2", "lcc:ledBy", "ex:youth", "ex:club"), add("ex:policy1 lcc:involves ex:youth")),
         "outreach-disengaged-not-reached", "youth"),
    Case("planned talent initiative counts", swap("ex:i1", "lcc:status", "status:active", "status:planned"),
         "talent-no-initiative", "clean"),
    Case("talent initiative without a status counts", drop("ex:i1 lcc:status status:active"),
         "talent-no-initiative", "clean"),
    Case("a failed discontinued initiative is a failure recorded",
         both(swap("ex:lesson1", "lcc:successful", "false", "true"),
              swap("ex:i2", "lcc:status", "status:active", "status:discontinued"), add("ex:i2 lcc:successful false")),
         "reflection-no-failure", "clean"),
    Case("partner in nothing, but no current initiative at all",
         both(add("ex:museum a lcc:Partner", "ex:museum lcc:community c:clean", "ex:museum lcc:sector sector:social"),
              swap("ex:i1", "lcc:status", "status:active", "status:completed"),
              swap("ex:i2", "lcc:status", "status:active", "status:completed"),
              swap("ex:i3", "lcc:status", "status:active", "status:discontinued")),
         "penetration-horizontal", "clean", "museum"),
    Case("expert review counts as critical reflection",
         swap("ex:review1", "lcc:dialogueKind", "dk:critical-reflection", "dk:expert-review"),
         "reflection-no-critical-dialogue", "clean"),
    Case("a peer visit counts as collaboration",
         both(drop("c:clean lcc:collaboratesWith c:elsewhere"),
              add("ex:visit1 a lcc:Dialogue", "ex:visit1 lcc:community c:clean",
                  "ex:visit1 lcc:dialogueKind dk:peer-visit")),
         "sharing-no-collaboration", "clean"),
    Case("no policy and no public partner",
         both("DELETE WHERE { ex:policy1 ?p ?o }",
              swap("ex:council", "lcc:sector", "sector:public", "sector:social"),
              swap("ex:school", "lcc:sector", "sector:public", "sector:social")),
         "policy-making-no-policy", "clean"),
    Case("no policy supporting an infrastructure, but no infrastructure", NO_INFRASTRUCTURE,
         "policy-making-no-infrastructure", "clean"),
    Case("potential resource unused", "", "opportunities-resource-unused", "volunteers"),
    # structure near misses: units (shapes/structure.ttl, docs/resources.md)
    Case("a resource without an amount needs no unit",
         drop("ex:budget lcc:amount 15000.0", "ex:budget lcc:unit unit:eur-per-year"), "Amount-unit", "budget"),
    Case("the same unit on two resources",
         add("ex:grant a lcc:Resource", "ex:grant lcc:community c:clean", "ex:grant lcc:resourceKind kind:funding",
             "ex:grant lcc:amount 500", "ex:grant lcc:unit unit:eur-per-year"), "Resource-unit", "budget"),
    Case("another currency of the scheme", swap("ex:budget", "lcc:unit", "unit:eur-per-year", "unit:ils-per-year"),
         "Resource-unit-scheme", "budget"),
    Case("volunteer hours measure volunteers",
         swap("ex:volunteers", "lcc:unit", "unit:volunteers", "unit:volunteer-hours-per-year"),
         "ResourceUnitFitsKind", "volunteers"),
    Case("hours per week measure digital means",
         both(swap("ex:volunteers", "lcc:resourceKind", "kind:volunteers", "kind:digital"),
              swap("ex:volunteers", "lcc:unit", "unit:volunteers", "unit:hours-per-week")),
         "ResourceUnitFitsKind", "volunteers"),
    Case("a unit as text is the scheme shape's result only", swap("ex:budget", "lcc:unit", "unit:eur-per-year", '"m2"'),
         "ResourceUnitFitsKind", "budget"),
    Case("a kind outside its scheme is the scheme shape's result only",
         swap("ex:budget", "lcc:resourceKind", "kind:funding", "avail:available"), "ResourceUnitFitsKind", "budget"),
]

# ---- structure shapes: each violation is caught by its own shape, on this focus node
STRUCTURE: list[Case] = [
    Case("no community", drop("ex:club lcc:community c:clean"), "CommunityOwned-community", "club"),
    Case("two communities", add("ex:club lcc:community c:other"), "CommunityOwned-community", "club"),
    Case("community is not a community", swap("ex:club", "lcc:community", "c:clean", "ex:school"),
         "CommunityOwned-community-class", "club", "school"),
    Case("start date not a date", swap("ex:ps1", "lcc:startDate", '"2021-03-01"^^xsd:date', '"2021-03-01"'),
         "Dated-startDate", "ps1", '"2021-03-01"'),
    Case("start date ill-typed", swap("ex:ps1", "lcc:startDate", '"2021-03-01"^^xsd:date',
                                      '"2021-02-30"^^xsd:date'),
         "Dated-startDate", "ps1", '"2021-02-30"^^<http://www.w3.org/2001/XMLSchema#date>'),
    Case("two start dates", add('ex:ps1 lcc:startDate "2021-04-01"^^xsd:date'), "Dated-startDate", "ps1"),
    Case("end date not a date", swap("ex:ps2", "lcc:endDate", '"2026-08-31"^^xsd:date', '"soon"'),
         "Dated-endDate", "ps2", '"soon"'),
    Case("dialogue date ill-typed", swap("ex:debate1", "lcc:date", '"2024-05-10"^^xsd:date',
                                         '"10/05/2024"^^xsd:date'),
         "Dated-date", "debate1", '"10/05/2024"^^<http://www.w3.org/2001/XMLSchema#date>'),
    Case("population not an integer", swap("c:clean", "lcc:population", "12000", '"many"'),
         "Community-population", "clean", '"many"'),
    Case("negative population", swap("c:clean", "lcc:population", "12000", "-5"),
         "Community-population-minimum", "clean", '"-5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    Case("two stages", add("c:clean lcc:stage stage:mature"), "Community-stage", "clean"),
    Case("stage from another scheme", swap("c:clean", "lcc:stage", "stage:mid", "sector:public"),
         "Community-stage-scheme", "clean", "https://w3id.org/lcc/sectors/public"),
    Case("part of a literal", add('c:clean lcc:partOf "Big City"'), "Community-partOf", "clean", '"Big City"'),
    Case("collaborates with a literal", add('c:clean lcc:collaboratesWith "Twin Town"'),
         "Community-collaboratesWith", "clean", '"Twin Town"'),
    Case("partner without sector", drop("ex:club lcc:sector sector:social"), "Partner-sector", "club"),
    Case("partner with two sectors", add("ex:club lcc:sector sector:private"), "Partner-sector", "club"),
    Case("sector from another scheme", swap("ex:club", "lcc:sector", "sector:social", "field:sport"),
         "Partner-sector-scheme", "club", "https://w3id.org/lcc/fields/sport"),
    Case("field from another scheme", swap("ex:club", "lcc:field", "field:sport", "sector:social"),
         "Partner-field-scheme", "club", "https://w3id.org/lcc/sectors/social"),
    Case("level not a concept", swap("ex:club", "lcc:level", "level:neighbourhood", '"local"'),
         "Partner-level-scheme", "club", '"local"'),
    Case("partner engagement from another scheme", add("ex:club lcc:engagement level:municipal"),
         "Partner-engagement-scheme", "club", "https://w3id.org/lcc/levels/municipal"),
    Case("one-member partnership", drop("ex:ps2 org:hasMember ex:club"), "Partnership-members", "ps2"),
    Case("group as member", add("ex:ps2 org:hasMember ex:youth"), "Partnership-member-class", "ps2", "youth"),
    Case("partnership links a partner", add("ex:ps2 lcc:linksCitizenGroup ex:club"),
         "Partnership-linksCitizenGroup", "ps2", "club"),
    Case("bridges a field", add("ex:council-forum lcc:bridges field:education"),
         "Infrastructure-bridges-scheme", "council-forum", "https://w3id.org/lcc/fields/education"),
    Case("identifies an initiative", add("ex:council-forum lcc:identifiesNeed ex:i1"),
         "Infrastructure-identifiesNeed", "council-forum", "i1"),
    Case("forms an initiative", add("ex:council-forum lcc:formsPartnership ex:i1"),
         "Infrastructure-formsPartnership", "council-forum", "i1"),
    Case("infrastructure mobilises a partner", add("ex:council-forum lcc:mobilises ex:bank"),
         "Infrastructure-mobilises", "council-forum", "bank"),
    Case("infrastructure member is a group", add("ex:council-forum org:hasMember ex:youth"),
         "Infrastructure-member-class", "council-forum", "youth"),
    Case("infrastructure links a partner", add("ex:council-forum lcc:linksCitizenGroup ex:bank"),
         "Infrastructure-linksCitizenGroup", "council-forum", "bank"),
    Case("led by a resource", swap("ex:i3", "lcc:ledBy", "ex:ps2", "ex:budget"), "Initiative-ledBy", "i3", "budget"),
    Case("targets a partner", add("ex:i3 lcc:targets ex:club"), "Initiative-targets", "i3", "club"),
    Case("co-designed with a need", add("ex:i3 lcc:coDesignedWith ex:need1"),
         "Initiative-coDesignedWith", "i3", "need1"),
    Case("addresses a group", add("ex:i3 lcc:addressesNeed ex:youth"), "Initiative-addressesNeed", "i3", "youth"),
    Case("learning mode from another scheme", add("ex:i3 lcc:learningMode purp:learning"),
         "Initiative-learningMode-scheme", "i3", "https://w3id.org/lcc/purposes/learning"),
    Case("purpose from another scheme", add("ex:i3 lcc:purpose mode:formal"),
         "Initiative-purpose-scheme", "i3", "https://w3id.org/lcc/learning-modes/formal"),
    Case("initiative level from another scheme", add("ex:i3 lcc:level depth:recurring"),
         "Initiative-level-scheme", "i3", "https://w3id.org/lcc/depth/recurring"),
    Case("two depths", add("ex:i3 lcc:depth depth:recurring"), "Initiative-depth", "i3"),
    Case("depth from another scheme", swap("ex:i3", "lcc:depth", "depth:sustained", "level:citizens"),
         "Initiative-depth-scheme", "i3", "https://w3id.org/lcc/levels/citizens"),
    Case("participants not an integer", swap("ex:i3", "lcc:participants", "60", '"sixty"'),
         "Initiative-participants", "i3", '"sixty"'),
    Case("two participant counts", add("ex:i3 lcc:participants 61"), "Initiative-participants", "i3"),
    Case("negative participants", swap("ex:i3", "lcc:participants", "60", "-60"),
         "Initiative-participants-minimum", "i3", '"-60"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    Case("initiative mobilises a group", add("ex:i3 lcc:mobilises ex:youth"), "Initiative-mobilises", "i3", "youth"),
    Case("two statuses", add("ex:i3 lcc:status status:planned"), "Initiative-status", "i3"),
    Case("status from another scheme", swap("ex:i3", "lcc:status", "status:active", "avail:available"),
         "Initiative-status-scheme", "i3", "https://w3id.org/lcc/availability/available"),
    Case("successful not a boolean", add('ex:i3 lcc:successful "yes"'), "Initiative-successful", "i3", '"yes"'),
    Case("inclusion need from another scheme", add("ex:youth lcc:inclusionNeed field:health"),
         "CitizenGroup-inclusionNeed-scheme", "youth", "https://w3id.org/lcc/fields/health"),
    Case("engaged and disengaged", add("ex:youth lcc:engagement eng:engaged"), "CitizenGroup-engagement", "youth"),
    Case("engagement from another scheme", swap("ex:youth", "lcc:engagement", "eng:disengaged", "stage:crisis"),
         "CitizenGroup-engagement-scheme", "youth", "https://w3id.org/lcc/stages/crisis"),
    Case("size not an integer", swap("ex:youth", "lcc:size", "500", "500.5"),
         "CitizenGroup-size", "youth", '"500.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    Case("negative group size", swap("ex:youth", "lcc:size", "500", "-1"),
         "CitizenGroup-size-minimum", "youth", '"-1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    Case("need expressed by a need", add("ex:need1 lcc:expressedBy ex:need1"), "Need-expressedBy", "need1", "need1"),
    Case("need identified by a group", add("ex:need1 lcc:identifiedBy ex:youth"),
         "Need-identifiedBy", "need1", "youth"),
    Case("need discussed with an initiative", add("ex:need1 lcc:discussedWith ex:i1"),
         "Need-discussedWith", "need1", "i1"),
    Case("emerging not a boolean", swap("ex:need1", "lcc:emerging", "true", '"maybe"'),
         "Need-emerging", "need1", '"maybe"'),
    Case("available and potential", add("ex:budget lcc:availability avail:potential"),
         "Resource-availability", "budget"),
    Case("availability from another scheme", swap("ex:budget", "lcc:availability", "avail:available", "kind:funding"),
         "Resource-availability-scheme", "budget", "https://w3id.org/lcc/resource-kinds/funding"),
    Case("resource kind from another scheme", add("ex:budget lcc:resourceKind avail:available"),
         "Resource-kind-scheme", "budget", "https://w3id.org/lcc/availability/available"),
    Case("two amounts", add("ex:budget lcc:amount 16000.0"), "Resource-amount", "budget"),
    Case("amount not a number", swap("ex:budget", "lcc:amount", "15000.0", '"a lot"'),
         "Resource-amount-number", "budget", '"a lot"'),
    Case("negative amount", swap("ex:budget", "lcc:amount", "15000.0", "-0.5"),
         "Resource-amount-minimum", "budget", '"-0.5"^^<http://www.w3.org/2001/XMLSchema#decimal>'),
    Case("two units", add("ex:budget lcc:unit unit:ils-per-year"), "Resource-unit", "budget"),
    Case("unit as text", swap("ex:budget", "lcc:unit", "unit:eur-per-year", '"EUR/year"'),
         "Resource-unit-scheme", "budget", '"EUR/year"'),
    Case("unit from another scheme", swap("ex:budget", "lcc:unit", "unit:eur-per-year", "kind:funding"),
         "Resource-unit-scheme", "budget", "https://w3id.org/lcc/resource-kinds/funding"),
    Case("amount without unit", drop("ex:budget lcc:unit unit:eur-per-year"), "Amount-unit", "budget"),
    Case("amount without unit on a resource without class", both(drop("ex:budget lcc:unit unit:eur-per-year"),
                                                                 drop("ex:budget a lcc:Resource")),
         "Amount-unit", "budget"),
    Case("unit that does not measure the kind", swap("ex:budget", "lcc:unit", "unit:eur-per-year", "unit:m2"),
         "ResourceUnitFitsKind", "budget", "https://w3id.org/lcc/units/m2"),
    Case("kind changed under its unit", swap("ex:volunteers", "lcc:resourceKind", "kind:volunteers", "kind:staff"),
         "ResourceUnitFitsKind", "volunteers", "https://w3id.org/lcc/units/volunteers"),
    Case("provided by a need", swap("ex:budget", "lcc:providedBy", "ex:bank", "ex:need1"),
         "Resource-providedBy", "budget", "need1"),
    Case("adopted by a group", add("ex:policy1 lcc:adoptedBy ex:youth"), "Policy-adoptedBy", "policy1", "youth"),
    Case("supports a resource", add("ex:policy1 lcc:supports ex:budget"), "Policy-supports", "policy1", "budget"),
    Case("involves a partner", add("ex:policy1 lcc:involves ex:bank"), "Policy-involves", "policy1", "bank"),
    Case("dialogue without kind", drop("ex:debate1 lcc:dialogueKind dk:value-debate"), "Dialogue-kind", "debate1"),
    Case("dialogue kind from another scheme", add("ex:debate1 lcc:dialogueKind purp:reflection"),
         "Dialogue-kind-scheme", "debate1", "https://w3id.org/lcc/purposes/reflection"),
    Case("participant as text", add('ex:debate1 lcc:participant "the mayor"'),
         "Dialogue-participant", "debate1", '"the mayor"'),
    Case("dialogue criterion not a criterion", add("ex:debate1 lcc:criterion crit:kindness"),
         "Dialogue-criterion", "debate1", "https://w3id.org/lcc/criteria/kindness"),
    Case("evidence without criterion", drop("ex:lesson1 lcc:criterion crit:reflection"),
         "Evidence-criterion", "lesson1"),
    Case("evidence criterion not a criterion", swap("ex:lesson1", "lcc:criterion", "crit:reflection", "purp:reflection"),
         "Evidence-criterion-class", "lesson1", "https://w3id.org/lcc/purposes/reflection"),
    Case("evidence about a partner", swap("ex:lesson1", "lcc:about", "ex:i3", "ex:club"),
         "Evidence-about", "lesson1", "club"),
    Case("evidence successful not a boolean", swap("ex:lesson1", "lcc:successful", "false", '"0"^^xsd:integer'),
         "Evidence-successful", "lesson1", '"0"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    Case("answer without question", drop("ex:answer1 lcc:answers <https://w3id.org/lcc/questions/early-1>"),
         "DialogueAnswer-answers", "answer1"),
    Case("answer to a non-question", swap("ex:answer1", "lcc:answers", "<https://w3id.org/lcc/questions/early-1>",
                                          "ex:i1"),
         "DialogueAnswer-answers", "answer1", "i1"),
]


def value_term(value: str | None) -> ox.NamedNode | ox.Literal | None:
    """A case's expected value: ``ex:`` local name, full IRI or N-Triples literal."""
    if value is None:
        return None
    if value.startswith('"'):
        return next(iter(ox.parse(f"<x:s> <x:p> {value} .".encode(), format=ox.RdfFormat.N_TRIPLES))).triple.object
    if value.startswith("https://"):
        return ox.NamedNode(value)
    return ox.NamedNode(iri(value))
