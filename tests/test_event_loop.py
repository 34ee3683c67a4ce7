"""No route blocks the event loop: an ``async def`` handler only reads the request and awaits; store,
parse, validate and render work runs on the thread pool or in a worker process.

Checked on the source of every route of the app (and the module-level async helpers it awaits),
and, for the routes with the heaviest inputs, timed against /health on a live server in
tests/test_never_stall.py.
"""

from __future__ import annotations

import ast
import inspect
import textwrap

from fastapi.routing import APIRoute

# Calls that touch the store, parse or validate RDF or SPARQL, or render a page: never on the loop.
BLOCKING = {
    "render", "TemplateResponse", "query", "query_public", "query_untrusted", "upload", "prepare", "commit",
    "parse_rdf", "parse_file", "validate", "check_read_query", "check_ownership", "authorise", "registered",
    "record_answer", "delete_data", "versions", "diff", "checksum", "serialize", "get_community",
    "list_communities", "build_network", "assessment", "list_criteria", "criterion_details", "run_named",
    "run_query", "dialogue_context", "to_json", "replace_graphs", "_upload_answer", "_dry_run",
}


def _app():
    from api.app import create_app
    from api.settings import Settings

    return create_app(Settings(data_dir="/nonexistent-never-opened"))


def _routes(app) -> list[APIRoute]:
    """Every APIRoute of the app, those of included routers too."""
    out, pending = [], list(app.router.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute):
            out.append(route)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            pending += list(inner.routes)
    return out


def _blocking_calls(func) -> list[str]:
    """Calls of BLOCKING names anywhere in an async function, and in the async helpers of its module it calls."""
    module = inspect.getmodule(func)
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    found, seen = [], {func.__name__}
    pending = [tree]
    while pending:
        node = pending.pop()
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            if name in BLOCKING:
                found.append(f"{func.__name__}: {name}() at line {call.lineno}")
            helper = getattr(module, name, None)
            if name not in seen and inspect.iscoroutinefunction(helper):
                seen.add(name)
                pending.append(ast.parse(textwrap.dedent(inspect.getsource(helper))))
    return found


def test_async_handlers_only_await():
    app = _app()
    routes = _routes(app)
    assert len(routes) > 40
    asynchronous = [r for r in routes if inspect.iscoroutinefunction(r.endpoint)]
    assert {r.path for r in asynchronous} >= {"/sparql", "/communities/{id}/data", "/validate"}
    problems = [p for r in asynchronous for p in _blocking_calls(r.endpoint)]
    assert not problems, "blocking work on the event loop:\n" + "\n".join(problems)


def test_the_check_finds_a_blocking_call():
    """The check itself: an async handler that renders a page or queries the store is caught."""

    async def bad(request, stores):
        stores.query_public("ASK {}")
        return render(request, "x.html", "en")  # noqa: F821

    assert _blocking_calls(bad) == ["bad: query_public() at line 2", "bad: render() at line 3"]


def test_coroutine_dependencies_only_read_the_request():
    """FastAPI runs a plain ``def`` dependency on the thread pool and an ``async def`` one on the
    loop: a coroutine dependency (settings, stores, language: no hand-off to a thread) may make
    no store, parse or render call, nor call a plain ``def`` dependency that does."""
    app = _app()
    coroutines, offenders = set(), []

    def walk(dependant, path):
        for dep in dependant.dependencies:
            if inspect.iscoroutinefunction(dep.call):
                coroutines.add(dep.call.__name__)
                offenders.extend(f"{path}: {found}" for found in _blocking_calls(dep.call))
                offenders.extend(f"{path}: {dep.call.__name__} calls {name}()" for name in _calls(dep.call)
                                 if name in ("registered_community", "authorise", "check_ownership"))
            walk(dep, path)

    for route in _routes(app):
        walk(route.dependant, route.path)
    assert not offenders, offenders
    assert {"_settings", "_stores", "_lang"} <= coroutines  # what every read route depends on


def _calls(func) -> set[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    return {c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
            for c in ast.walk(tree) if isinstance(c, ast.Call)}
