"""Liveness and store reachability."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from ..deps import StoresDep

router = APIRouter(tags=["service"])


@router.get("/health", summary="Liveness and store reachability",
            responses={200: {"content": {"application/json": {"example": {"status": "ok", "store": "ok", "graphs": 16}}}},
                       503: {"description": "the store is unreachable"}})
def health(stores: StoresDep) -> JSONResponse:
    """Answers 200 when the service runs and the store answers a query."""
    try:
        ok = stores.public.query("ASK { }").boolean
        graphs = len(stores.public_graphs())
    except Exception as exc:  # the store itself is what we report on
        return JSONResponse({"status": "degraded", "store": f"unreachable: {exc}"}, status_code=503)
    return JSONResponse({"status": "ok", "store": "ok" if ok else "unexpected", "graphs": graphs})
