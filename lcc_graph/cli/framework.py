"""``lcc framework``: publish a new version of the framework, list the versions, say what changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import FrameworkVersionRefused, LccError
from .common import DEFAULT_DATA_DIR, DataDir, console, fail, stores_at

framework_app = typer.Typer(help="The framework's versions: publish one, list them, compare two.", no_args_is_help=True)
out = Console()


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


@framework_app.command("publish")
def publish(
    file: Annotated[Path, typer.Argument(help="the version file (Turtle): see docs/framework-versions.md")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    assess: Annotated[bool, typer.Option("--assess/--no-assess",
                                         help="judge every community again under the new version")] = True,
) -> None:
    """Check a new framework version and make it current; then judge every community again under
    it (keeping the results of the version before).

    Refused, with every reason, when the version drops a criterion without merging or retiring it,
    breaks the shapes, or would make a stored community's data invalid; nothing changes then.
    Exit status: 0 published, 1 refused, 2 unreadable file.
    """
    from .. import framework_versions
    from ..communities import community_ids
    from ..framework import install_framework
    from ..judgements import rejudge_all

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(str(exc), code=2)
    with stores_at(data_dir) as stores:
        install_framework(stores)
        total = len(community_ids(stores.public))
        try:
            with _progress() as bar:
                task = bar.add_task("checking every community's data", total=total)
                version, changes = framework_versions.publish(stores, data, progress=lambda _: bar.advance(task))
        except FrameworkVersionRefused as exc:
            for line in exc.problems:
                console.print(f"- {line}", highlight=False, soft_wrap=True)
            fail(exc.message)
        except LccError as exc:
            fail(exc.message, code=2)
        console.print(f"published framework version {version.label} <{version.iri}>")
        _print_changes(changes)
        if assess and total:
            with _progress() as bar:
                task = bar.add_task(f"judging every community under {version.label}", total=total)
                done = rejudge_all(stores, progress=lambda _: bar.advance(task))
            console.print(f"judged {done['assessed']} communities under {version.label}; kept the results of "
                          f"{done['kept']} judged under an earlier version")


def _print_changes(changes: dict) -> None:
    for section in ("criteria", "statements", "questions", "indicators", "shapes"):
        for kind, items in changes.get(section, {}).items():
            console.print(f"  {section} {kind}: {len(items)}", highlight=False)


@framework_app.command("versions")
def versions(data_dir: DataDir = DEFAULT_DATA_DIR) -> None:
    """The framework's versions, the shipped one first and the current one last."""
    from ..framework_versions import versions as all_versions

    with stores_at(data_dir) as stores:
        found = all_versions(stores)
    table = Table("version", "IRI", "issued", "published")
    for v in found:
        table.add_row(v.label, v.iri, v.issued or "", v.published_at or "shipped")
    out.print(table)


@framework_app.command("diff")
def diff(
    a: Annotated[str, typer.Argument(help="the earlier version's label, e.g. 1.0")],
    b: Annotated[str, typer.Argument(help="the later version's label, e.g. 1.1")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
) -> None:
    """What changed from version A to version B, as JSON."""
    from ..framework_versions import diff as version_diff

    with stores_at(data_dir) as stores:
        try:
            changes = version_diff(stores, a, b)
        except LccError as exc:
            fail(exc.message)
    json.dump(changes, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@framework_app.command("draft")
def draft(
    version: Annotated[str, typer.Option("--version", help="the new version's label, e.g. 1.1")],
    proposal: Annotated[list[int], typer.Option("--proposal", "-p", help="a proposal's number (repeat)")],
    data_dir: DataDir = DEFAULT_DATA_DIR,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write here instead of standard output")] = None,
) -> None:
    """A version file that accepts these proposals (/framework/proposals): read it, add the Hebrew
    and Arabic texts, then `lcc framework publish` it."""
    from datetime import date

    from .. import proposals

    with stores_at(data_dir) as stores:
        try:
            text = proposals.draft(stores, proposal, version, date.today())
        except LccError as exc:
            for line in getattr(exc, "details", {}).get("problems", []) or []:
                console.print(f"- {line}", highlight=False, soft_wrap=True)
            fail(exc.message)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote the draft of version {version} to {output}")


def register(app: typer.Typer) -> None:
    """Add ``lcc framework``."""
    app.add_typer(framework_app, name="framework")
