"""The core commands: serve, demo, load, query, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pyoxigraph as ox
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import LccError, ParseError
from ..framework import install_framework
from ..namespaces import check_slug
from ..sparql_guard import check_read_query
from ..store.config import StoreConfig
from .common import DEFAULT_DATA_DIR, DataDir, console, env_data_dir, fail, stores_at

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="lcc-graph: the Common Criteria of learning communities as a knowledge graph.")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


@app.command()
def serve(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    access_log: Annotated[bool, typer.Option(help="log every request (a line each: a tenth of the server's "
                                                  "time on short queries; a reverse proxy's log costs nothing here)")] = False,
) -> None:
    """Serve the API and pages (the server owns the store while it runs)."""
    import uvicorn

    with stores_at(data_dir):
        pass  # fail early, in one line, when another process holds the store
    env_data_dir(data_dir)
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, access_log=access_log)


@app.command()
def demo(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    communities: Annotated[int, typer.Option("--communities", "-n", min=1, max=10_000)] = 12,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same data")] = 0,
    output: Annotated[Path | None, typer.Option(help="write N-Quads here instead of loading the store")] = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="do nothing if the store holds communities")] = False,
) -> None:
    """Generate synthetic communities and load them (or write them to a file)."""
    from .. import demo as demo_data
    from ..communities import community_ids
    from ..demo_store import build_demo_store

    if output is not None:
        with output.open("wb") as fh:
            demo_data.write(demo_data.generate(communities, seed), fh, format="nquads")
        console.print(f"wrote {communities} communities to {output}")
        return
    with stores_at(data_dir) as stores:
        if if_empty and community_ids(stores.public):
            console.print(f"{StoreConfig.from_env(data_dir).describe()} already holds communities; left as it is")
            return
        with _progress() as progress:
            def step(name: str, total: int):
                task = progress.add_task(name, total=total)
                return lambda n: progress.advance(task, n)

            built = build_demo_store(stores, communities, seed, step=step)
        console.print(f"loaded {communities} communities, {built['triples']} triples, into "
                      f"{StoreConfig.from_env(data_dir).describe()}; "
                      f"{built['findings']} criteria findings")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="Turtle, JSON-LD, RDF/XML or N-Triples file; or a filled template "
                                              "(.xlsx workbook, or .zip of CSV files: see `lcc template`)")],
    community: Annotated[str, typer.Option("--community", "-c", help="the community id the data belongs to")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Replace a community's data with a file: checked, validated, stored with its findings (as an upload).

    The file gets exactly an upload's checks (those of `lcc validate --community`, plus whether
    another community's stored data already describes its resources); an empty file is refused,
    and a file whose content is the community's latest version already stores nothing.
    """
    from .. import access, uploads
    from ..errors import ValidationRejected
    from ..rdf_input import media_type_for

    try:
        check_slug(community)
        media = media_type_for(file)
        data = file.read_bytes()
    except (LccError, ValueError, OSError) as exc:
        fail(getattr(exc, "message", None) or str(exc), code=2)
    with stores_at(data_dir) as stores:
        try:
            install_framework(stores)
            access.ensure_registered(stores.private, community)
            with uploads.community_lock(community):
                prepared = uploads.prepare(stores, community, data, media)
                accepted = uploads.commit(stores, prepared, "cli")
        except ValidationRejected as exc:
            console.print(exc.report.to_text(), highlight=False, soft_wrap=True)
            fail(exc.message)
        except LccError as exc:
            fail(exc.message, code=2 if isinstance(exc, ParseError) else 1)
    counts = prepared.report.counts
    if accepted.unchanged:
        console.print(f"unchanged: the file is community {community}'s version {accepted.version.version} "
                      "already; nothing was stored")
        return
    console.print(f"stored {len(prepared.triples)} triples for community {community} as version "
                  f"{accepted.version.version}; {counts.get('Warning', 0)} warnings, {counts.get('Info', 0)} notes")


@app.command()
def template(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (default: lcc-template-LANG.FORMAT, "
                                                 "or ID-data-LANG.FORMAT with --community)")] = None,
    lang: Annotated[str, typer.Option(help="language of sheet and column names and list values: en, he or ar")] = "en",
    format: Annotated[str, typer.Option("--format", "-f", help="xlsx (one workbook) or zip (CSV files)")] = "xlsx",
    community: Annotated[str | None, typer.Option("--community", "-c", help="fill the templates with this "
                                                   "community's current data (reads the store)")] = None,
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Write the spreadsheet templates (a sheet per table, drop-down lists, instructions), empty or
    with a community's data; `lcc load FILE.xlsx --community ID` reads them back."""
    from .. import tabular
    from ..namespaces import community_graph

    if lang not in tabular.LANGS:
        fail(f"unknown language {lang!r}: use en, he or ar", code=2)
    if format not in tabular.FORMATS:
        fail(f"unknown format {format!r}: use xlsx or zip", code=2)
    if community is None:
        body, missing = tabular.template_bytes(lang, format), 0
        target = output or Path(f"lcc-template-{lang}.{format}")
    else:
        try:
            check_slug(community)
        except ValueError as exc:
            fail(str(exc), code=2)
        with stores_at(data_dir) as stores:
            triples = stores.public.get_graph(community_graph(community, "data"))
        if not triples:
            fail(f"community {community!r} has no data in {data_dir}")
        body, missing = tabular.export_bytes(triples, community, lang, format)
        target = output or Path(f"{community}-data-{lang}.{format}")
    try:
        target.write_bytes(body)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror}", code=2)
    note = f"; {missing} statement(s) could not be written into the sheets" if missing else ""
    console.print(f"wrote {target} ({len(body)} bytes){note}")


@app.command()
def query(
    text_or_file: Annotated[str, typer.Argument(help="a SPARQL query, or a file holding one")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    format: Annotated[str, typer.Option("--format", "-f", help="csv, tsv, json, xml (SELECT); ttl, nt (CONSTRUCT)")] = "csv",
) -> None:
    """Run a read-only SPARQL query over the public graphs."""
    from ..store.base import GRAPH_FORMATS, SOLUTION_FORMATS

    path = Path(text_or_file)
    text = path.read_text(encoding="utf-8") if len(text_or_file) < 4096 and path.is_file() else text_or_file
    try:
        checked = check_read_query(text)
    except LccError as exc:
        fail(exc.message, code=2)
    aliases = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
               "xml": "application/sparql-results+xml", "ttl": "text/turtle", "nt": "application/n-triples",
               "jsonld": "application/ld+json"}
    with stores_at(data_dir) as stores:
        try:
            result = stores.query_public(text, query_dataset=checked.has_dataset)
        except LccError as exc:
            fail(exc.message)
        media = aliases.get(format, format)
        offers = GRAPH_FORMATS if result.kind == "graph" else SOLUTION_FORMATS
        if media not in offers:
            media = "text/turtle" if result.kind == "graph" else "text/csv"
        sys.stdout.buffer.write(result.serialize(media))


@app.command()
def export(
    data_dir: DataDir = DEFAULT_DATA_DIR,
    output: Annotated[Path | None, typer.Option(help="file to write (default: standard output)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="nquads or trig")] = "nquads",
) -> None:
    """Export every public graph as N-Quads or TriG."""
    fmt = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}.get(format)
    if fmt is None:
        fail(f"unknown format {format!r}: use nquads or trig", code=2)
    with stores_at(data_dir) as stores:
        public = stores.public
        if hasattr(public, "raw"):
            if output is None:
                public.raw.dump(sys.stdout.buffer, format=fmt)
            else:
                public.raw.dump(str(output), format=fmt)
                console.print(f"wrote {len(public.raw)} quads to {output}")
            return
        # a remote engine: graph by graph (only the public ones: the engine's other graphs are not ours)
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g in public.graphs()
                 for t in public.get_graph(g)]
        data = ox.serialize(quads, format=fmt) or b""
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            console.print(f"wrote {len(quads)} quads to {output}")


token_app = typer.Typer(help="Community tokens (stored hashed; shown once).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    community: Annotated[str, typer.Option("--community", "-c", help="the community id")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    label: Annotated[str | None, typer.Option(help="register the community with this label if it is new")] = None,
) -> None:
    """Issue a token for a community (registering it if a --label is given); prints the token once."""
    from .. import access

    with stores_at(data_dir) as stores:
        try:
            if label:
                access.ensure_registered(stores.private, community, label)
            issued = access.issue_token(stores.private, community)
        except (LccError, ValueError) as exc:
            fail(getattr(exc, "message", str(exc)))
    print(issued.token)
    console.print(f"token {issued.token_id} for community {community}: keep it, it is not shown again")


@token_app.command("revoke")
def token_revoke(
    community: Annotated[str, typer.Option("--community", "-c")],
    token_id: Annotated[str, typer.Argument(help="the token id (the part after lcc_)")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """Revoke a community token."""
    from .. import access

    with stores_at(data_dir) as stores:
        try:
            access.revoke_token(stores.private, community, token_id)
        except LccError as exc:
            fail(exc.message)
    console.print(f"revoked token {token_id}")
