"""The ``#+`` YAML header of a catalogue query: split it off the SPARQL and check every key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..framework import framework_files
from ..namespaces import COMMUNITY_GRAPH_KINDS, GRAPHS
from .params import PARAM_TYPES, Param, ParamError

#: The criteria slugs of the vocabulary contract (``https://w3id.org/lcc/criteria/{slug}``).
CRITERION_SLUGS = frozenset(
    "balances change diversity dynamics inclusion infrastructures innovation learning needs "
    "opportunities outreach participation partnerships penetration policy-making reflection "
    "sharing talent transparency value-codes visibility".split()
)
#: What a query's answer is: a table of rows, one indicator's measurements, a graph, a yes/no.
KINDS = frozenset({"table", "indicator", "graph", "boolean"})
ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
REQUIRED_KEYS = ("id", "summary", "question", "criteria", "kind")
OPTIONAL_KEYS = ("params", "scope")
#: What a ``scope`` may list: the graphs of the community given (namespaces.COMMUNITY_GRAPH_KINDS),
#: ``framework`` for every framework graph, or one framework graph by its path under
#: https://w3id.org/lcc/graphs/ (``framework/criteria``, ``shapes/criteria``; see :mod:`.scope`).
FRAMEWORK_SCOPE = "framework"
PARAM_KEYS = frozenset({"type", "required", "default", "description"})


class HeaderError(ValueError):
    """The header is missing, does not parse, or has a wrong key or value."""


@dataclass(frozen=True)
class Header:
    """What a query file says about itself."""

    id: str
    summary: str
    question: str
    criteria: tuple[str, ...]
    kind: str
    params: dict[str, Param]
    #: Given a community, the graphs the query reads (of SCOPE_GRAPHS); empty: every public graph.
    scope: tuple[str, ...]


def split_header(text: str) -> tuple[str, str]:
    """The YAML of the leading ``#+`` lines, and the SPARQL after them."""
    lines = text.splitlines(keepends=True)
    yaml_lines: list[str] = []
    for line in lines:
        if not line.startswith("#+"):
            break
        body = line[2:]
        yaml_lines.append(body[1:] if body.startswith(" ") else body)
    if not yaml_lines:
        raise HeaderError("no '#+' header: the file must start with '#+ id: ...' lines")
    return "".join(yaml_lines), "".join(lines[len(yaml_lines):])


def parse_header(yaml_text: str) -> Header:
    """Parse and check the header YAML."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise HeaderError(f"the header is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise HeaderError("the header must be a YAML mapping of keys (id, summary, ...)")
    unknown = sorted(set(map(str, data)) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise HeaderError(f"unknown header key(s): {', '.join(unknown)}")
    missing = [k for k in REQUIRED_KEYS if data.get(k) in (None, "", [])]
    if missing:
        raise HeaderError(f"missing header key(s): {', '.join(missing)}")
    qid = data["id"]
    if not isinstance(qid, str) or not ID_RE.match(qid):
        raise HeaderError(f"id {qid!r} is not a slug (lower-case letters, digits, '-')")
    for key in ("summary", "question"):
        if not isinstance(data[key], str):
            raise HeaderError(f"{key} must be text")
    criteria = data["criteria"]
    if isinstance(criteria, str):
        criteria = [criteria]
    if not isinstance(criteria, list) or not all(isinstance(c, str) for c in criteria):
        raise HeaderError("criteria must be a list of criterion slugs")
    bad = [c for c in criteria if c not in CRITERION_SLUGS]
    if bad:
        raise HeaderError(f"unknown criterion slug(s): {', '.join(bad)}")
    kind = data["kind"]
    if kind not in KINDS:
        raise HeaderError(f"kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    params = _parse_params(data.get("params") or {})
    return Header(
        id=qid,
        summary=data["summary"].strip(),
        question=data["question"].strip(),
        criteria=tuple(criteria),
        kind=kind,
        params=params,
        scope=_parse_scope(data["scope"], params) if "scope" in data else (),
    )


def _parse_scope(raw: Any, params: dict[str, Param]) -> tuple[str, ...]:
    """The graphs a query reads given a community: a list of the community's graph kinds (at least
    one), ``framework`` or framework graphs (a header without ``scope`` reads every public graph)."""
    graphs = [raw] if isinstance(raw, str) else raw
    if not isinstance(graphs, list) or not graphs or not all(isinstance(g, str) for g in graphs):
        raise HeaderError(f"scope must list the graphs the query reads given a community, e.g. [data, framework]; "
                          f"got {raw!r}")
    named = framework_graph_names()
    unknown = [g for g in graphs if g not in COMMUNITY_GRAPH_KINDS and g != FRAMEWORK_SCOPE and g not in named]
    if unknown:
        raise HeaderError(f"scope: {', '.join(map(repr, unknown))} is not a graph a scope names: one of "
                          f"{', '.join(COMMUNITY_GRAPH_KINDS)} (the community's), {FRAMEWORK_SCOPE} (every "
                          f"framework graph) or a framework graph ({', '.join(sorted(named))})")
    if len(set(graphs)) != len(graphs):
        raise HeaderError("scope names a graph twice")
    if FRAMEWORK_SCOPE in graphs and any(g in named for g in graphs):
        raise HeaderError(f"scope names {FRAMEWORK_SCOPE}, every framework graph, and one of them as well")
    if not any(g in COMMUNITY_GRAPH_KINDS for g in graphs):
        raise HeaderError(f"scope must name at least one of the community's graphs ({', '.join(COMMUNITY_GRAPH_KINDS)})")
    community = params.get("community")
    if community is None or community.type != "iri":
        raise HeaderError("scope needs a parameter community of type iri (the community whose graphs the query reads)")
    return tuple(graphs)


def framework_graph_names() -> frozenset[str]:
    """The framework graphs as a scope names them: their paths under https://w3id.org/lcc/graphs/
    (``framework/criteria``, ``shapes/structure``), those of the framework as it ships."""
    return frozenset(iri[len(GRAPHS):] for iri in framework_files(shipped=True))


def _parse_params(raw: Any) -> dict[str, Param]:
    if not isinstance(raw, dict):
        raise HeaderError("params must be a mapping from parameter name to {type, ...}")
    params: dict[str, Param] = {}
    for name, spec in raw.items():
        if not isinstance(name, str) or not PARAM_NAME_RE.match(name):
            raise HeaderError(f"parameter name {name!r} is not a SPARQL variable name")
        if not isinstance(spec, dict):
            raise HeaderError(f"parameter {name}: expected a mapping like {{type: iri}}")
        unknown = sorted(set(map(str, spec)) - PARAM_KEYS)
        if unknown:
            raise HeaderError(f"parameter {name}: unknown key(s) {', '.join(unknown)}")
        ptype = spec.get("type")
        if ptype not in PARAM_TYPES:
            raise HeaderError(f"parameter {name}: type {ptype!r} is not one of {', '.join(PARAM_TYPES)}")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise HeaderError(f"parameter {name}: required must be true or false")
        description = spec.get("description", "")
        if not isinstance(description, str):
            raise HeaderError(f"parameter {name}: description must be text")
        default = spec.get("default")
        param = Param(
            name=name,
            type=ptype,
            required=required,
            default=None if default is None else _yaml_scalar(default),
            description=description.strip(),
        )
        if param.default is not None:
            if required:
                raise HeaderError(f"parameter {name}: a required parameter cannot have a default")
            try:
                param.term(param.default)
            except ParamError as exc:
                raise HeaderError(f"default of {exc}") from exc
        params[name] = param
    return params


def _yaml_scalar(value: Any) -> str:
    """A YAML default as the text a caller would pass (``true``, ``2``, ``2024-01-31``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
