"""Deterministic synthetic demo data: fictional learning communities covering the whole contract.

``generate(n, seed)`` yields one :class:`DemoCommunity` per community, each with its whole data
graph as pyoxigraph triples. Community ``i`` depends only on ``seed`` and on communities
``0..i-1`` (its name must differ from theirs, a district or a collaboration points back to one
of them), so the first five communities of a run of twenty are those of a run of five.

The patterns the criteria look at (a public-private partnership, disengaged groups reached,
needs discussed with their citizens, the three learning modes, a value debate, collaboration
with other communities...) are switched on and off per community, stratified by blocks of 12
(communities 0-11, 12-23, ...): in every block each switch is on in between 1 and 11 of the
communities, so any such dozen has communities where a finding fires and communities where it
stays silent. Populations are stratified the same way: log-uniform from about 800 to about
2,000,000 inhabitants, every block spanning the whole range, and the number of partners,
groups, initiatives and the resource amounts scale with them.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from datetime import date
from random import Random
from typing import IO

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from lcc_graph.namespaces import (
    BASE,
    CRITERIA,
    LCC,
    ORG,
    PREFIXES,
    RDF,
    RDFS,
    XSD,
    community_base,
    community_graph,
    community_iri,
    concept,
)

MAX_COMMUNITIES = 10_000
MIN_POPULATION = 800
MAX_POPULATION = 2_000_000

# The fixed slugs of the vocabulary contract (DESIGN.md), the only values the generator uses.
SCHEMES: dict[str, tuple[str, ...]] = {
    "sectors": ("public", "private", "social"),
    "fields": ("education", "culture", "arts", "business", "finance", "sport", "health",
               "social-services", "administration", "religion", "media"),
    "inclusion-needs": ("language", "disability", "low-income", "digital-skills", "literacy",
                        "migration-background"),
    "learning-modes": ("formal", "non-formal", "informal"),
    "availability": ("available", "potential"),
    "resource-kinds": ("funding", "space", "staff", "volunteers", "digital"),
    "initiative-status": ("planned", "active", "completed", "discontinued"),
    "engagement": ("engaged", "disengaged"),
    "stages": ("early", "mid", "mature", "crisis", "role-model"),
    "levels": ("citizens", "neighbourhood", "organisations", "municipal", "regional", "national"),
    "depth": ("one-off", "recurring", "sustained", "co-leading"),
    "purposes": ("learning", "employment", "inclusion", "outreach", "talent", "innovation",
                 "entrepreneurship", "reflection", "value-debate", "visibility", "policy", "sharing"),
    "dialogue-kinds": ("value-debate", "critical-reflection", "expert-review", "peer-visit",
                       "public-consultation"),
    "units": ("ils-per-year", "eur-per-year", "m2", "fte", "volunteers", "items"),
}
CRITERIA_SLUGS: tuple[str, ...] = (
    "balances", "change", "diversity", "dynamics", "inclusion", "infrastructures", "innovation",
    "learning", "needs", "opportunities", "outreach", "participation", "partnerships",
    "penetration", "policy-making", "reflection", "sharing", "talent", "transparency",
    "value-codes", "visibility",
)
QUESTIONS: tuple[str, ...] = (
    tuple(f"early-{k}" for k in range(1, 11)) + tuple(f"lc-{k}" for k in range(1, 13))
)
QUESTION_BASE = BASE + "questions/"

FORMATS = {"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "turtle": RdfFormat.TURTLE}


@dataclass
class DemoCommunity:
    """One synthetic community: its slug, English label and whole data graph."""

    id: str
    label: str
    triples: list[Triple] = field(repr=False)

    @property
    def iri(self) -> NamedNode:
        """The community's IRI."""
        return NamedNode(community_iri(self.id))

    @property
    def graph(self) -> NamedNode:
        """The named graph its data is stored in."""
        return NamedNode(community_graph(self.id))


# --------------------------------------------------------------------------- terms (cached)

_C = {scheme: {slug: concept(scheme, slug) for slug in slugs} for scheme, slugs in SCHEMES.items()}
_CRIT = {slug: NamedNode(CRITERIA + slug) for slug in CRITERIA_SLUGS}
_Q = {q: NamedNode(QUESTION_BASE + q) for q in QUESTIONS}


def _t(local: str) -> NamedNode:
    return NamedNode(LCC + local)


A = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
HAS_MEMBER = NamedNode(ORG + "hasMember")
X_INT = NamedNode(XSD + "integer")
X_DEC = NamedNode(XSD + "decimal")
X_DATE = NamedNode(XSD + "date")
X_URI = NamedNode(XSD + "anyURI")
TRUE = Literal("true", datatype=NamedNode(XSD + "boolean"))
FALSE = Literal("false", datatype=NamedNode(XSD + "boolean"))

(COMMUNITY, PARTNER, PARTNERSHIP, INFRASTRUCTURE, INITIATIVE, CITIZEN_GROUP, NEED, RESOURCE,
 POLICY, DIALOGUE, EVIDENCE, DIALOGUE_ANSWER) = map(_t, (
    "Community", "Partner", "Partnership", "Infrastructure", "Initiative", "CitizenGroup", "Need",
    "Resource", "Policy", "Dialogue", "Evidence", "DialogueAnswer"))
(P_COMMUNITY, P_PART_OF, P_POPULATION, P_STAGE, P_COLLABORATES, P_SECTOR, P_FIELD, P_LEVEL,
 P_LINKS_GROUP, P_AGENDA, P_START, P_END, P_BRIDGES, P_IDENTIFIES_NEED, P_FORMS,
 P_MOBILISES, P_CHANNEL, P_LED_BY, P_TARGETS, P_CO_DESIGNED, P_ADDRESSES, P_MODE, P_PURPOSE,
 P_DEPTH, P_PARTICIPANTS, P_STATUS, P_SUCCESSFUL, P_INCLUSION_NEED, P_ENGAGEMENT, P_SIZE,
 P_EXPRESSED_BY, P_IDENTIFIED_BY, P_DISCUSSED, P_EMERGING, P_AVAILABILITY, P_KIND, P_AMOUNT,
 P_UNIT, P_PROVIDED_BY, P_ADOPTED_BY, P_SUPPORTS, P_INVOLVES, P_DIALOGUE_KIND, P_PARTICIPANT,
 P_CRITERION, P_DATE, P_ABOUT, P_LESSON, P_ANSWERS, P_TEXT) = map(_t, (
    "community", "partOf", "population", "stage", "collaboratesWith", "sector", "field", "level",
    "linksCitizenGroup", "agenda", "startDate", "endDate", "bridges", "identifiesNeed",
    "formsPartnership", "mobilises", "publicChannel", "ledBy", "targets", "coDesignedWith",
    "addressesNeed", "learningMode", "purpose", "depth", "participants", "status", "successful",
    "inclusionNeed", "engagement", "size", "expressedBy", "identifiedBy", "discussedWith",
    "emerging", "availability", "resourceKind", "amount", "unit", "providedBy", "adoptedBy",
    "supports", "involves", "dialogueKind", "participant", "criterion", "date", "about", "lesson",
    "answers", "text"))

# --------------------------------------------------------------------------- per-community patterns

BLOCK = 12  # patterns and populations are stratified over consecutive blocks of this many

# name -> share of the communities of a block in which the pattern is switched on
PATTERNS: dict[str, float] = {
    "district": 0.15,            # part of an earlier metropolis in the set (when there is one)
    "no_private": 0.2,           # no private partner at all (PPP finding must stay silent)
    "public_private": 0.55,      # some partnership has a public and a private member
    "single_sector": 0.7,        # some partnership has members of one sector only
    "all_agendas": 0.35,         # every partnership has a visible agenda
    "links_groups": 0.75,        # some partnership links directly to a citizen group
    "disengaged": 0.85,          # some citizen groups are disengaged
    "reach_disengaged": 0.5,     # every disengaged group is targeted by an initiative
    "co_design_all": 0.4,        # inclusion-need groups co-design every initiative for them
    "needs_discussed": 0.4,      # every need is discussed with the citizens who expressed it
    "all_modes": 0.5,            # formal, non-formal and informal learning all present
    "value_debate": 0.5,         # a value-debate dialogue was held
    "reflection": 0.6,           # a critical-reflection or expert-review dialogue was held
    "collaborates": 0.65,        # lcc:collaboratesWith another community of the set
    "policy": 0.8,               # some policy was adopted
    "policy_involves": 0.55,     # policies involve citizen groups
    "cross_infra": 0.75,         # some infrastructure bridges two or more sectors
    "visible_infra": 0.55,       # every infrastructure has a public channel
    "failures": 0.7,             # some initiative did not work (lcc:successful false)
    "emerging": 0.6,             # some needs are flagged as emerging
    "hebrew": 0.35,              # the community has a Hebrew label too
    "has_infra": 0.85,           # some standing infrastructure of collaboration exists
    "infra_citizens": 0.7,       # every infrastructure links to citizens (needs, initiatives)
    "any_channel": 0.85,         # something the community runs has a public channel
    "needs_addressed": 0.45,     # every need is addressed by an initiative
    "all_involved": 0.35,        # every partner and group takes part in something
    "policy_for_infra": 0.6,     # some policy supports an infrastructure
}


@lru_cache(maxsize=64)
def _block(seed: int, block: int) -> tuple[tuple[dict[str, bool], ...], tuple[int, ...]]:
    """The switches of each community of a block, and its population stratum (0..BLOCK-1)."""
    rows: tuple[dict[str, bool], ...] = tuple({} for _ in range(BLOCK))
    for name, share in PATTERNS.items():
        rng = Random(f"{seed}:{name}:{block}")
        slots = list(range(BLOCK))
        rng.shuffle(slots)
        exact = share * BLOCK
        k = min(BLOCK - 1, max(1, int(exact) + (rng.random() < exact - int(exact))))
        on = set(slots[:k])
        for j, row in enumerate(rows):
            row[name] = j in on
    strata = list(range(BLOCK))
    Random(f"{seed}:population:{block}").shuffle(strata)
    return rows, tuple(strata)


def patterns(i: int, seed: int = 0) -> dict[str, bool]:
    """The pattern switches community ``i`` of ``seed`` is built with (see ``PATTERNS``).

    ``district`` only takes effect when an earlier metropolis exists, ``collaborates`` when an
    earlier community does.
    """
    return dict(_block(seed, i // BLOCK)[0][i % BLOCK])


# --------------------------------------------------------------------------- names

# (Latin, Hebrew) syllables of fictional place names.
_PRE = (
    ("Ash", "אש"), ("Bel", "בל"), ("Bren", "ברנ"), ("Cor", "קור"), ("Dal", "דל"), ("Dor", "דור"),
    ("El", "אל"), ("Fen", "פנ"), ("Gal", "גל"), ("Gil", "גיל"), ("Hal", "הל"), ("Har", "הר"),
    ("Kel", "קל"), ("Kin", "קינ"), ("Lan", "לנ"), ("Lor", "לור"), ("Mar", "מר"), ("Mel", "מל"),
    ("Nor", "נור"), ("Oak", "אוק"), ("Or", "אור"), ("Pel", "פל"), ("Ral", "רל"), ("Ros", "רוס"),
    ("Sal", "סל"), ("Sel", "סל"), ("Tam", "תמ"), ("Tor", "תור"), ("Val", "ול"), ("Wen", "ונ"),
    ("Yar", "יר"), ("Zel", "זל"), ("Alder", "אלדר"), ("Birch", "בירצ'"), ("Bram", "בראמ"),
    ("Carn", "קרנ"), ("Dun", "דאנ"), ("Elm", "אלמ"), ("Fair", "פייר"), ("Glen", "גלנ"),
    ("Haw", "הו"), ("Ivy", "אייבי"), ("Kes", "קס"), ("Lyn", "לינ"), ("Mill", "מיל"),
    ("Ned", "נד"), ("Pen", "פנ"), ("Quar", "קוור"), ("Red", "רד"), ("Stan", "סטנ"),
    ("Thorn", "תורנ"), ("Wil", "ויל"), ("Ever", "אבר"), ("Amber", "אמבר"), ("Silver", "סילבר"),
)
_MID = (
    ("", ""), ("", ""), ("", ""), ("", ""), ("", ""), ("a", "א"), ("en", "נ"), ("er", "ר"),
    ("ing", "ינג"), ("el", "ל"), ("or", "ור"), ("is", "יס"), ("an", "אנ"), ("ow", "או"),
)
_SUF = (
    ("ton", "טונ"), ("ford", "פורד"), ("by", "בי"), ("ham", "המ"), ("wick", "וויק"),
    ("mere", "מיר"), ("dale", "דייל"), ("stead", "סטד"), ("holm", "הולמ"), ("port", "פורט"),
    ("field", "פילד"), ("bridge", "ברידג'"), ("brook", "ברוק"), ("ley", "לי"), ("worth", "וורת'"),
    ("haven", "הייבנ"), ("moor", "מור"), ("vale", "וייל"), ("gate", "גייט"), ("well", "וול"),
    ("stone", "סטונ"), ("hurst", "הרסט"), ("thorpe", "תורפ"), ("ridge", "רידג'"), ("ness", "נס"),
    ("wood", "ווד"), ("mouth", "מאות'"), ("crest", "קרסט"), ("fold", "פולד"), ("burn", "ברנ"),
)
_MODIFIERS = ("Upper", "Lower", "New", "East", "West", "North", "South", "Great", "Little")
_DISTRICTS = (
    "Old Town", "Harbourside", "North Hills", "Eastgate", "Westbrook", "Southfield", "Riverside",
    "Market Quarter", "Station Quarter", "Parkview", "Lakeside", "Hillcrest", "Millbrook",
    "Castle Hill", "Newtown", "Oakwood", "Fairview", "Greenacre",
)
_HOODS = (
    "North", "South", "East", "West", "Old Town", "Harbour", "Riverside", "Hillside", "Market",
    "Station", "Parkside", "Lakeside", "Eastgate", "Westbrook", "Northfield", "Southend",
    "Millbrook", "Oakwood", "Newtown", "Castle Hill", "Fairview", "Greenacre", "Brookside",
    "Meadowbank", "Quayside", "Orchard", "Kingsmead", "Highfield",
)
_BRANDS = (
    "Halden", "Meridian", "Brightwater", "Oakline", "Northstar", "Corvel", "Linden", "Tamar",
    "Silverleaf", "Keystone", "Bluepeak", "Redfern", "Ashgrove", "Harmon", "Nadav", "Ofir",
    "Gilboa", "Carmel", "Arbel", "Kestrel", "Larkspur", "Marlow", "Penrose", "Quillon",
    "Rowan", "Sterling", "Thistle", "Vantor", "Wexley", "Yarden", "Zephyr", "Aurora",
)
_TRIPLED = re.compile(r"(.)\1\1")
_FINALS = str.maketrans("כמנפצ", "ךםןףץ")
_UNFINALS = str.maketrans("ךםןףץ", "כמנפצ")


def _hebrew(word: str) -> str:
    word = word.translate(_UNFINALS)
    if word and word[-1] in "כמנפצ":
        word = word[:-1] + word[-1].translate(_FINALS)
    return word


def _slug(text: str) -> str:
    out = []
    for ch in text.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch in " -" and out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _place_name(rng: Random) -> tuple[str, str | None]:
    pre, mid, suf = rng.choice(_PRE), rng.choice(_MID), rng.choice(_SUF)
    name = _TRIPLED.sub(r"\1\1", pre[0] + mid[0] + suf[0])
    hebrew = _hebrew(pre[1] + mid[1] + suf[1])
    if rng.random() < 0.1:
        return f"{rng.choice(_MODIFIERS)} {name}", None
    return name, hebrew


# --------------------------------------------------------------------------- templates

# Partner templates: (label, fields (first always, second sometimes), levels, minimum population)
_PARTNERS: dict[str, tuple[tuple[str, tuple[str, ...], tuple[str, ...], int], ...]] = {
    "public": (
        ("{place} Adult Education College", ("education",), ("municipal",), 3000),
        ("{hood} Primary School", ("education",), ("neighbourhood",), 0),
        ("{hood} Secondary School", ("education", "sport"), ("neighbourhood", "municipal"), 4000),
        ("{place} University of Applied Sciences", ("education", "business"), ("regional",), 150000),
        ("{hood} Kindergarten", ("education",), ("neighbourhood",), 0),
        ("{place} Employment Office", ("administration", "social-services"), ("municipal", "regional"), 8000),
        ("{place} Department of Social Services", ("social-services",), ("municipal",), 5000),
        ("{place} Public Library", ("culture", "education"), ("municipal",), 0),
        ("{hood} Community Centre", ("culture", "social-services"), ("neighbourhood",), 0),
        ("{place} City Museum", ("culture", "arts"), ("municipal",), 20000),
        ("{place} Conservatory of Music", ("arts", "education"), ("municipal",), 30000),
        ("{hood} Community Health Centre", ("health",), ("neighbourhood", "municipal"), 2000),
        ("{place} Regional Hospital", ("health",), ("regional",), 80000),
        ("{place} Municipal Sports Authority", ("sport",), ("municipal",), 10000),
        ("{place} Youth Department", ("administration", "education"), ("municipal",), 5000),
        ("{place} Regional Development Agency", ("administration", "business"), ("regional",), 40000),
        ("National Vocational Training Service, {place} Branch", ("education", "administration"), ("national",), 60000),
    ),
    "private": (
        ("{place} Savings Bank", ("finance",), ("municipal", "regional"), 0),
        ("{brand} Insurance", ("finance",), ("regional", "national"), 30000),
        ("{brand} Logistics", ("business",), ("organisations", "regional"), 5000),
        ("{brand} Software", ("business", "media"), ("organisations",), 20000),
        ("{place} Chamber of Commerce", ("business",), ("organisations", "municipal"), 10000),
        ("{brand} Engineering Works", ("business",), ("organisations",), 3000),
        ("{hood} Shopping Centre", ("business",), ("neighbourhood",), 15000),
        ("{brand} Bakery", ("business",), ("neighbourhood",), 0),
        ("The {place} Courier", ("media",), ("municipal",), 0),
        ("{brand} Digital Media", ("media", "business"), ("organisations",), 50000),
        ("{brand} Language School", ("education", "business"), ("municipal",), 5000),
        ("{brand} Coding Academy", ("education", "business"), ("organisations",), 50000),
        ("{hood} Pharmacy", ("health", "business"), ("neighbourhood",), 0),
        ("{brand} Fitness Club", ("sport", "business"), ("neighbourhood",), 5000),
        ("{brand} Cinema", ("culture", "business"), ("municipal",), 10000),
        ("{brand} Gallery", ("arts", "business"), ("neighbourhood",), 20000),
        ("{brand} Hotel", ("business",), ("municipal",), 0),
        ("{brand} Farm Cooperative", ("business",), ("organisations",), 0),
        ("{brand} Private Clinic", ("health", "business"), ("municipal",), 30000),
    ),
    "social": (
        ("{hood} Youth Football Club", ("sport",), ("neighbourhood",), 0),
        ("{place} Cycling Club", ("sport",), ("municipal",), 0),
        ("{place} Heritage Society", ("culture",), ("municipal",), 0),
        ("{hood} Community Theatre", ("arts", "culture"), ("neighbourhood",), 0),
        ("{place} Choir", ("arts",), ("citizens",), 0),
        ("{place} Food Bank", ("social-services",), ("municipal",), 0),
        ("{place} Volunteer Centre", ("social-services",), ("municipal",), 3000),
        ("{hood} Seniors' Club", ("social-services", "culture"), ("neighbourhood", "citizens"), 0),
        ("{place} Women's Association", ("social-services",), ("citizens", "municipal"), 0),
        ("{hood} Parents' Association", ("education",), ("neighbourhood",), 0),
        ("{place} Reading Circle", ("education", "culture"), ("citizens",), 0),
        ("{hood} Community Synagogue", ("religion", "culture"), ("neighbourhood",), 0),
        ("{hood} Mosque Association", ("religion", "education"), ("neighbourhood",), 0),
        ("{hood} Parish Centre", ("religion", "social-services"), ("neighbourhood",), 0),
        ("{place} Interfaith Council", ("religion",), ("municipal",), 20000),
        ("{place} Community Radio", ("media", "culture"), ("municipal",), 0),
        ("{place} Patients' Association", ("health",), ("citizens",), 10000),
        ("{place} Social Enterprise Network", ("business", "social-services"), ("organisations",), 20000),
        ("{place} Credit Union", ("finance",), ("citizens", "municipal"), 0),
        ("{hood} Chess Club", ("sport", "education"), ("citizens",), 0),
        ("{place} Makerspace Association", ("education", "arts"), ("citizens",), 20000),
        ("{place} Scouts", ("education", "sport"), ("neighbourhood",), 0),
    ),
}

# Citizen groups: (label, inclusion needs, share of the population)
_GROUPS = (
    ("Arabic-speaking families", ("language",), 0.04),
    ("Amharic-speaking adults", ("language", "migration-background"), 0.01),
    ("Russian-speaking seniors", ("language", "digital-skills"), 0.02),
    ("Recently arrived families", ("migration-background", "language"), 0.02),
    ("Second-generation youth", ("migration-background",), 0.03),
    ("Residents with visual impairments", ("disability",), 0.005),
    ("Deaf and hard-of-hearing residents", ("disability",), 0.005),
    ("Adults with learning disabilities", ("disability", "literacy"), 0.005),
    ("Wheelchair users", ("disability",), 0.004),
    ("Single parents on low incomes", ("low-income",), 0.02),
    ("Households in social housing", ("low-income",), 0.05),
    ("Seniors new to digital services", ("digital-skills",), 0.04),
    ("Adults without home internet", ("digital-skills", "low-income"), 0.02),
    ("Adults with basic reading difficulties", ("literacy",), 0.03),
    ("Early school leavers", ("literacy", "low-income"), 0.02),
    ("Secondary school students", (), 0.06),
    ("Young parents", (), 0.04),
    ("Retired professionals", (), 0.05),
    ("Small business owners", (), 0.03),
    ("University students", (), 0.04),
    ("Shift workers", (), 0.05),
    ("Jobseekers over 50", (), 0.015),
    ("Young adults not in education or employment", (), 0.02),
    ("Volunteers", (), 0.03),
    ("Amateur artists", (), 0.01),
    ("Young entrepreneurs", (), 0.01),
    ("Primary school children", (), 0.08),
)

# Initiatives: (name, purposes, learning mode, depths)
_INITIATIVES = (
    ("Digital Skills Café", ("learning", "inclusion"), "non-formal", ("recurring", "sustained")),
    ("Evening Language Circle", ("learning", "inclusion"), "non-formal", ("recurring",)),
    ("Homework Club", ("learning",), "non-formal", ("recurring", "sustained")),
    ("Job Fair", ("employment",), "informal", ("one-off",)),
    ("Career Mentoring Programme", ("employment", "talent"), "non-formal", ("sustained",)),
    ("Youth Innovation Camp", ("innovation", "talent"), "non-formal", ("one-off", "recurring")),
    ("Start-up Incubator", ("entrepreneurship", "innovation"), "non-formal", ("sustained", "co-leading")),
    ("Repair Café", ("sharing", "learning"), "informal", ("recurring",)),
    ("Learning Festival", ("visibility", "outreach"), "informal", ("one-off",)),
    ("Storytelling Evenings", ("visibility", "reflection"), "informal", ("recurring",)),
    ("Door-to-door Learning Ambassadors", ("outreach", "inclusion"), "informal", ("sustained", "co-leading")),
    ("Family Learning Saturdays", ("learning", "inclusion"), "non-formal", ("recurring",)),
    ("Adult Literacy Course", ("learning", "inclusion"), "formal", ("sustained",)),
    ("Vocational Retraining Course", ("employment", "learning"), "formal", ("sustained",)),
    ("Evening Degree Programme", ("learning", "talent"), "formal", ("sustained",)),
    ("Apprenticeship Scheme", ("employment", "talent"), "formal", ("sustained",)),
    ("Open Debate Series", ("value-debate", "reflection"), "informal", ("recurring",)),
    ("Citizens' Budget Workshops", ("policy", "reflection"), "non-formal", ("recurring", "co-leading")),
    ("Peer Exchange with Partner Cities", ("sharing", "reflection"), "non-formal", ("one-off", "recurring")),
    ("Community Radio Workshop", ("visibility", "learning"), "non-formal", ("recurring",)),
    ("Senior Tech Buddies", ("inclusion", "learning"), "informal", ("recurring", "sustained")),
    ("Coding Club", ("talent", "innovation"), "non-formal", ("recurring",)),
    ("Makerspace Open Nights", ("innovation", "sharing"), "informal", ("recurring",)),
    ("Social Enterprise Lab", ("entrepreneurship", "inclusion"), "non-formal", ("sustained", "co-leading")),
    ("Welcome Programme for Newcomers", ("inclusion", "outreach"), "non-formal", ("sustained",)),
    ("Reading Buddies", ("learning", "inclusion"), "informal", ("recurring",)),
    ("Neighbourhood Sports and Learning League", ("outreach", "learning"), "informal", ("recurring",)),
    ("Talent Scholarship", ("talent",), "formal", ("sustained",)),
    ("Open Studio Programme", ("talent", "visibility"), "non-formal", ("recurring",)),
    ("Policy Lab for Young Citizens", ("policy", "learning"), "non-formal", ("recurring", "co-leading")),
    ("Intergenerational Learning Walks", ("learning", "sharing"), "informal", ("one-off", "recurring")),
    ("Certified Care Assistant Course", ("employment", "learning"), "formal", ("sustained",)),
)

_NEEDS = (
    "Basic digital skills for online public services",
    "Language courses for working adults",
    "Evening classes for shift workers",
    "Pathways back into work after long unemployment",
    "Childcare during training hours",
    "Apprenticeship places in local firms",
    "Money management skills for young adults",
    "Accessible learning materials",
    "Quiet study space for school students",
    "Recognition of qualifications gained abroad",
    "Mentoring for first-time entrepreneurs",
    "Reading support for primary school children",
    "Places to learn near home",
    "Information about learning opportunities in home languages",
    "Retraining for workers in declining trades",
    "Spaces for young artists to rehearse and exhibit",
)

_PARTNERSHIP_THEMES = (
    "Learning", "Skills", "Youth Talent", "Digital Inclusion", "Family Learning", "Jobs",
    "Reading", "Neighbourhood Learning", "Entrepreneurship", "Culture and Learning",
    "Newcomers' Welcome", "Inclusion", "Innovation", "Second Chance",
)
_PARTNERSHIP_KINDS = ("Partnership", "Alliance", "Network", "Pact", "Coalition")
_AGENDAS = (
    "Members share rooms and trainers to offer evening courses for adults; decisions are taken jointly at quarterly meetings.",
    "The partners pool placement offers so that every young person who asks gets a training or job offer within four months.",
    "Each partner states what it expects to gain; the minutes and the yearly budget are published.",
    "The partnership runs a joint calendar of learning activities and reviews attendance with the participants twice a year.",
    "Partners commit staff time to a shared help desk and report openly on who was reached and who was not.",
    "Members agree on common quality rules for volunteers and publish the list of projects they support.",
    "The bank funds equipment, the school provides teachers, the club provides the venue; each partner's interest is written down.",
    "The partners co-finance a coordinator and decide priorities together with representatives of the participants.",
)
_INFRASTRUCTURES = (
    "{place} Lifelong Learning Council", "{place} Learning Partnership Board",
    "{hood} Neighbourhood Learning Hub", "{place} Skills and Jobs Forum",
    "{place} Learning City Office", "{place} Talent and Innovation Lab",
    "{place} Inclusion Roundtable", "{place} Learning Festival Committee",
    "{hood} Digital Inclusion Point", "{place} Adult Guidance Centre",
)
_POLICIES = (
    "{place} Lifelong Learning Strategy", "{place} Inclusion Action Plan",
    "{place} Transparency Charter", "{place} Youth Talent Policy",
    "{place} Community Spaces Policy", "{place} Digital Inclusion Plan",
    "{place} Partnership Funding Framework", "{place} Citizens' Initiative Fund Rules",
)
_VALUE_TOPICS = ("gender equality", "human rights", "respect for nature", "fighting prejudice")
_LESSONS_OK = (
    "Co-designing the schedule with participants doubled attendance within a term.",
    "Meeting in the community centre rather than the college lowered the threshold for first-time learners.",
    "A shared coordinator kept the partners talking; without one, earlier attempts had stalled.",
    "Participants trained as peer guides reached neighbours that flyers never reached.",
    "Publishing the agenda of each partner built trust faster than any formal agreement.",
    "Small grants for citizens' own ideas produced more initiatives than the central programme.",
    "Letting participants shape the programme kept them coming after the first season.",
)
_LESSONS_FAIL = (
    "Attendance dropped after the first month: sessions were planned without asking the intended participants when they could come.",
    "The partnership met rarely and the private partner withdrew when its interests were never discussed.",
    "Online registration excluded the very group the initiative was meant for.",
    "The pilot ended with its funding; no partner had planned how to continue it.",
    "Too many goals for one initiative: participants could not tell what it offered them.",
    "The courses were run in a language many participants were not comfortable in.",
    "Volunteers burned out because nobody coordinated the rota.",
)
_RESOURCES = {  # kind -> (label template, unit, amount per inhabitant range, integer amounts)
    # A 50,000-inhabitant town: 100,000-1,000,000 EUR a year, 250-2,500 m2, 1.5-10 FTE of staff,
    # 15-100 volunteers, 25-500 devices (before dividing among the community's resources).
    "funding": ("{what} learning budget", "eur-per-year", (2.0, 20.0), False),
    "space": ("{what} rooms and halls", "m2", (0.005, 0.05), True),
    "staff": ("{what} staff time", "fte", (0.00003, 0.0002), False),
    "volunteers": ("{what} volunteers", "volunteers", (0.0003, 0.002), True),
    "digital": ("{what} laptops and tablets", "items", (0.0005, 0.01), True),
}
ILS_PER_EUR = 3.8  # communities with a Hebrew name budget in shekels (units/ils-per-year)
SPLIT_SHARE = 0.3  # share of communities with one used resource recorded as three parts
_PROVIDERS = {"funding": ("public", "private"), "volunteers": ("social",)}  # likely sectors

# Evidence and dialogue criteria per purpose and per dialogue kind.
_PURPOSE_CRITERION = {
    "learning": "learning", "employment": "opportunities", "inclusion": "inclusion",
    "outreach": "outreach", "talent": "talent", "innovation": "innovation",
    "entrepreneurship": "innovation", "reflection": "reflection", "value-debate": "value-codes",
    "visibility": "visibility", "policy": "policy-making", "sharing": "sharing",
}
_DIALOGUE_CRITERIA = {
    "value-debate": ("value-codes", "diversity"),
    "critical-reflection": ("reflection", "balances"),
    "expert-review": ("reflection", "learning"),
    "peer-visit": ("sharing", "reflection"),
    "public-consultation": ("participation", "policy-making", "transparency"),
}

_CHANNEL = "https://learning.example.org/"  # fictional public web pages
REFERENCE_DAY = date(2025, 6, 30)  # "today" of the demo data: nothing completed after it
_FIRST_DAY = date(2014, 1, 1).toordinal()
_LAST_DAY = REFERENCE_DAY.toordinal()


# --------------------------------------------------------------------------- model


@dataclass(slots=True)
class _Node:
    node: NamedNode
    label: str
    data: dict = field(default_factory=dict)


@dataclass
class _Community:
    """What generating community ``i`` needs to know about an earlier one."""

    id: str
    label: str
    population: int


@dataclass
class _History:
    """The communities generated so far: all of them, the metropolises, the ids taken."""

    communities: list[_Community] = field(default_factory=list)
    cities: list[_Community] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def add(self, community: _Community, district: bool) -> None:
        self.communities.append(community)
        self.names.add(community.id)
        if not district and community.population >= 250_000:
            self.cities.append(community)


class _Builder:
    """Builds one community as plain Python objects, then emits its triples."""

    def __init__(self, seed: int, i: int, history: _History) -> None:
        self.rng = rng = Random(f"{seed}:{i}")
        self.seed, self.i = seed, i
        rows, strata = _block(seed, i // BLOCK)
        self.on = rows[i % BLOCK]
        self._identity(seed, i, history, strata[i % BLOCK])
        self.base = community_base(self.id)
        self.node = NamedNode(community_iri(self.id))
        self.scale = max(0.0, math.log10(self.population / MIN_POPULATION))  # 0 .. ~3.4
        self.size_factor = (self.population / MIN_POPULATION) ** 0.33  # ~1 .. ~13
        self.hoods = [self.place] if self.population < 6000 else rng.sample(
            _HOODS, min(len(_HOODS), 2 + int(self.scale * 5)))
        self.labels: set[str] = set()
        self.counters: dict[str, int] = {}
        self.triples: list[Triple] = []

    # ---- identity: name, population, district, collaborations

    def _identity(self, seed: int, i: int, history: _History, stratum: int) -> None:
        rng = self.rng
        name_rng = Random(f"{seed}:{i}:name")
        u = (stratum + name_rng.random()) / BLOCK
        log_pop = math.log10(MIN_POPULATION) + u * math.log10(MAX_POPULATION / MIN_POPULATION)
        self.population = int(round(10 ** log_pop))
        self.part_of: _Community | None = None
        self.hebrew: str | None = None
        names, previous = history.names, history.communities
        if self.on["district"] and history.cities:
            parent = name_rng.choice(history.cities)
            free = [d for d in _DISTRICTS if f"{parent.id}-{_slug(d)}" not in names]
            if free:
                district = name_rng.choice(free)
                self.part_of = parent
                self.id = f"{parent.id}-{_slug(district)}"
                self.label = f"{district}, {parent.label}"
                self.place = district
                self.population = int(parent.population * name_rng.uniform(0.04, 0.2))
        if self.part_of is None:
            for _ in range(8):
                label, hebrew = _place_name(name_rng)
                if _slug(label) not in names:
                    break
            slug = _slug(label)
            if slug in names:
                k = 2
                while f"{slug}-{k}" in names:
                    k += 1
                slug = f"{slug}-{k}"
                label, hebrew = f"{label} {k}", None
            self.id, self.label, self.place = slug, label, label
            if self.on["hebrew"] and hebrew:
                self.hebrew = hebrew
        self.collaborators: list[_Community] = []
        if self.on["collaborates"] and previous:
            k = rng.randint(1, 3)
            picked = [previous[j] for j in rng.sample(range(len(previous)), min(len(previous), k + 1))]
            picked = [c for c in picked if c is not self.part_of][:k]
            self.collaborators = sorted(picked, key=lambda c: c.id)
        self.stage = rng.choices(SCHEMES["stages"], weights=(25, 35, 20, 10, 10))[0]

    # ---- helpers

    def _new(self, kind: str, label: str) -> _Node:
        k = self.counters.get(kind, 0) + 1
        self.counters[kind] = k
        if label in self.labels:
            n = 2
            while f"{label} ({n})" in self.labels:
                n += 1
            label = f"{label} ({n})"
        self.labels.add(label)
        return _Node(NamedNode(f"{self.base}{kind}/{k}"), label)

    def _fill(self, template: str) -> str:
        rng = self.rng
        return template.format(place=self.place, hood=rng.choice(self.hoods), brand=rng.choice(_BRANDS))

    def _date(self, start: int = _FIRST_DAY, end: int = _LAST_DAY) -> int:
        return self.rng.randint(start, max(start, end))

    def _count(self, base: float, low: int) -> int:
        return max(low, round(base * self.size_factor * self.rng.uniform(0.85, 1.2)))

    # ---- the community

    def build(self) -> DemoCommunity:
        self._partners()
        self._groups()
        self._resources()
        self._infrastructures()
        self._needs()
        self._partnerships()
        self._initiatives()
        self._channels_and_links()
        self._policies()
        self._dialogues()
        self._evidence()
        self._answers()
        self._emit()
        self._split_a_resource(self.seed, self.i)
        return DemoCommunity(self.id, self.label, self.triples)

    def _split_a_resource(self, seed: int, i: int) -> None:
        """In some communities, one resource that something mobilises is recorded as three parts
        (the budget of three departments, say): the same kind, unit, availability and provider, the
        amount split exactly, each part mobilised wherever the whole was. The totals per kind and
        unit stay the same (docs/resources.md). Its own random stream: nothing else changes."""
        rng = Random(f"{seed}:split:{i}")
        if rng.random() >= SPLIT_SHARE:
            return
        used = {t.object for t in self.triples if t.predicate == P_MOBILISES}
        candidates = [r for r in self.resources if r.node in used]
        if not candidates:
            return
        r = rng.choice(candidates)
        whole = Decimal(r.data["amount"])
        third = (whole / 3).quantize(Decimal("1") if "." not in r.data["amount"] else Decimal("0.01"), ROUND_DOWN)
        amounts = [third, third, whole - 2 * third]
        parts = [r.node] + [NamedNode(f"{r.node.value}-part-{n}") for n in (2, 3)]
        label = NamedNode(RDFS + "label")
        out: list[Triple] = []
        for t in self.triples:
            if t.subject == r.node:
                for n, (part, amount) in enumerate(zip(parts, amounts), start=1):
                    if t.predicate == P_AMOUNT:
                        out.append(Triple(part, t.predicate, Literal(str(amount), datatype=X_DEC)))
                    elif t.predicate == label:
                        out.append(Triple(part, label, Literal(f"{t.object.value} (part {n} of 3)",
                                                               language=t.object.language)))
                    else:
                        out.append(Triple(part, t.predicate, t.object))
            elif t.object == r.node:
                out.extend(Triple(t.subject, t.predicate, part) for part in parts)
            else:
                out.append(t)
        self.triples[:] = out

    def _partners(self) -> None:
        rng, pop = self.rng, self.population
        n = self._count(5, 4)
        sectors = ("public", "social") if self.on["no_private"] else ("public", "private", "social")
        weights = (0.45, 0.55) if self.on["no_private"] else (0.35, 0.35, 0.3)
        plan = ["public"] + list(sectors[1:]) + rng.choices(sectors, weights=weights, k=n - len(sectors))
        self.partners: list[_Node] = []
        for k, sector in enumerate(plan):
            if k == 0:
                kind = "Local Council" if pop < 10_000 else "Municipality"
                if self.part_of is not None:
                    kind = "District Administration"
                template = (f"{{place}} {kind}", ("administration",), ("municipal",), 0)
            else:
                options = [t for t in _PARTNERS[sector] if t[3] <= pop]
                template = rng.choice(options)
            label_t, fields, levels, _ = template
            p = self._new("partners", self._fill(label_t))
            fields = fields if len(fields) > 1 and rng.random() < 0.45 else fields[:1]
            p.data.update(sector=sector, fields=fields, level=rng.choice(levels))
            self.partners.append(p)
        self.by_sector = {s: [p for p in self.partners if p.data["sector"] == s] for s in SCHEMES["sectors"]}
        self.sectors_present = [s for s in SCHEMES["sectors"] if self.by_sector[s]]

    def _groups(self) -> None:
        rng, pop = self.rng, self.population
        n = min(len(_GROUPS), self._count(3, 3))
        with_needs = [g for g in _GROUPS if g[1]]
        chosen = rng.sample(with_needs, 1) + rng.sample([g for g in _GROUPS if g not in with_needs], 1)
        chosen += rng.sample([g for g in _GROUPS if g not in chosen], n - 2)
        self.groups: list[_Node] = []
        for label, needs, share in chosen:
            where = rng.choice(self.hoods) if rng.random() < 0.5 else self.place
            g = self._new("groups", f"{label} in {where}")
            local = 1.0 if where == self.place else min(1.0, 1.5 / len(self.hoods))
            size = max(5, int(pop * share * local * rng.uniform(0.3, 1.2)))
            if needs and rng.random() < 0.35:
                needs = needs[:1]
            g.data.update(size=size, needs=needs, engaged=True)
            self.groups.append(g)
        if self.on["disengaged"]:
            candidates = sorted(self.groups, key=lambda g: (not g.data["needs"], rng.random()))
            for g in candidates[: max(1, round(len(self.groups) * rng.uniform(0.15, 0.35)))]:
                g.data["engaged"] = False
        self.disengaged = [g for g in self.groups if not g.data["engaged"]]
        self.unreached: list[_Node] = []
        if self.disengaged and not self.on["reach_disengaged"]:
            self.unreached = rng.sample(self.disengaged, max(1, len(self.disengaged) // 2))

    def _resources(self) -> None:
        rng, pop = self.rng, self.population
        n = self._count(3.5, 3)
        kinds = list(SCHEMES["resource-kinds"])
        self.resources: list[_Node] = []
        for k in range(n):
            kind = kinds[k] if k < len(kinds) else rng.choice(kinds)
            template, unit, (lo, hi), integer = _RESOURCES[kind]
            likely = _PROVIDERS.get(kind, SCHEMES["sectors"])
            provider = rng.choice([p for p in self.partners if p.data["sector"] in likely] or self.partners)
            r = self._new("resources", template.format(what=provider.label))
            amount = pop * math.exp(rng.uniform(math.log(lo), math.log(hi))) / max(1, n / 5)
            potential = rng.random() < 0.3
            if kind == "funding" and self.hebrew:
                unit, amount = "ils-per-year", amount * ILS_PER_EUR
            text = str(max(1, round(amount))) if integer else f"{max(0.1, amount):.{1 if unit == 'fte' else 2}f}"
            r.data.update(kind=kind, unit=unit, amount=text, provider=provider,
                          availability="potential" if potential else "available")
            self.resources.append(r)
        self.available = [r for r in self.resources if r.data["availability"] == "available"] or self.resources

    def _infrastructures(self) -> None:
        rng = self.rng
        n = max(1, round(self.size_factor / 3 * rng.uniform(0.8, 1.3))) if self.on["has_infra"] else 0
        self.infrastructures: list[_Node] = []
        for k in range(n):
            inf = self._new("infrastructures", self._fill(rng.choice(_INFRASTRUCTURES)))
            cross = self.on["cross_infra"] and (k == 0 or rng.random() < 0.6) and len(self.sectors_present) > 1
            bridges = (rng.sample(self.sectors_present, rng.randint(2, len(self.sectors_present)))
                       if cross else [rng.choice(self.sectors_present)])
            channel = None
            if self.on["visible_infra"] or rng.random() < 0.5:
                channel = f"{_CHANNEL}{self.id}/{_slug(inf.label.removeprefix(self.place + ' '))}"
            inf.data.update(bridges=sorted(bridges, key=SCHEMES["sectors"].index), channel=channel,
                            needs=[], partnerships=[],
                            resources=rng.sample(self.resources, min(len(self.resources), rng.randint(1, 3))))
            self.infrastructures.append(inf)
        if (not self.on["visible_infra"] and self.infrastructures
                and all(inf.data["channel"] for inf in self.infrastructures)):
            rng.choice(self.infrastructures).data["channel"] = None

    def _needs(self) -> None:
        rng = self.rng
        n = min(len(_NEEDS), self._count(1.8, 2))
        self.needs: list[_Node] = []
        for label in rng.sample(_NEEDS, n):
            need = self._new("needs", label)
            expressed = rng.sample(self.groups, rng.choice((1, 1, 2)))
            by = (rng.choice(self.infrastructures) if self.infrastructures and rng.random() < 0.5
                  else rng.choice(self.partners))
            if by in self.infrastructures:
                by.data["needs"].append(need)
            discussed = expressed if (self.on["needs_discussed"] or rng.random() < 0.5) else []
            emerging = self.on["emerging"] and rng.random() < 0.3
            need.data.update(expressed=expressed, by=by, discussed=discussed, emerging=emerging)
            self.needs.append(need)
        if self.on["emerging"] and not any(n.data["emerging"] for n in self.needs):
            rng.choice(self.needs).data["emerging"] = True
        if not self.on["needs_discussed"] and all(n.data["discussed"] for n in self.needs):
            rng.choice(self.needs).data["discussed"] = []
        for inf in self.infrastructures:
            if not inf.data["needs"] and (self.on["infra_citizens"] or rng.random() < 0.5):
                inf.data["needs"].append(rng.choice(self.needs))

    def _partnerships(self) -> None:
        rng, by = self.rng, self.by_sector
        n = self._count(1.6, 2)
        ppp = self.on["public_private"] and bool(by["private"])
        pairs = [(a, b) for a, b in (("public", "private"), ("public", "social"), ("private", "social"))
                 if by[a] and by[b] and (ppp or (a, b) != ("public", "private"))]
        singles = [s for s in self.sectors_present if len(by[s]) >= 2]
        self.partnerships: list[_Node] = []
        for k in range(n):
            size = min(len(self.partners), 2 + int(rng.random() * (1 + self.scale)))
            if singles and self.on["single_sector"] and (k == 1 or (k > 1 and rng.random() < 0.2)):
                pool = by[rng.choice(singles)]
                members = rng.sample(pool, min(size, len(pool)))
            else:
                a, b = ("public", "private") if k == 0 and ppp else rng.choice(pairs)
                members = [rng.choice(by[a]), rng.choice(by[b])]
                pool = [p for p in self.partners
                        if p not in members and (ppp or p.data["sector"] in (a, b))]
                members += rng.sample(pool, min(len(pool), size - 2))
            theme = rng.choice(_PARTNERSHIP_THEMES)
            where = self.place if rng.random() < 0.6 else rng.choice(self.hoods)
            ps = self._new("partnerships", f"{where} {theme} {rng.choice(_PARTNERSHIP_KINDS)}")
            start = self._date(_FIRST_DAY, _LAST_DAY - 200)
            end = self._date(start + 365, _LAST_DAY) if rng.random() < 0.15 else None
            agenda = rng.choice(_AGENDAS) if self.on["all_agendas"] or rng.random() < 0.6 else None
            links = (rng.sample(self.groups, rng.randint(1, 2))
                     if self.on["links_groups"] and rng.random() < 0.4 else [])
            ps.data.update(members=sorted(members, key=self.partners.index), agenda=agenda,
                           start=start, end=end, groups=links)
            self.partnerships.append(ps)
        if not self.on["all_agendas"] and all(p.data["agenda"] for p in self.partnerships):
            rng.choice(self.partnerships).data["agenda"] = None
        if self.on["links_groups"] and not any(p.data["groups"] for p in self.partnerships):
            rng.choice(self.partnerships).data["groups"] = [rng.choice(self.groups)]
        for ps in self.partnerships:
            if self.infrastructures and rng.random() < 0.5:
                rng.choice(self.infrastructures).data["partnerships"].append(ps)

    def _initiatives(self) -> None:
        rng, on = self.rng, self.on
        n = self._count(3.2, 4)
        leaders = {"partners": self.partners, "partnerships": self.partnerships,
                   "infrastructures": self.infrastructures, "groups": self.groups}
        leader_weights = (45, 25, 15 if self.infrastructures else 0, 15)
        reachable = [g for g in self.groups if g not in self.unreached]
        missing: set[str] = set()
        if not on["all_modes"]:
            missing = set(rng.sample(("formal", "non-formal", "informal"), rng.choice((1, 1, 2))))
        reach_levels = list(SCHEMES["levels"][:4])
        reach_levels += ["regional"] * (self.scale > 1.5) + ["national"] * (self.scale > 2.5)
        self.initiatives: list[_Node] = []
        for name, purposes, mode, depths in rng.sample(_INITIATIVES * (1 + n // len(_INITIATIVES)), n):
            where = rng.choice(self.hoods)
            label = f"{where} {name}" if where != self.place or rng.random() < 0.5 else name
            ini = self._new("initiatives", label)
            if mode in missing:
                mode = rng.choice([m for m in SCHEMES["learning-modes"] if m not in missing])
            targets = rng.sample(reachable, min(len(reachable), rng.choice((1, 1, 2))))
            co = [g for g in targets if rng.random() < 0.45]
            status = rng.choices(SCHEMES["initiative-status"], weights=(10, 45, 30, 15))[0]
            if status == "planned":
                start, end = self._date(_LAST_DAY + 30, _LAST_DAY + 300), None
            else:
                start = self._date(_FIRST_DAY + 365, _LAST_DAY - 60)
                end = self._date(start + 30, _LAST_DAY) if status in ("completed", "discontinued") else None
            successful = None
            if status == "completed":
                successful = rng.random() < 0.85
            elif status == "discontinued":
                successful = rng.random() < 0.25
            reach = sum(g.data["size"] for g in targets) or self.population // 100
            participants = max(5, int(reach * rng.uniform(0.02, 0.4)))
            levels = rng.sample(reach_levels, rng.choice((1, 1, 2, 3)))
            leader_kind = rng.choices(tuple(leaders), weights=leader_weights)[0]
            ini.data.update(
                leader=rng.choice(leaders[leader_kind]), leader_kind=leader_kind,
                targets=targets, co=co, mode=mode, status=status, start=start, end=end,
                purposes=purposes if rng.random() < 0.6 else purposes[:1],
                levels=sorted(levels, key=SCHEMES["levels"].index), depth=rng.choice(depths),
                participants=participants, successful=successful,
                needs=rng.sample(self.needs, 1) if rng.random() < 0.6 else [],
                resources=rng.sample(self.available, min(len(self.available), rng.choice((0, 1, 1, 2)))),
                channel=(f"{_CHANNEL}{self.id}/initiatives/{self.counters['initiatives']}"
                         if rng.random() < 0.4 else None))
            self.initiatives.append(ini)
        if on["all_modes"]:
            for mode, ini in zip(SCHEMES["learning-modes"], rng.sample(self.initiatives, 3), strict=True):
                ini.data["mode"] = mode
        # outreach: every disengaged group not meant to stay unreached is targeted somewhere
        targeted = {g.node for ini in self.initiatives for g in ini.data["targets"]}
        for g in self.disengaged:
            if g not in self.unreached and g.node not in targeted:
                rng.choice(self.initiatives).data["targets"].append(g)
        if on["needs_addressed"]:
            addressed = {n.node for ini in self.initiatives for n in ini.data["needs"]}
            for need in self.needs:
                if need.node not in addressed:
                    rng.choice(self.initiatives).data["needs"].append(need)
        elif {n.node for ini in self.initiatives for n in ini.data["needs"]} >= {n.node for n in self.needs}:
            left_out = rng.choice(self.needs)
            for ini in self.initiatives:
                if left_out in ini.data["needs"]:
                    ini.data["needs"].remove(left_out)
        if on["all_involved"]:
            self._involve_everyone()
        # inclusion: co-design with every inclusion-need group, or leave one initiative without it
        with_needs = [(ini, g) for ini in self.initiatives for g in ini.data["targets"] if g.data["needs"]]
        if on["co_design_all"]:
            for ini, g in with_needs:
                if g not in ini.data["co"]:
                    ini.data["co"].append(g)
        elif with_needs and all(g in ini.data["co"] for ini, g in with_needs):
            ini, g = rng.choice(with_needs)
            ini.data["co"].remove(g)
        elif not with_needs:  # target a group with inclusion needs, without co-design
            reachable = [g for g in self.groups if g not in self.unreached]
            g = rng.choice([g for g in reachable if g.data["needs"]] or reachable)
            if not g.data["needs"]:
                g.data["needs"] = ("literacy",)
            ini = rng.choice(self.initiatives)
            if g not in ini.data["targets"]:
                ini.data["targets"].append(g)
            if g in ini.data["co"]:
                ini.data["co"].remove(g)
        finished = [i for i in self.initiatives if i.data["status"] in ("completed", "discontinued")]
        if on["failures"] and not any(i.data["successful"] is False for i in self.initiatives):
            victim = rng.choice(finished or self.initiatives)
            if victim not in finished:
                start = self._date(_FIRST_DAY + 365, _LAST_DAY - 60)
                victim.data.update(status="discontinued", start=start, end=self._date(start + 30, _LAST_DAY))
            victim.data["successful"] = False
        elif not on["failures"]:
            for ini in self.initiatives:
                if ini.data["successful"] is False:
                    ini.data["successful"] = True

    def _channels_and_links(self) -> None:
        """Apply ``infra_citizens`` (one infrastructure cut off from citizens) and ``any_channel``."""
        rng = self.rng
        if not self.on["infra_citizens"] and self.infrastructures:
            inf = rng.choice(self.infrastructures)
            inf.data["needs"] = []
            for need in self.needs:
                if need.data["by"] is inf:
                    need.data["by"] = rng.choice(self.partners)
            for ini in self.initiatives:
                if ini.data["leader"] is inf:
                    ini.data.update(leader=rng.choice(self.partners), leader_kind="partners")
        if not self.on["any_channel"]:
            for x in self.infrastructures + self.initiatives:
                x.data["channel"] = None
        elif not any(x.data["channel"] for x in self.infrastructures + self.initiatives):
            k = rng.randrange(len(self.initiatives))
            self.initiatives[k].data["channel"] = f"{_CHANNEL}{self.id}/initiatives/{k + 1}"

    def _involve_everyone(self) -> None:
        """Every partner in a partnership or leading an initiative; every reachable group targeted."""
        rng = self.rng
        involved = {ini.data["leader"].node for ini in self.initiatives}
        for ps in self.partnerships:
            involved.update(m.node for m in ps.data["members"])
            involved.update(g.node for g in ps.data["groups"])
        for ini in self.initiatives:
            involved.update(g.node for g in ini.data["targets"])
        ppp = any(self._sectors(ps) >= {"public", "private"} for ps in self.partnerships)
        for p in self.partners:
            if p.node in involved:
                continue
            sector = p.data["sector"]
            fits = [ps for ps in self.partnerships if len(self._sectors(ps)) > 1
                    and (ppp or not (self._sectors(ps) | {sector}) >= {"public", "private"})]
            if fits:
                ps = rng.choice(fits)
                ps.data["members"] = sorted([*ps.data["members"], p], key=self.partners.index)
            else:
                ini = rng.choice([i for i in self.initiatives if i.data["leader_kind"] != "partners"]
                                 or self.initiatives)
                old = ini.data["leader"]
                ini.data.update(leader=p, leader_kind="partners")
                if old in self.groups and old not in self.unreached and old.node not in {
                        g.node for i in self.initiatives for g in i.data["targets"]}:
                    ini.data["targets"].append(old)
            involved.add(p.node)
        for g in self.groups:
            if g.node not in involved and g not in self.unreached:
                rng.choice(self.initiatives).data["targets"].append(g)
                involved.add(g.node)

    @staticmethod
    def _sectors(ps: _Node) -> set[str]:
        return {m.data["sector"] for m in ps.data["members"]}

    def _policies(self) -> None:
        rng = self.rng
        self.policies: list[_Node] = []
        if not self.on["policy"]:
            return
        n = max(1, round(self.size_factor / 4 * rng.uniform(0.7, 1.3)))
        for template in rng.sample(_POLICIES, min(n, len(_POLICIES))):
            pol = self._new("policies", template.format(place=self.place))
            supported = self.infrastructures if self.on["policy_for_infra"] else []
            supports = rng.sample(supported, min(len(supported), rng.randint(0, 2)))
            supports += rng.sample(self.initiatives, rng.randint(0 if supports else 1, 2))
            involves = rng.sample(self.groups, rng.randint(1, 2)) if self.on["policy_involves"] else []
            adopted = self.partners[0] if rng.random() < 0.7 else rng.choice(self.by_sector["public"])
            pol.data.update(adopted=adopted, supports=supports, involves=involves)
            self.policies.append(pol)
        if self.on["policy_for_infra"] and self.infrastructures and not any(
                x in self.infrastructures for pol in self.policies for x in pol.data["supports"]):
            rng.choice(self.policies).data["supports"].insert(0, rng.choice(self.infrastructures))

    def _dialogues(self) -> None:
        rng, on = self.rng, self.on
        kinds: list[str] = []
        if on["value_debate"]:
            kinds.append("value-debate")
        if on["reflection"]:
            kinds.append(rng.choice(("critical-reflection", "expert-review")))
        if self.collaborators and rng.random() < 0.7:
            kinds.append("peer-visit")
        if rng.random() < 0.5 or not kinds:
            kinds.append("public-consultation")
        extra = int(self.scale * rng.uniform(0, 1.5))
        allowed = [k for k in SCHEMES["dialogue-kinds"] if k in kinds or k == "public-consultation"]
        kinds += rng.choices(allowed, k=extra)
        self.dialogues: list[_Node] = []
        for kind in kinds:
            when = self._date(_LAST_DAY - 1500)
            if kind == "value-debate":
                label = f"Open debate on {rng.choice(_VALUE_TOPICS)}"
            elif kind == "critical-reflection":
                label = f"Critical review of the {self.place} learning community, {date.fromordinal(when).year}"
            elif kind == "expert-review":
                reviewed = rng.choice(self.infrastructures or self.partnerships)
                label = f"Expert review of the {reviewed.label}"
            elif kind == "peer-visit":
                label = f"Peer visit to {rng.choice(self.collaborators).label}"
            else:
                label = (f"Public consultation on the {self.policies[0].label}" if self.policies and rng.random() < 0.5
                         else f"Public consultation on learning in {rng.choice(self.hoods)}")
            dlg = self._new("dialogues", label)
            partners = rng.sample(self.partners, min(len(self.partners), rng.randint(2, 5)))
            groups = rng.sample(self.groups, rng.randint(0, 2))
            crit = _DIALOGUE_CRITERIA[kind]
            dlg.data.update(kind=kind, participants=partners + groups,
                            criteria=crit[: rng.randint(1, len(crit))], date=when)
            self.dialogues.append(dlg)

    def _evidence(self) -> None:
        rng = self.rng
        finished = [i for i in self.initiatives if i.data["successful"] is not None]
        n = min(len(finished), max(1, round(len(self.initiatives) / 5)))
        subjects: list[_Node] = rng.sample(finished, n)
        failed = [i for i in finished if i.data["successful"] is False]
        if self.on["failures"] and failed and not any(i in failed for i in subjects):
            subjects.append(rng.choice(failed))  # document what did not work
        subjects += rng.sample(self.partnerships, rng.randint(0 if n else 1, 2))
        self.evidence: list[_Node] = []
        for about in subjects:
            if about in self.partnerships:
                crit, ok = "partnerships", not self.on["failures"] or rng.random() < 0.7
                when = self._date(about.data["start"] + 90)
            else:
                crit, ok = _PURPOSE_CRITERION[about.data["purposes"][0]], about.data["successful"]
                when = self._date(about.data["end"] or about.data["start"])
            ev = self._new("evidence", f"{'Practice' if ok else 'Lesson'}: {about.label}")
            ev.data.update(about=about, criterion=crit, ok=ok, date=when,
                           lesson=rng.choice(_LESSONS_OK if ok else _LESSONS_FAIL))
            self.evidence.append(ev)

    def _answers(self) -> None:
        rng = self.rng
        pool = QUESTIONS[:10] if self.stage == "early" else QUESTIONS[10:]
        k = min(len(pool), 2 + int(self.scale * rng.uniform(0.5, 1.5)))
        chosen = sorted(rng.sample(pool, k), key=QUESTIONS.index)
        texts = self._answer_texts()
        self.answers: list[_Node] = []
        for q in chosen:
            ans = self._new("answers", f"Answer of {self.label} to question {q}")
            ans.data.update(question=q, text=texts[q], date=self._date(_LAST_DAY - 700))
            self.answers.append(ans)

    def _answer_texts(self) -> dict[str, str]:
        """A short answer to every dialogue question, read off the community's own data."""
        ps, inis, needs = self.partnerships, self.initiatives, self.needs
        n_ps, n_inis = len(ps), len(inis)
        cross = [p for p in ps if len(self._sectors(p)) > 1]
        co = sum(1 for i in inis if i.data["co"])
        published = sum(1 for i in inis if i.data["channel"])
        led = dict.fromkeys(("partners", "partnerships", "infrastructures", "groups"), 0)
        for i in inis:
            led[i.data["leader_kind"]] += 1
        inf = self.infrastructures[0] if self.infrastructures else None
        first = needs[0]
        purposes = [set(i.data["purposes"]) for i in inis]
        failed = any(e.data["ok"] is False for e in self.evidence)
        return {
            "early-1": f"Needs such as '{first.label.lower()}', raised by {first.data['expressed'][0].label}.",
            "early-2": ("Openness, shared responsibility and respect; we debate them openly."
                        if self.on["value_debate"]
                        else "Mostly implicit so far: we have not yet held an open debate on values."),
            "early-3": (f"Through the {(inf or self.partners[0]).label} and the local media; "
                        f"{published} initiatives have their own page."),
            "early-4": f"Representatives of {self.groups[0].label} joined the planning meetings.",
            "early-5": f"{published} of {n_inis} initiatives are published online.",
            "early-6": (f"The {inf.label} connects partners from the {', '.join(inf.data['bridges'])} sector(s)."
                        if inf else "There is no standing structure yet; partners meet project by project."),
            "early-7": f"{n_ps} partnerships, with members from the {', '.join(self.sectors_present)} sectors.",
            "early-8": f"{len(self.dialogues)} dialogues so far, with partners and citizen groups.",
            "early-9": (f"{sum(1 for n in needs if n.data['discussed'])} of {len(needs)} identified needs "
                        "were discussed with the citizens who raised them."),
            "early-10": (f"Not yet: {self.unreached[0].label} are not reached by any initiative."
                         if self.unreached
                         else "Yes: each group we know to be less active is targeted by an initiative."),
            "lc-1": (f"{led['partners']} initiatives are led by single organisations, {led['partnerships']} "
                     f"by partnerships, {led['infrastructures']} by infrastructures and {led['groups']} "
                     "by citizen groups."),
            "lc-2": (f"Mostly the {first.data['by'].label}; "
                     f"{sum(1 for n in needs if n.data['emerging'])} emerging needs are on the table."),
            "lc-3": (f"{len(cross)} of {n_ps} partnerships bring different sectors together"
                     + (f", e.g. the {cross[0].label}." if cross else ".")),
            "lc-4": f"{co} of {n_inis} initiatives were designed together with the citizens they are for.",
            "lc-5": f"{sum(1 for p in purposes if p & {'talent', 'innovation'})} initiatives support talent and innovation.",
            "lc-6": f"{sum(1 for p in ps if 'public' not in self._sectors(p))} partnerships have no public member.",
            "lc-7": f"{led['groups']} initiatives are run by citizen groups themselves.",
            "lc-8": (f"The {self.policies[0].label} was adopted by the {self.policies[0].data['adopted'].label}."
                     if self.policies else "We have no formal learning policy yet; initiatives are agreed case by case."),
            "lc-9": f"{sum(1 for p in ps if p.data['agenda'])} of {n_ps} partnerships publish their agenda.",
            "lc-10": f"{sum(1 for p in purposes if 'entrepreneurship' in p)} initiatives focus on entrepreneurship.",
            "lc-11": (f"{sum(1 for g in self.groups if g.data['needs'])} groups with inclusion needs are known; "
                      f"{co} initiatives were co-designed."),
            "lc-12": (f"{len(self.dialogues)} dialogues and {len(self.evidence)} documented examples"
                      + (", including what did not work." if failed else ".")),
        }

    # ---- triples

    def _emit(self) -> None:
        out = self.triples
        add = out.append
        c = self.node
        C = _C
        sector, fields, levels = C["sectors"], C["fields"], C["levels"]

        def dt(day: int) -> Literal:
            return Literal(date.fromordinal(day).isoformat(), datatype=X_DATE)

        def owned(n: _Node, cls: NamedNode) -> NamedNode:
            s = n.node
            add(Triple(s, A, cls))
            add(Triple(s, P_COMMUNITY, c))
            add(Triple(s, LABEL, Literal(n.label, language="en")))
            return s

        add(Triple(c, A, COMMUNITY))
        add(Triple(c, LABEL, Literal(self.label, language="en")))
        if self.hebrew:
            add(Triple(c, LABEL, Literal(self.hebrew, language="he")))
        add(Triple(c, P_POPULATION, Literal(str(self.population), datatype=X_INT)))
        add(Triple(c, P_STAGE, C["stages"][self.stage]))
        if self.part_of is not None:
            add(Triple(c, P_PART_OF, NamedNode(community_iri(self.part_of.id))))
        for other in self.collaborators:
            add(Triple(c, P_COLLABORATES, NamedNode(community_iri(other.id))))

        for p in self.partners:
            s = owned(p, PARTNER)
            d = p.data
            add(Triple(s, P_SECTOR, sector[d["sector"]]))
            for f in d["fields"]:
                add(Triple(s, P_FIELD, fields[f]))
            add(Triple(s, P_LEVEL, levels[d["level"]]))

        for g in self.groups:
            s = owned(g, CITIZEN_GROUP)
            d = g.data
            add(Triple(s, P_SIZE, Literal(str(d["size"]), datatype=X_INT)))
            for need in d["needs"]:
                add(Triple(s, P_INCLUSION_NEED, C["inclusion-needs"][need]))
            add(Triple(s, P_ENGAGEMENT, C["engagement"]["engaged" if d["engaged"] else "disengaged"]))

        for r in self.resources:
            s = owned(r, RESOURCE)
            d = r.data
            add(Triple(s, P_AVAILABILITY, C["availability"][d["availability"]]))
            add(Triple(s, P_KIND, C["resource-kinds"][d["kind"]]))
            add(Triple(s, P_AMOUNT, Literal(d["amount"], datatype=X_DEC)))
            add(Triple(s, P_UNIT, C["units"][d["unit"]]))
            add(Triple(s, P_PROVIDED_BY, d["provider"].node))

        for n in self.needs:
            s = owned(n, NEED)
            d = n.data
            for g in d["expressed"]:
                add(Triple(s, P_EXPRESSED_BY, g.node))
            add(Triple(s, P_IDENTIFIED_BY, d["by"].node))
            for g in d["discussed"]:
                add(Triple(s, P_DISCUSSED, g.node))
            if d["emerging"]:
                add(Triple(s, P_EMERGING, TRUE))

        for ps in self.partnerships:
            s = owned(ps, PARTNERSHIP)
            d = ps.data
            for m in d["members"]:
                add(Triple(s, HAS_MEMBER, m.node))
            for g in d["groups"]:
                add(Triple(s, P_LINKS_GROUP, g.node))
            if d["agenda"]:
                add(Triple(s, P_AGENDA, Literal(d["agenda"])))
            add(Triple(s, P_START, dt(d["start"])))
            if d["end"]:
                add(Triple(s, P_END, dt(d["end"])))

        for inf in self.infrastructures:
            s = owned(inf, INFRASTRUCTURE)
            d = inf.data
            for b in d["bridges"]:
                add(Triple(s, P_BRIDGES, sector[b]))
            for n in d["needs"]:
                add(Triple(s, P_IDENTIFIES_NEED, n.node))
            for ps in d["partnerships"]:
                add(Triple(s, P_FORMS, ps.node))
            for r in d["resources"]:
                add(Triple(s, P_MOBILISES, r.node))
            if d["channel"]:
                add(Triple(s, P_CHANNEL, Literal(d["channel"], datatype=X_URI)))

        for ini in self.initiatives:
            s = owned(ini, INITIATIVE)
            d = ini.data
            add(Triple(s, P_LED_BY, d["leader"].node))
            for g in d["targets"]:
                add(Triple(s, P_TARGETS, g.node))
            for g in d["co"]:
                add(Triple(s, P_CO_DESIGNED, g.node))
            for n in d["needs"]:
                add(Triple(s, P_ADDRESSES, n.node))
            add(Triple(s, P_MODE, C["learning-modes"][d["mode"]]))
            for p in d["purposes"]:
                add(Triple(s, P_PURPOSE, C["purposes"][p]))
            for lv in d["levels"]:
                add(Triple(s, P_LEVEL, levels[lv]))
            add(Triple(s, P_DEPTH, C["depth"][d["depth"]]))
            add(Triple(s, P_PARTICIPANTS, Literal(str(d["participants"]), datatype=X_INT)))
            for r in d["resources"]:
                add(Triple(s, P_MOBILISES, r.node))
            add(Triple(s, P_STATUS, C["initiative-status"][d["status"]]))
            if d["successful"] is not None:
                add(Triple(s, P_SUCCESSFUL, TRUE if d["successful"] else FALSE))
            add(Triple(s, P_START, dt(d["start"])))
            if d["end"]:
                add(Triple(s, P_END, dt(d["end"])))
            if d["channel"]:
                add(Triple(s, P_CHANNEL, Literal(d["channel"], datatype=X_URI)))

        for pol in self.policies:
            s = owned(pol, POLICY)
            d = pol.data
            add(Triple(s, P_ADOPTED_BY, d["adopted"].node))
            for x in d["supports"]:
                add(Triple(s, P_SUPPORTS, x.node))
            for g in d["involves"]:
                add(Triple(s, P_INVOLVES, g.node))

        for dlg in self.dialogues:
            s = owned(dlg, DIALOGUE)
            d = dlg.data
            add(Triple(s, P_DIALOGUE_KIND, C["dialogue-kinds"][d["kind"]]))
            for x in d["participants"]:
                add(Triple(s, P_PARTICIPANT, x.node))
            for cr in d["criteria"]:
                add(Triple(s, P_CRITERION, _CRIT[cr]))
            add(Triple(s, P_DATE, dt(d["date"])))

        for ev in self.evidence:
            s = owned(ev, EVIDENCE)
            d = ev.data
            add(Triple(s, P_CRITERION, _CRIT[d["criterion"]]))
            add(Triple(s, P_ABOUT, d["about"].node))
            add(Triple(s, P_SUCCESSFUL, TRUE if d["ok"] else FALSE))
            add(Triple(s, P_LESSON, Literal(d["lesson"])))
            add(Triple(s, P_DATE, dt(d["date"])))

        for ans in self.answers:
            s = owned(ans, DIALOGUE_ANSWER)
            d = ans.data
            add(Triple(s, P_ANSWERS, _Q[d["question"]]))
            add(Triple(s, P_TEXT, Literal(d["text"])))
            add(Triple(s, P_DATE, dt(d["date"])))


# --------------------------------------------------------------------------- public API


def generate(communities: int = 12, seed: int = 0) -> Iterator[DemoCommunity]:
    """Yield ``communities`` synthetic communities (at most 10,000), the same for the same seed.

    Community ``i`` depends only on ``seed`` and the communities before it, so a longer run
    starts with the communities of a shorter one.
    """
    if not 0 <= communities <= MAX_COMMUNITIES:
        raise ValueError(f"communities must be between 0 and {MAX_COMMUNITIES}, not {communities}")
    history = _History()
    for i in range(communities):
        builder = _Builder(seed, i, history)
        community = builder.build()
        history.add(_Community(builder.id, builder.label, builder.population), builder.part_of is not None)
        yield community


def quads(communities: Iterable[DemoCommunity]) -> Iterator[Quad]:
    """The communities' triples, each in its community's data graph."""
    for community in communities:
        graph = community.graph
        for t in community.triples:
            yield Quad(t.subject, t.predicate, t.object, graph)


def write(communities: Iterable[DemoCommunity], path_or_stream: str | os.PathLike[str] | IO[bytes],
          format: str = "nquads") -> None:
    """Serialise the communities to a file path or binary stream.

    ``nquads`` and ``trig`` keep each community in its data graph
    (``https://w3id.org/lcc/graphs/communities/{id}/data``); ``turtle`` writes the merged triples.
    """
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    if format == "turtle":
        data: Iterable[Triple] | Iterable[Quad] = (t for c in communities for t in c.triples)
    else:
        data = quads(communities)
    prefixes = None if format == "nquads" else PREFIXES
    serialize(data, path_or_stream, FORMATS[format], prefixes=prefixes)
