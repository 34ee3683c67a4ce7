"""More ad hoc reads than query workers, awaited on one event loop: each worker given back goes to
the read that waited longest, on the loop itself, and every read gets its own answer."""

from __future__ import annotations

import asyncio

import pyoxigraph as ox

from lcc_graph.store.stores import open_stores
from lcc_graph.store.workers import ReadLimits

JSON = {"solutions": "application/sparql-results+json"}


def test_reads_waiting_for_the_one_worker_are_served_in_turn(tmp_path):
    stores = open_stores(tmp_path / "data")
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=20))
    pool = stores.pool
    try:
        runs_before = pool.runs
        finished: list[int] = []

        async def read(n: int) -> int:
            result = await pool.query_async(f"SELECT ?n WHERE {{ BIND({n} AS ?n) }}", check=(20_000, 64), media=JSON)
            finished.append(n)
            parsed = ox.parse_query_results(result.data, format=ox.QueryResultsFormat.JSON)
            return int(next(iter(parsed))["n"].value)

        async def main() -> list[int]:
            # started in this order, all before the first answer: seven wait for the one worker
            return await asyncio.gather(*(read(n) for n in range(8)))

        assert asyncio.run(main()) == list(range(8))
        assert finished == list(range(8))  # first come, first served
        assert pool.runs - runs_before == 8
        assert pool.busy() == (0, 1)
    finally:
        stores.close()
