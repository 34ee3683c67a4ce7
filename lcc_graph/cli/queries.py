"""``lcc query ID``, ``lcc queries`` and ``lcc assess``: the catalogue and the indicators from the shell."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Callable

import typer
from rich.console import Console
from rich.table import Table

from ..catalogue import default_catalogue
from ..errors import LccError
from ..namespaces import BASE, PREFIXES, community_iri
from .common import DEFAULT_DATA_DIR, DataDir, console, fail, stores_at

FORMATS = ("table", "csv", "json")
_SCHEMES = ("sectors", "fields", "inclusion-needs", "learning-modes", "availability", "resource-kinds",
            "initiative-status", "engagement", "stages", "levels", "depth", "purposes", "dialogue-kinds",
            "criteria", "indicators", "normalisations", "communities", "queries", "questions")


out = Console()  # tables go to standard output; messages (common.console) to standard error


def parse_params(pairs: list[str], declared: dict) -> dict[str, str]:
    """``name=value`` pairs as a dict; a bare community id is expanded to the community's IRI."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail(f"--param takes name=value, not {pair!r}", code=2)
        param = declared.get(name)
        if param is not None and param.type == "iri" and name == "community" and ":" not in value:
            try:
                value = community_iri(value)
            except ValueError as exc:
                fail(f"parameter community: {exc}", code=2)
        values[name] = value
    return values


def short(value: str) -> str:
    """An IRI of a known namespace as ``prefix:local`` (``sectors:public``), for tables."""
    for scheme in _SCHEMES:
        prefix = f"{BASE}{scheme}/"
        if value.startswith(prefix) and len(value) > len(prefix):
            return f"{scheme}:{value[len(prefix):]}"
    for name, iri in PREFIXES.items():
        if value.startswith(iri) and len(value) > len(iri):
            return f"{name}:{value[len(iri):]}"
    return value


def register(app: typer.Typer) -> None:
    """Add ``query`` (named queries; other text still runs as ad hoc SPARQL), ``queries`` and ``assess``."""
    existing = next((c for c in app.registered_commands
                     if (c.name or getattr(c.callback, "__name__", "")) == "query"), None)
    adhoc: Callable | None = existing.callback if existing else None
    if existing is not None:
        app.registered_commands.remove(existing)

    @app.command("query")
    def query(
        query_id: Annotated[str, typer.Argument(help="a catalogue query id (see `lcc queries`), or SPARQL text or a file")],
        param: Annotated[list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable")] = None,
        format: Annotated[str, typer.Option("--format", "-f", help="table, csv or json (ad hoc SPARQL: csv, tsv, json, xml, ttl, nt)")] = "table",
        data_dir: DataDir = DEFAULT_DATA_DIR,
    ) -> None:
        """Run a named query of the catalogue with typed parameters (or an ad hoc SPARQL query)."""
        catalogue = default_catalogue()
        if query_id not in catalogue:
            if adhoc is not None and not param and (" " in query_id or Path(query_id).is_file()):
                adhoc(text_or_file=query_id, data_dir=data_dir, format="csv" if format == "table" else format)
                return
            fail(f"no query {query_id!r} in the catalogue: `lcc queries` lists them", code=2)
        named = catalogue.get(query_id)
        if format not in FORMATS:
            fail(f"--format is one of {', '.join(FORMATS)}", code=2)
        try:
            values = parse_params(param or [], named.params)
            named.terms(values)  # a wrong value is an input error (exit 2), before the store opens
        except LccError as exc:
            fail(exc.message, code=2)
        with stores_at(data_dir) as stores:
            try:
                result = named.run(stores, values)
            except LccError as exc:
                fail(exc.message)
        if result.kind != "solutions":
            sys.stdout.buffer.write(result.serialize("text/turtle" if result.kind == "graph" else "application/sparql-results+json"))
            return
        if format == "csv":
            sys.stdout.buffer.write(result.serialize("text/csv"))
        elif format == "json":
            typer.echo(json.dumps({"query": named.id, "variables": result.variables, "rows": result.values()},
                                  ensure_ascii=False, indent=1))
        else:
            rows = result.values()
            table = Table(title=f"{named.id}: {len(rows)} rows", title_justify="left")
            for variable in result.variables:
                table.add_column(variable, overflow="fold")
            for row in rows:
                table.add_row(*(short(row.get(v, "")) for v in result.variables))
            out.print(table)

    @app.command("queries")
    def queries(
        criterion: Annotated[str | None, typer.Option(help="only the queries of one criterion (its slug)")] = None,
    ) -> None:
        """List the catalogue: each query's id, kind, parameters and the question it answers."""
        table = Table(title="The query catalogue (lcc query ID --param name=value)", title_justify="left")
        for column in ("id", "kind", "params", "question"):
            table.add_column(column, overflow="fold")
        catalogue = default_catalogue()
        for q in catalogue.by_criterion(criterion) if criterion else catalogue:
            params = ", ".join(f"{n}{'' if p.required else '?'}:{p.type}" for n, p in q.params.items())
            table.add_row(q.id, q.kind, params, q.question)
        out.print(table)

    @app.command("assess")
    def assess(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
        """Judge every community again under the current framework version: its findings and its
        indicators. Results judged under an earlier version are kept (in its assessment history)."""
        from ..framework import install_framework
        from ..indicators import remember_assessments
        from ..judgements import rejudge_all

        start = time.perf_counter()
        with stores_at(data_dir) as stores:
            try:
                install_framework(stores, remember=True)
                done = rejudge_all(stores)
                remember_assessments(stores)  # the next start need not check them again
            except LccError as exc:
                fail(exc.message)
        kept = f"; kept the results of {done['kept']} judged under an earlier version" if done["kept"] else ""
        console.print(f"assessed {done['assessed']} communities under framework version "
                      f"{done['framework_version']} in {time.perf_counter() - start:.1f} s{kept}")
