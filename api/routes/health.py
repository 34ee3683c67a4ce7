"""Liveness, store reachability and how busy the query workers are."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import StoresDep

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness, store reachability and query workers",
            responses={200: {"content": {"application/json": {"example": {
                "status": "ok", "store": "ok", "graphs": 16, "workers": {"busy": 1, "size": 3}}}}},
                       503: {"description": "the store is unreachable"}})
def health(stores: StoresDep) -> JSONResponse:
    """200 while the service runs and the store answers; ``status`` is ``degraded`` while every
    query worker is busy (reads then wait, or long ad hoc queries are refused with 429)."""
    try:
        ok = stores.public.query("ASK { }").boolean
        graphs = stores.public_graph_count()
    except Exception as exc:  # the store itself is what we report on
        return JSONResponse({"status": "degraded", "store": f"unreachable: {exc}"}, status_code=503)
    body: dict = {"status": "ok", "store": "ok" if ok else "unexpected", "graphs": graphs}
    if stores.pool is not None:
        busy, size = stores.pool.busy()
        body["workers"] = {"busy": busy, "size": size}
        if busy >= size:
            body["status"] = "degraded"
    return JSONResponse(body)
