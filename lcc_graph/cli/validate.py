"""``lcc validate FILE``: the verdict an upload would get, without opening the store."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

EXIT_ACCEPTED = 0
EXIT_REJECTED = 1
EXIT_UNREADABLE = 2


class OutputFormat(str, Enum):
    """How the report is printed."""

    text = "text"
    json = "json"
    ttl = "ttl"
    jsonld = "jsonld"


class Engine(str, Enum):
    """Which validator runs the shapes."""

    fast = "fast"
    pyshacl = "pyshacl"


def _unreadable(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(EXIT_UNREADABLE)


def validate_command(
    file: Annotated[Path, typer.Argument(help="RDF file: .ttl, .nt, .jsonld/.json, .rdf/.xml")],
    community: Annotated[
        str | None,
        typer.Option("--community", "-c", help="community id: relative IRIs resolve under its base IRI"),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="report format")] = OutputFormat.text,
    engine: Annotated[Engine, typer.Option(help="fast (default) or pyshacl, the reference")] = Engine.fast,
) -> None:
    """Validate FILE against the structure and criteria shapes; nothing is stored.

    Exit status: 0 accepted (warnings and information allowed), 1 rejected (a structure
    violation), 2 unreadable input.
    """
    from ..errors import LccError
    from ..namespaces import check_slug, community_base
    from ..rdf_input import parse_file
    from ..validation import validate

    base = None
    if community is not None:
        try:
            base = community_base(check_slug(community))
        except ValueError as exc:
            _unreadable(str(exc))
    if not file.is_file():
        _unreadable(f"{file}: no such file")
    try:
        parsed = parse_file(file, base_iri=base)
    except LccError as exc:
        _unreadable(f"{file}: {exc.message}")
    report = validate(parsed.triples, community, engine=engine.value)
    if output_format is OutputFormat.json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    elif output_format is OutputFormat.ttl:
        typer.echo(report.to_turtle(), nl=False)
    elif output_format is OutputFormat.jsonld:
        typer.echo(report.to_jsonld())
    else:
        typer.echo(report.to_text(), nl=False)
    raise typer.Exit(EXIT_ACCEPTED if report.conforms else EXIT_REJECTED)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the ``lcc`` command line."""
    app.command("validate")(validate_command)
