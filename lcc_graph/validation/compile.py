"""Translate SHACL shapes into set-based SPARQL: one query per constraint, for all focus nodes at once.

pySHACL (the reference) evaluates a constraint focus node by focus node; the queries built here
ask the same question of every focus node in one go, so that Oxigraph answers it set-based.
Only what the shipped shapes use is translated (anything else raises ``UnsupportedShape``
when the shapes are compiled, never silently):

- targets: ``sh:targetClass`` (SHACL instances: ``rdf:type/rdfs:subClassOf*``), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- property shapes with a single-IRI ``sh:path``;
- ``sh:minCount``, ``sh:maxCount``, ``sh:hasValue``, ``sh:class``, ``sh:datatype``,
  ``sh:nodeKind``, ``sh:in``, ``sh:minInclusive`` (a numeric bound), ``sh:node``, ``sh:or``,
  ``sh:and``, ``sh:not`` (the last four on helper shapes built of the same), and SPARQL
  constraints (``sh:sparql``) on node shapes.

A constraint on the values of a path scans the path first and checks the target only for the
focus nodes of failing values (few), instead of joining every focus node with the path.

Datatypes follow pySHACL: a literal of the right datatype fails when rdflib finds it ill-typed.
Queries carry a marker for "ill-typed literals"; the engine fills it in after asking Python
(rdflib) about the few literals whose well-formedness Oxigraph cannot vouch for alone. Range
bounds (``sh:minInclusive``) work the same way: Oxigraph compares the integers and decimals it
vouches for, and the engine asks rdflib, as pySHACL does, about every other literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import OWL, RDF, RDFS, SH, XSD
from .shapes import Graph, ShapesGraph, Term, all_shapes, english, severity_name, sh, targeted_shapes

TYPE_PATH = f"<{RDF}type>/<{RDFS}subClassOf>*"
DEFAULT_PREFIXES = {"rdf": RDF, "rdfs": RDFS, "owl": OWL}
_SELECT_HEAD = re.compile(r"^\s*SELECT\b(?P<head>[^{]*)\{", re.IGNORECASE | re.DOTALL)
_ILL_MARKER = re.compile(r"#ILL\{(?P<var>\?\w+)\|(?P<dt>[^}]+)\}#")
_CLASS_MARKER = re.compile(r"#CLASS\{(?P<var>\?\w+)\|(?P<cls>[^}]+)\}#")


def instance_marker(var: str, cls: str) -> str:
    """A placeholder for "var is a SHACL instance of cls", filled in by :meth:`Check.render`."""
    return f"#CLASS{{{var}|{cls}}}#"


def instance_pattern(var: str, cls: str, subclasses: dict[str, list[str]] | None) -> str:
    """``var rdf:type/rdfs:subClassOf* cls``, with the subclass closure known in advance if given."""
    if subclasses is None:
        return f"{var} {TYPE_PATH} <{cls}> ."
    classes = subclasses.get(cls) or [cls]
    if len(classes) == 1:
        return f"{var} a <{classes[0]}> ."
    v = "?_c" + re.sub(r"\W", "", var)
    return f"{var} a {v} . FILTER ({v} IN ({', '.join(f'<{c}>' for c in classes)}))"

# Values Oxigraph can cast and that have this lexical shape are well-formed for rdflib as well;
# every other literal of the datatype is judged by rdflib (see engine.rdflib_accepts).
SAFE_LEXICAL: dict[str, str] = {
    XSD + "date": 'STRLEN(STR({v})) = 10 && !STRSTARTS(STR({v}), "0") && COALESCE(isLiteral(<{dt}>(STR({v}))), false)',
    XSD + "integer": "COALESCE(isLiteral(<{dt}>(STR({v}))), false)",
    XSD + "decimal": "COALESCE(isLiteral(<{dt}>(STR({v}))), false)",
    XSD + "boolean": "COALESCE(isLiteral(<{dt}>(STR({v}))), false)",
}
NODE_KINDS = {
    "IRI": "!isIRI({v})",
    "BlankNode": "!isBlank({v})",
    "Literal": "!isLiteral({v})",
    "BlankNodeOrIRI": "isLiteral({v})",
    "BlankNodeOrLiteral": "isIRI({v})",
    "IRIOrLiteral": "isBlank({v})",
}
_VALUE_CONSTRAINTS = ("class", "datatype", "nodeKind", "in", "minInclusive", "node", "or", "and", "not")
_KNOWN = set(_VALUE_CONSTRAINTS) | {"minCount", "maxCount", "hasValue", "sparql"}
_IGNORED = {
    "property", "path", "severity", "message", "deactivated", "name", "description", "order",
    "group", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "declare",
    "prefixes",
}


class UnsupportedShape(ValueError):
    """A shape uses SHACL the set-based translation does not cover."""


@dataclass(frozen=True)
class Check:
    """One constraint of one reporting shape, as a set-based query.

    The query projects ``?this`` and, where results carry a value node, ``?value``.
    ``value_is_focus``: results carry the focus node as their value (node-level constraints,
    and SPARQL constraints of node shapes that do not bind ``?value``).
    """

    shape: str
    component: str
    severity: str
    message: str | None
    path: str | None
    query: str
    projects_value: bool = False
    value_is_focus: bool = False

    def render(
        self,
        illtyped: dict[str, list[ox.Literal]],
        subclasses: dict[str, list[str]] | None = None,
    ) -> str:
        """The query with its markers filled in: ill-typed literals, and each class with its
        subclasses in the candidate (``None``: leave that to ``rdfs:subClassOf*``)."""

        def fill(m: re.Match) -> str:
            bad = illtyped.get(m.group("dt"), [])
            if not bad:
                return "false"
            return "(" + " || ".join(f"sameTerm({m.group('var')}, {b})" for b in bad) + ")"

        query = _ILL_MARKER.sub(fill, self.query)
        return _CLASS_MARKER.sub(lambda m: instance_pattern(m.group("var"), m.group("cls"), subclasses), query)


@dataclass(frozen=True)
class LiteralScan:
    """Literals of one datatype reached by one path, to be checked for well-formedness."""

    path: str
    datatype: str

    @property
    def key(self) -> str:
        """The name of this scan's marker: the ill-typed literals fill ``#ILL{?v|key}#``."""
        return self.datatype

    def query(self) -> str:
        """Literals of the datatype on the path that Oxigraph does not vouch for."""
        safe = SAFE_LEXICAL.get(self.datatype)
        unsafe = f"FILTER (!({safe.format(v='?v', dt=self.datatype)}))" if safe else ""
        return (
            f"SELECT DISTINCT ?v WHERE {{ ?s {self.path} ?v . "
            f"FILTER (isLiteral(?v) && datatype(?v) = <{self.datatype}>) {unsafe} }}"
        )


@dataclass(frozen=True)
class RangeScan:
    """Literals reached by one path whose comparison with a numeric ``sh:minInclusive`` bound
    Oxigraph cannot vouch for (anything but well-formed xsd:integer and xsd:decimal): the engine
    decides them as pySHACL does (``engine.rdflib_at_least``)."""

    path: str
    bound: ox.Literal

    @property
    def key(self) -> str:
        """The name of this scan's marker: the failing literals fill ``#ILL{?v|key}#``."""
        return f"minInclusive {self.bound}"

    def query(self) -> str:
        """Literals on the path that are not integers or decimals Oxigraph vouches for."""
        return f"SELECT DISTINCT ?v WHERE {{ ?s {self.path} ?v . FILTER (isLiteral(?v) && !({_vouched('?v')})) }}"


def _vouched(var: str) -> str:
    """True for a well-formed xsd:integer or xsd:decimal literal (Oxigraph compares it exactly)."""
    return " || ".join(f"(datatype({var}) = <{dt}> && {SAFE_LEXICAL[dt].format(v=var, dt=dt)})"
                       for dt in (XSD + "integer", XSD + "decimal"))


@dataclass
class CompiledShapes:
    """Every check of a shapes graph, and the literal scans the checks depend on."""

    checks: list[Check]
    scans: list[LiteralScan | RangeScan] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)

    def subclass_query(self) -> str | None:
        """Each class the checks name, with every class below it in the candidate (itself included)."""
        if not self.classes:
            return None
        values = " ".join(f"<{c}>" for c in self.classes)
        return (f"SELECT ?class ?sub WHERE {{ VALUES ?class {{ {values} }} "
                f"?sub <{RDFS}subClassOf>* ?class . }}")


def _nt(term: Term) -> str:
    if isinstance(term, ox.BlankNode):
        raise UnsupportedShape(f"a blank node cannot be written into a query: {term}")
    return str(term)


class Compiler:
    """Walks a shapes graph and writes one set-based query per constraint."""

    def __init__(self, shapes: ShapesGraph) -> None:
        self.shapes = shapes
        self.g: Graph = shapes.graph
        self._fresh = 0
        self._scans: dict[LiteralScan | RangeScan, None] = {}
        self._classes: dict[str, None] = {}
        self._sh_predicates: dict[Term, set[str]] = {}
        for t in self.g.triples:
            if t.predicate.value.startswith(SH):
                self._sh_predicates.setdefault(t.subject, set()).add(t.predicate.value[len(SH):])

    # ---- public

    def compile(self) -> CompiledShapes:
        """All checks, in a stable order."""
        self._check_vocabulary()
        targets = self._focus_targets()
        checks: list[Check] = []
        for shape in sorted(targets, key=str):
            checks.extend(self._reporting_checks(shape, targets[shape]))
        return CompiledShapes(checks, list(self._scans), list(self._classes))

    # ---- structure of the shapes graph

    def _check_vocabulary(self) -> None:
        for shape in all_shapes(self.g):
            if isinstance(shape, ox.BlankNode):
                raise UnsupportedShape(f"shape without an IRI: {shape}")
            flags = self.g.objects(shape, sh("deactivated"))
            if flags and (len(flags) > 1 or not isinstance(flags[0], ox.Literal)
                          or flags[0].value not in ("true", "false")):
                raise UnsupportedShape(f"sh:deactivated takes one boolean: {shape.value}")
            for t in self.g.triples:
                if t.subject == shape and t.predicate.value.startswith(sh("").value):
                    local = t.predicate.value.rsplit("#", 1)[1]
                    if local not in _KNOWN and local not in _IGNORED:
                        raise UnsupportedShape(f"sh:{local} is not supported ({shape.value})")

    def _focus_targets(self) -> dict[ox.NamedNode, list[str]]:
        """Reporting shape -> SPARQL patterns that bind ?this to its focus nodes."""
        out: dict[ox.NamedNode, list[str]] = {}
        for shape in targeted_shapes(self.g):
            if self._deactivated(shape):  # SHACL: a deactivated shape, its property shapes included, finds nothing
                continue
            patterns = self._own_targets(shape)
            out.setdefault(shape, []).extend(patterns)
            for prop in self.g.objects(shape, sh("property")):
                if not self._deactivated(prop):
                    out.setdefault(prop, []).extend(patterns)
        return out

    def _deactivated(self, shape: Term) -> bool:
        return any(f.value == "true" for f in self.g.objects(shape, sh("deactivated")))

    def _own_targets(self, shape: Term) -> list[str]:
        g = self.g
        for c in g.objects(shape, sh("targetClass")):
            self._classes[c.value] = None
        pats = [instance_marker("?this", c.value) for c in g.objects(shape, sh("targetClass"))]
        pats += [f"VALUES ?this {{ {_nt(n)} }}" for n in g.objects(shape, sh("targetNode"))]
        pats += [f"?this {_nt(p)} ?_t ." for p in g.objects(shape, sh("targetSubjectsOf"))]
        pats += [f"?_t {_nt(p)} ?this ." for p in g.objects(shape, sh("targetObjectsOf"))]
        return pats

    @staticmethod
    def _target_block(patterns: list[str]) -> str:
        unique = list(dict.fromkeys(patterns))
        if len(unique) == 1:
            return unique[0]
        return " UNION ".join("{ " + p + " }" for p in unique)

    def _path(self, shape: Term) -> ox.NamedNode:
        path = self.g.value(shape, sh("path"))
        if not isinstance(path, ox.NamedNode):
            raise UnsupportedShape(f"only single-IRI paths are supported ({shape})")
        return path

    def _var(self, stem: str = "v") -> str:
        self._fresh += 1
        return f"?_{stem}{self._fresh}"

    def _int(self, shape: Term, local: str) -> int | None:
        v = self.g.value(shape, sh(local))
        if v is None:
            return None
        if not isinstance(v, ox.Literal):
            raise UnsupportedShape(f"sh:{local} must be a literal ({shape})")
        return int(v.value)

    # ---- checks of a reporting shape

    def _reporting_checks(self, shape: Term, target_patterns: list[str]) -> Iterator[Check]:
        if not isinstance(shape, ox.NamedNode):
            raise UnsupportedShape(f"shape without an IRI: {shape}")
        g = self.g
        target = self._target_block(target_patterns)
        base = dict(
            shape=shape.value,
            severity=severity_name(g.value(shape, sh("severity"))),
            message=english(g, shape, sh("message")),
        )
        is_property = g.value(shape, sh("path")) is not None
        if is_property:
            yield from self._property_checks(shape, target, base)
        else:
            yield from self._node_checks(shape, target, base)

    def _property_checks(self, shape: ox.NamedNode, target: str, base: dict) -> Iterator[Check]:
        g = self.g
        path = self._path(shape)
        p = _nt(path)
        common = dict(base, path=path.value)
        n = self._int(shape, "minCount")
        if n is not None and n > 0:
            if n == 1:
                q = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {p} ?_any }} }}"
            else:
                q = (f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?_v }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n})")
            yield Check(component=sh("MinCountConstraintComponent").value, query=q, **common)
        n = self._int(shape, "maxCount")
        if n == 0:
            q = f"SELECT DISTINCT ?this WHERE {{ {target} ?this {p} ?_v . }}"
        elif n is not None:
            # Count the path's values in one scan (a hash aggregate: twice as fast as a self-join
            # at 1,000 communities); only a node with too many is checked against the target.
            q = (f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {p} ?_v . }} GROUP BY ?this "
                 f"HAVING (COUNT(DISTINCT ?_v) > {n}) }} FILTER EXISTS {{ {target} }} }}")
        if n is not None:
            yield Check(component=sh("MaxCountConstraintComponent").value, query=q, **common)
        for v in g.objects(shape, sh("hasValue")):
            q = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {p} {_nt(v)} }} }}"
            yield Check(component=sh("HasValueConstraintComponent").value, query=q, **common)
        for component, cond in self._value_conditions(shape, "?value", p):
            # Scan the path first; only a failing value's focus node is checked against the target.
            q = (f"SELECT DISTINCT ?this ?value WHERE {{ ?this {p} ?value . "
                 f"FILTER (({cond}) && EXISTS {{ {target} }}) }}")
            yield Check(component=component, query=q, projects_value=True, **common)
        if g.objects(shape, sh("sparql")):
            raise UnsupportedShape(f"SPARQL constraints on property shapes are not supported ({shape.value})")

    def _node_checks(self, shape: ox.NamedNode, target: str, base: dict) -> Iterator[Check]:
        g = self.g
        common = dict(base, path=None)
        for v in g.objects(shape, sh("hasValue")):
            q = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER (!sameTerm(?this, {_nt(v)})) }}"
            yield Check(component=sh("HasValueConstraintComponent").value, query=q, **common)
        if g.objects(shape, sh("datatype")):
            raise UnsupportedShape(f"sh:datatype on a targeted node shape is not supported ({shape.value})")
        for component, cond in self._value_conditions(shape, "?this", None):
            q = f"SELECT DISTINCT ?this WHERE {{ {target} FILTER ({cond}) }}"
            yield Check(component=component, query=q, value_is_focus=True, **common)
        for node in g.objects(shape, sh("sparql")):
            yield self._sparql_check(shape, node, target, common)

    def _sparql_check(self, shape: ox.NamedNode, node: Term, target: str, common: dict) -> Check:
        g = self.g
        if not isinstance(node, ox.NamedNode):
            raise UnsupportedShape(f"SPARQL constraint without an IRI in {shape.value}")
        select = g.value(node, sh("select"))
        if not isinstance(select, ox.Literal):
            raise UnsupportedShape(f"SPARQL constraint {node.value} has no sh:select")
        text = select.value
        m = _SELECT_HEAD.match(text)
        if m is None:
            raise UnsupportedShape(f"cannot read the SELECT of {node.value}")
        head = m.group("head")
        projects_value = re.search(r"[$?]value\b", head) is not None
        projection = "?this ?value" if projects_value else "?this"
        body = text[m.end():]
        query = f"{self._prefixes(node)}SELECT DISTINCT {projection} WHERE {{ {{ {target} }} {body}"
        return Check(
            component=sh("SPARQLConstraintComponent").value,
            query=query,
            projects_value=projects_value,
            value_is_focus=True,
            **common,
        )

    def _prefixes(self, node: Term) -> str:
        g = self.g
        prefixes = dict(DEFAULT_PREFIXES)
        for holder in g.objects(node, sh("prefixes")):
            for dec in g.objects(holder, sh("declare")):
                prefix, ns = g.value(dec, sh("prefix")), g.value(dec, sh("namespace"))
                if prefix is None or ns is None:
                    raise UnsupportedShape(f"incomplete sh:declare {dec}")
                prefixes[prefix.value] = ns.value
        return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())

    # ---- value-node conditions (true when the value node at `var` violates)

    def _value_conditions(self, shape: Term, var: str, path: str | None) -> Iterator[tuple[str, str]]:
        """(component IRI, SPARQL boolean expression) per value-node constraint of a shape."""
        g = self.g
        comp = lambda local: sh(local).value  # noqa: E731
        for c in g.objects(shape, sh("class")):
            self._classes[c.value] = None
            yield comp("ClassConstraintComponent"), f"NOT EXISTS {{ {instance_marker(var, c.value)} }}"
        for dt in g.objects(shape, sh("datatype")):
            yield comp("DatatypeConstraintComponent"), self._datatype_condition(var, dt.value, path)
        for kind in g.objects(shape, sh("nodeKind")):
            local = kind.value.removeprefix(SH)
            if local not in NODE_KINDS:
                raise UnsupportedShape(f"unknown sh:nodeKind {kind.value}")
            yield comp("NodeKindConstraintComponent"), NODE_KINDS[local].format(v=var)
        for lst in g.objects(shape, sh("in")):
            members = g.rdf_list(lst)
            inside = " || ".join(f"sameTerm({var}, {_nt(m)})" for m in members) or "false"
            yield comp("InConstraintComponent"), f"!({inside})"
        for bound in g.objects(shape, sh("minInclusive")):
            yield comp("MinInclusiveConstraintComponent"), self._min_inclusive_condition(var, bound, path)
        for other in g.objects(shape, sh("node")):
            yield comp("NodeConstraintComponent"), f"EXISTS {{ {self._violation(other, var, path)} }}"
        for lst in g.objects(shape, sh("or")):
            members = g.rdf_list(lst)
            parts = [f"EXISTS {{ {self._violation(m, var, path)} }}" for m in members]
            yield comp("OrConstraintComponent"), "(" + " && ".join(parts or ["true"]) + ")"
        for lst in g.objects(shape, sh("and")):
            members = g.rdf_list(lst)
            parts = [f"EXISTS {{ {self._violation(m, var, path)} }}" for m in members]
            yield comp("AndConstraintComponent"), "(" + " || ".join(parts or ["false"]) + ")"
        for other in g.objects(shape, sh("not")):
            yield comp("NotConstraintComponent"), f"NOT EXISTS {{ {self._violation(other, var, path)} }}"

    def _datatype_condition(self, var: str, datatype: str, path: str | None) -> str:
        if path is None:
            raise UnsupportedShape("sh:datatype needs a path to reach its literals")
        self._scans[LiteralScan(path, datatype)] = None
        return f"(!isLiteral({var}) || datatype({var}) != <{datatype}> || #ILL{{{var}|{datatype}}}#)"

    def _min_inclusive_condition(self, var: str, bound: Term, path: str | None) -> str:
        """pySHACL's sh:minInclusive: a value fails unless it is a literal that compares >= bound."""
        if path is None:
            raise UnsupportedShape("sh:minInclusive needs a path to reach its literals")
        if not (isinstance(bound, ox.Literal) and bound.datatype.value in (XSD + "integer", XSD + "decimal")
                and ox.Store().query(f"ASK {{ FILTER ({_vouched(str(bound))}) }}")):
            raise UnsupportedShape(f"sh:minInclusive must be a well-formed xsd:integer or xsd:decimal ({bound})")
        scan = RangeScan(path, bound)
        self._scans[scan] = None
        return (f"(!isLiteral({var}) || (({_vouched(var)}) && !({var} >= {bound})) "
                f"|| #ILL{{{var}|{scan.key}}}#)")

    def _violation(self, shape: Term, var: str, path: str | None) -> str:
        """A group pattern with solutions exactly when the node at `var` does not conform to `shape`."""
        g = self.g
        if g.objects(shape, sh("sparql")):
            raise UnsupportedShape(f"SPARQL constraints in nested shapes are not supported ({shape})")
        groups: list[str] = []
        is_property = g.value(shape, sh("path")) is not None
        if is_property:
            groups.extend(self._nested_property(shape, var, path))
        else:
            for v in g.objects(shape, sh("hasValue")):
                groups.append(f"FILTER (!sameTerm({var}, {_nt(v)}))")
            for _, cond in self._value_conditions(shape, var, path):
                groups.append(f"FILTER ({cond})")
            for prop in g.objects(shape, sh("property")):
                groups.extend(self._nested_property(prop, var, path))
        if not groups:
            return "FILTER (false)"
        return " UNION ".join("{ " + grp + " }" for grp in groups)

    def _nested_property(self, shape: Term, var: str, outer: str | None) -> list[str]:
        g = self.g
        p = _nt(self._path(shape))
        path = f"{outer}/{p}" if outer else p
        groups: list[str] = []
        n = self._int(shape, "minCount")
        if n is not None and n > 1:
            raise UnsupportedShape(f"nested sh:minCount above 1 is not supported ({shape})")
        if n == 1:
            groups.append(f"FILTER NOT EXISTS {{ {var} {p} {self._var()} }}")
        n = self._int(shape, "maxCount")
        if n is not None:
            if n != 1:
                raise UnsupportedShape(f"nested sh:maxCount other than 1 is not supported ({shape})")
            a, b = self._var(), self._var()
            groups.append(f"{var} {p} {a} , {b} . FILTER (!sameTerm({a}, {b}))")
        for v in g.objects(shape, sh("hasValue")):
            groups.append(f"FILTER NOT EXISTS {{ {var} {p} {_nt(v)} }}")
        value = self._var()
        for _, cond in self._value_conditions(shape, value, path):
            groups.append(f"{var} {p} {value} . FILTER ({cond})")
        return groups


def compile_shapes(shapes: ShapesGraph) -> CompiledShapes:
    """The set-based checks of a shapes graph."""
    return Compiler(shapes).compile()
