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


NOT_CHECKED = ("whether another community's stored data already describes these resources "
               "(lcc load and uploads check that against the store)")


def validate_command(
    file: Annotated[Path, typer.Argument(help="RDF file: .ttl, .nt, .jsonld/.json, .rdf/.xml; or a filled "
                                              "template, .xlsx or .zip of CSV files (needs --community)")],
    community: Annotated[
        str | None,
        typer.Option("--community", "-c", help="community id: relative IRIs resolve under its base IRI, "
                                                "and its ownership rules apply"),
    ] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="report format")] = OutputFormat.text,
    engine: Annotated[Engine, typer.Option(help="fast (default) or pyshacl, the reference")] = Engine.fast,
) -> None:
    """Validate FILE against the structure and criteria shapes; nothing is stored.

    With --community, FILE gets exactly the checks `lcc load` gives it, through the same library
    function (uploads.check_upload, in a sandbox process): parsing, the ownership rules, the
    checksum and both shape sets. The one check it cannot make is whether another community's
    stored data already describes the same resources: it never opens the store.

    A spreadsheet (.xlsx, or a .zip of CSV files) needs --community; every problem and finding
    then names its sheet, row, column and cell value.

    Exit status: 0 accepted (warnings and information allowed), 1 rejected (a structure
    violation, or resources the community does not own), 2 unreadable input.
    """
    from ..errors import LccError, OwnershipError
    from ..namespaces import check_slug
    from ..rdf_input import media_type_for
    from ..sandbox import upload_sandbox
    from ..uploads import CHECK_UPLOAD

    if community is not None:
        try:
            check_slug(community)
        except ValueError as exc:
            _unreadable(str(exc))
    if not file.is_file():
        _unreadable(f"{file}: no such file")
    try:
        media = media_type_for(file)
        data = file.read_bytes()
    except LccError as exc:
        _unreadable(f"{file}: {exc.message}")
    except OSError as exc:
        _unreadable(f"cannot read {file}: {exc.strerror}")
    try:
        with upload_sandbox() as sandbox:
            checked = sandbox.run(CHECK_UPLOAD, data, media, community, community,
                                  check_owner=community is not None, engine=engine.value)
    except OwnershipError as exc:
        typer.echo(f"error: {exc.message}", err=True)  # as `lcc load` words it
        raise typer.Exit(EXIT_REJECTED) from None
    except LccError as exc:
        _unreadable(f"{file}: {exc.message}")
    report = checked["report"]
    if output_format is OutputFormat.json:
        out = report.to_json()
        if community is not None:
            out["not_checked"] = [NOT_CHECKED]
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
    elif output_format is OutputFormat.ttl:
        typer.echo(report.to_turtle(), nl=False)
    elif output_format is OutputFormat.jsonld:
        typer.echo(report.to_jsonld())
    else:
        typer.echo(report.to_text(), nl=False)
        if community is not None:
            typer.echo(f"\nNot checked here: {NOT_CHECKED}.")
    raise typer.Exit(EXIT_ACCEPTED if report.conforms else EXIT_REJECTED)


def register(app: typer.Typer) -> None:
    """Add ``validate`` to the ``lcc`` command line."""
    app.command("validate")(validate_command)
