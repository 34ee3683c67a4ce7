"""The app factory: ``create_app(settings)`` builds the service around one data directory."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from lcc_graph.catalogue import load_catalogue
from lcc_graph.expected import LineWarmer
from lcc_graph.framework import install_framework
from lcc_graph.indicators import upgrade_assessments
from lcc_graph.uploads import reconcile
from lcc_graph.sandbox import upload_sandbox
from lcc_graph.store.config import StoreConfig, open_configured
from lcc_graph.store.stores import Stores
from lcc_graph.store.workers import ReadLimits

from .answer_cache import AnswerCache
from .assets import library_dir
from .errors import document_request_errors, install_error_handlers
from .fast_path import SparqlFastPath
from .guard import GuardMiddleware, inline_script_csp
from .routes import (admin, assessment, communities, criteria, framework, graphs, health, home, pages, proposals, queries,
                     resources, sparql, templates, uploads)
from .settings import Settings

HERE = Path(__file__).resolve().parent
log = logging.getLogger("lcc.api")


def store_config(settings: Settings) -> StoreConfig:
    """Where the settings put the public and private graphs (lcc_graph.store.config)."""
    password = settings.remote_password.get_secret_value() if settings.remote_password else None
    return StoreConfig(settings.data_dir, settings.store, settings.private_store, settings.remote_engine,
                       settings.remote_query_url, settings.remote_update_url, settings.remote_store_url,
                       settings.remote_user, password, settings.query_timeout_s)


def _open(settings: Settings) -> Stores:
    """The stores the settings ask for: embedded (default) or a remote SPARQL engine."""
    return open_configured(store_config(settings))


def _warm_up(sandbox) -> None:
    """Start the upload sandbox's warm worker in the background (it would start on first use)."""
    try:
        sandbox.start()
    except Exception as exc:  # the service stopped meanwhile, or the worker could not start yet
        log.info("the upload sandbox did not warm up (%s); it starts on the first upload", exc)


def _warm_pages(templates: Jinja2Templates) -> None:
    """Import what the pages draw with and compile the page templates, in the background once the
    service is up: the first community page after a start paid 1.5-3 s of them on a 2-core
    machine (networkx's Kamada-Kawai layout imports scipy.optimize; numpy fits the expected-value
    lines; Jinja compiles a template on its first use)."""
    try:
        import numpy  # noqa: F401
        import scipy.optimize  # noqa: F401

        from .pages import install

        install(templates.env)  # first: a template compiled before its filters calls them wrongly
        for name in templates.env.list_templates(extensions=["html"]):
            templates.env.get_template(name)
    except Exception as exc:  # a page then pays for it itself
        log.info("the pages did not warm up (%s)", exc)


def _start(stores: Stores, settings: Settings) -> None:
    """Make the stores ready to serve: the framework, crash recovery, old assessments upgraded,
    the query workers and the upload sandbox."""
    install_framework(stores, remember=True)
    dropped = reconcile(stores)
    if dropped:
        shown = ", ".join(f"{community} v{number}" for community, number in dropped[:10])
        log.warning("dropped %d version(s) recorded but never committed: %s%s", len(dropped), shown,
                    f" and {len(dropped) - 10} more" if len(dropped) > 10 else "")
    try:
        upgraded = upgrade_assessments(stores, remember=True)
    except Exception:  # the service still serves its data; reports miss the old assessments
        log.exception("could not reassess the stored assessments of an older shape; run `lcc assess`")
    else:
        if upgraded:
            log.warning("reassessed %d communities whose stored assessment had an older shape", upgraded)
    if settings.store == "embedded":
        stores.start_readers(
            settings.data_dir / "checkpoints",
            size=settings.query_workers,
            limits=ReadLimits(timeout_s=settings.query_timeout_s, max_rows=settings.max_result_rows,
                              max_bytes=settings.max_result_bytes, memory_bytes=settings.worker_memory_bytes),
        )
    # untrusted uploads are parsed, checksummed and validated in killable workers: warm from the start,
    # stopped after a minute without an upload (lcc_graph.sandbox.UPLOAD_IDLE_S)
    stores.sandbox = upload_sandbox(timeout_s=settings.upload_timeout_s, memory_bytes=settings.worker_memory_bytes)
    threading.Thread(target=_warm_up, args=(stores.sandbox,), name="sandbox-warm-up", daemon=True).start()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service. The app owns its stores from start-up to shutdown."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # start-up and shutdown touch the stores: on the thread pool, like every other store call
        stores = await run_in_threadpool(_open, settings)
        warmer = None
        try:
            await run_in_threadpool(_start, stores, settings)
            app.state.stores = stores
            threading.Thread(target=_warm_pages, args=(app.state.templates,), name="pages-warm-up", daemon=True).start()
            warmer = app.state.line_warmer = LineWarmer(stores)  # each checkpoint's lines, fitted ahead of the pages
            stores.after_publish.append(warmer)
            warmer()
            yield
        finally:
            if warmer is not None:
                stores.after_publish.remove(warmer)
                await run_in_threadpool(warmer.close)
            await run_in_threadpool(stores.close)

    app = FastAPI(
        title="lcc-graph",
        summary="A knowledge graph of the Common Criteria of learning communities and cities",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    # innermost: a program's GET /sparql answered before routing (api.fast_path), its answer kept
    # by the answer cache; the guard's and CORS headers go on a kept answer as on any other
    app.add_middleware(SparqlFastPath)
    app.add_middleware(AnswerCache)
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD", "OPTIONS", "POST"],
                       allow_headers=["*"])
    app.add_middleware(GuardMiddleware, max_body=settings.max_upload_bytes + 64 * 1024)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # front-end libraries from the npm registry (hatch_build.py), served from here: no CDN
    app.mount("/swagger-ui", StaticFiles(directory=str(library_dir("swagger-ui")), check_dir=False), name="swagger")
    app.mount("/vendor/yasgui", StaticFiles(directory=str(library_dir("yasgui")), check_dir=False), name="yasgui")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI 5 (reads OpenAPI 3.1), served from this service (no CDN, no outside validator);
        its one inline script is allowed by its hash."""
        page = get_swagger_ui_html(openapi_url="/openapi.json", title="lcc-graph API",
                                   swagger_js_url="/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/favicon.svg",
                                   swagger_ui_parameters={"validatorUrl": None})
        page.headers["Content-Security-Policy"] = inline_script_csp(page.body.decode())
        return page
    install_error_handlers(app)
    document_request_errors(app)
    app.state.catalogue = load_catalogue()
    for module in (home, health, sparql):
        app.include_router(module.router)
    # the named queries' routes next: the router tries routes in order, and 44 exact paths under
    # /queries/ found after every other router cost a named query a third of its server time
    queries.add_query_routes(app, app.state.catalogue)
    for module in (graphs, criteria, framework, proposals, communities, assessment, admin, uploads, templates, queries,
                   pages, resources):
        app.include_router(module.router)
    resources.add_path_rule(app)  # last: it serves only the paths no other route serves
    return app
