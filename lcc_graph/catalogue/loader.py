"""The catalogue: every ``queries/*.rq`` file checked at load time, bound the same way for every engine."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import NotFound, ParseError, QueryError
from ..resources import data_dir
from .binding import BindingError, analyse, inject, inject_dataset, names_graphs, parse_checked, values_block
from .header import Header, HeaderError, parse_header, split_header
from .params import ParamError
from .scope import scoped_dataset

if TYPE_CHECKING:
    from ..store import QueryResult, Stores

QUERIES = "https://w3id.org/lcc/queries/"
_NONDETERMINISTIC = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
#: What a ``kind: indicator`` query must project (``base`` is optional).
INDICATOR_COLUMNS = ("community", "value", "count")
_FORM_KINDS = {
    "SELECT": ("table", "indicator"),
    "ASK": ("boolean",),
    "CONSTRUCT": ("graph",),
    "DESCRIBE": ("graph",),
}


class CatalogueError(ParseError):
    """A query file that cannot be served; the message names the file and the problem."""

    code = "catalogue_error"


@dataclass(frozen=True)
class NamedQuery(Header):
    """One query of the catalogue: its header's fields, its SPARQL, and where parameters are bound."""

    text: str
    path: Path
    variables: tuple[str, ...] = ()
    _offset: int = field(default=0, repr=False)
    _dataset_offset: int = field(default=0, repr=False)

    @property
    def iri(self) -> str:
        """``https://w3id.org/lcc/queries/{id}``."""
        return QUERIES + self.id

    def terms(self, values: Mapping[str, str | None] | None = None) -> dict[str, ox.NamedNode | ox.Literal | None]:
        """Each declared parameter's RDF term (None when absent and optional), checked by type."""
        values = dict(values or {})
        unknown = sorted(set(values) - set(self.params))
        if unknown:
            takes = ", ".join(self.params) or "no parameters"
            raise QueryError(
                f"unknown parameter(s) {', '.join(unknown)} for query {self.id}: it takes {takes}",
                parameter=unknown[0],
            )
        terms: dict[str, ox.NamedNode | ox.Literal | None] = {}
        for name, param in self.params.items():
            value = values.get(name)
            if value is None or value == "":
                value = param.default
            if value is None:
                if param.required:
                    raise QueryError(f"parameter {name} is required by query {self.id}", parameter=name)
                terms[name] = None
                continue
            try:
                terms[name] = param.term(value)
            except ParamError as exc:
                raise QueryError(str(exc), parameter=name) from exc
        return terms

    def substitutions(self, values: Mapping[str, str | None] | None = None) -> dict[str, ox.NamedNode | ox.Literal]:
        """The bound parameters the query projects, as terms for the embedded engine to substitute.

        The VALUES block of :meth:`bind` binds every parameter for every engine. Oxigraph does not
        carry that binding into subqueries, so a one-community query with aggregating subqueries
        would compute them for every community; given the same terms as substitutions (which
        Oxigraph accepts for projected variables only) it starts from them inside subqueries
        too. The answer is the same (the substituted value is the one the VALUES block binds) for
        a query that does not read a parameter in a FILTER of a nested group nor project it from a
        subquery with LIMIT or OFFSET; see docs/queries.md, "Binding".
        """
        return self._substituted(self.terms(values))

    def bind(self, values: Mapping[str, str | None] | None = None, dataset: bool = False) -> str:
        """The query text with a VALUES block of the parameters first in its top-level WHERE.

        With ``dataset``, when :meth:`dataset` gives graphs (a query with a ``scope`` given a
        community), the text also names them: one ``FROM <graph>`` line each, before the top-level
        ``WHERE``, so that any SPARQL 1.1 engine (``/sparql`` too) reads the graphs the named route
        reads. A caller's dataset (pyoxigraph's ``default_graph`` or ``use_default_graph_as_union``,
        the protocol's ``default-graph-uri``) overrides FROM. See docs/queries.md, "Scope".
        """
        terms = self.terms(values)
        text = self._bound(terms)
        graphs = self._dataset(terms) if dataset else None
        if graphs is None:
            return text
        # No FROM NAMED: a query with a scope never reads named graphs (load_query refuses GRAPH in
        # it), so its default graph alone decides its answer, as with run()'s named_graphs.
        return inject_dataset(text, self._dataset_offset, graphs)

    def _substituted(self, terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> dict[str, ox.NamedNode | ox.Literal]:
        if self.kind not in ("table", "indicator"):
            return {}
        return {name: term for name, term in terms.items() if term is not None and name in self.variables}

    def dataset(self, values: Mapping[str, str | None] | None = None) -> list[str] | None:
        """The graphs a run reads as its default graph: for a query with a ``scope`` given a
        community (by id or by its ``https://w3id.org/lcc/communities/{id}`` IRI), the graphs of
        that community and of the framework its scope names; None, every public graph, otherwise
        (no scope, no community, or an IRI that is not a community's). See docs/queries.md, "Scope"."""
        return self._dataset(self.terms(values))

    def _dataset(self, terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> list[str] | None:
        return scoped_dataset(self.scope, terms.get("community"))

    def _bound(self, terms: Mapping[str, ox.NamedNode | ox.Literal | None]) -> str:
        if not self.params:
            return self.text
        return inject(self.text, self._offset, values_block(list(self.params), terms))

    @cached_property
    def deterministic(self) -> bool:
        """Whether the same data always gives the same answer (no NOW, RAND, UUID, STRUUID, BNODE)."""
        return _NONDETERMINISTIC.search(self.text) is None

    def run(self, stores: Stores, values: Mapping[str, str | None] | None = None, **options) -> QueryResult:
        """Run the bound query on the public store (``options`` go to ``Stores.query_public``).

        A query with a ``scope`` given a community reads only the graphs of :meth:`dataset`
        (as its default graph, and as its named graphs), unless ``options`` choose the dataset.
        A deterministic query's answer is kept per checkpoint by the query pool, so the pages of
        a long report are read from one run.
        """
        terms = self.terms(values)
        graphs = self._dataset(terms)
        if graphs is not None and "default_graph" not in options and "named_graphs" not in options:
            options = {**options, "default_graph": graphs, "named_graphs": graphs}
        return stores.query_public(self._bound(terms), substitutions=self._substituted(terms),
                                   cache=self.deterministic, **options)


class Catalogue:
    """The named queries, by id."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def get(self, query_id: str) -> NamedQuery:
        """The query with this id, or NotFound."""
        try:
            return self._queries[query_id]
        except KeyError:
            raise NotFound(f"no query {query_id!r} in the catalogue") from None

    def __contains__(self, query_id: object) -> bool:
        return query_id in self._queries

    def __iter__(self) -> Iterator[NamedQuery]:
        return iter(self._queries.values())

    def __len__(self) -> int:
        return len(self._queries)

    def ids(self) -> list[str]:
        """The query ids, sorted."""
        return list(self._queries)

    def by_criterion(self, slug: str) -> list[NamedQuery]:
        """The queries that answer questions of one criterion."""
        return [q for q in self if slug in q.criteria]


def load_catalogue(path: str | Path | None = None, *, strict: bool = False) -> Catalogue:
    """Load every ``*.rq`` file of a folder (the shipped ``queries/`` by default).

    Refuses the whole catalogue with CatalogueError on the first file that has a bad header,
    does not parse, declares a parameter that is not a variable of its top-level query, or
    repeats another file's id. ``strict`` also cross-checks each query on rdflib's parse tree
    (slower: about 0.1 s a query).
    """
    folder = data_dir("queries") if path is None else Path(path)
    if not folder.is_dir():
        raise CatalogueError(f"{folder}: the query folder does not exist", file=str(folder))
    checker = ox.Store()
    queries: dict[str, NamedQuery] = {}
    for file in sorted(folder.glob("*.rq")):
        query = load_query(file, checker, strict=strict)
        if query.id in queries:
            raise CatalogueError(
                f"{file.name}: id {query.id!r} is already used by {queries[query.id].path.name}", file=str(file)
            )
        queries[query.id] = query
    return Catalogue(queries)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue, loaded once per process."""
    return load_catalogue()


def load_query(file: Path, checker: ox.Store | None = None, *, strict: bool = False) -> NamedQuery:
    """Load and check one query file (``strict``: also against rdflib's parse tree)."""

    def fail(problem: str) -> CatalogueError:
        return CatalogueError(f"{file.name}: {problem}", file=str(file))

    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"cannot be read as UTF-8 text ({exc})") from exc
    try:
        yaml_text, body = split_header(raw)
        header: Header = parse_header(yaml_text)
    except HeaderError as exc:
        raise fail(str(exc)) from exc
    if header.id != file.stem:
        raise fail(f"id {header.id!r} does not match the file name (expected {file.stem!r})")
    names = list(header.params)
    try:
        scan = analyse(body)
    except BindingError as exc:
        raise fail(str(exc)) from exc
    if names and not scan.injectable:
        raise fail("the short form CONSTRUCT WHERE { ... } cannot take parameters: write CONSTRUCT { ... } WHERE { ... }")
    probe = inject(body, scan.offset, values_block(names, {})) if names else body
    try:
        (checker or ox.Store()).query(probe)
    except SyntaxError as exc:
        raise fail(f"the query does not parse: {exc}") from exc
    variables = set(scan.variables)
    projection = list(scan.projection) or sorted(variables)
    if strict:
        try:
            _, variables = parse_checked(probe, names)
        except BindingError as exc:
            raise fail(str(exc)) from exc
        except Exception as exc:  # pyparsing's ParseException: rdflib does not parse it
            raise fail(f"rdflib does not parse the query: {exc}") from exc
    undeclared = [n for n in names if n not in variables]
    if undeclared:
        raise fail(
            f"parameter(s) {', '.join(undeclared)} are not variables of the query's top-level pattern"
        )
    # A query with a scope names no graph, so no GRAPH pattern reads named graphs and no FROM
    # competes with the dataset: bind(values, dataset=True) writes the scope as FROM lines alone.
    if header.scope and names_graphs(body):
        raise fail("a query with a scope reads the graphs its scope names: it cannot name graphs itself "
                   "(GRAPH, FROM, FROM NAMED)")
    form = scan.form
    if header.kind not in _FORM_KINDS[form]:
        raise fail(f"kind {header.kind!r} does not fit a {form} query")
    if header.kind == "indicator":
        missing = [c for c in INDICATOR_COLUMNS if c not in projection]
        if missing:
            raise fail(f"an indicator query must project ?{', ?'.join(INDICATOR_COLUMNS)}; missing ?{', ?'.join(missing)}")
    return NamedQuery(
        **vars(header),
        text=body,
        path=file,
        variables=tuple(projection),
        _offset=scan.offset,
        _dataset_offset=scan.dataset_offset,
    )
