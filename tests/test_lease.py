"""The lease that serialises one community's writes across instances over one engine
(lcc_graph/store/lease.py), tried with an engine whose updates take time to land."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox

from lcc_graph.store.base import QueryResult
from lcc_graph.store.lease import engine_lease


class SlowEngine:
    """A shared engine (no ``raw``: it is not one process's own store) whose updates take 150 ms to
    land, as over a busy engine or a slow network; each update applies whole and a read follows it."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.lock = threading.Lock()

    def query(self, sparql: str, *, default_graph=None) -> QueryResult:
        with self.lock:
            graphs = [ox.NamedNode(g) for g in default_graph or []]
            return QueryResult.from_pyoxigraph(self.store.query(sparql, default_graph=graphs or None))

    def update(self, sparql: str) -> None:
        time.sleep(0.15)
        with self.lock:
            self.store.update(sparql)


def _contend(starts: dict[str, float], hold_s: float) -> tuple[int, list[str]]:
    """Threads named as ``starts`` keys each take the lease after their delay and hold it
    ``hold_s``; returns the most holders seen at once and who finished."""
    engine = SlowEngine()
    inside: list[str] = []
    most = [0]
    done: list[str] = []
    guard = threading.Lock()

    def worker(name: str, delay: float) -> None:
        time.sleep(delay)
        with engine_lease(engine, "communities/x", wait_s=30, ttl_s=30):
            with guard:
                inside.append(name)
                most[0] = max(most[0], len(inside))
            time.sleep(hold_s)
            with guard:
                inside.remove(name)
        done.append(name)

    threads = [threading.Thread(target=worker, args=item) for item in starts.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return most[0], done


def test_a_claim_that_lands_after_anothers_read_back_never_shares_the_lease():
    """B reads no claim before A's lands, A reads back only its own and goes in, then B's claim
    lands: B must step back whichever claim sorts first (six rounds: a coin toss would lose one)."""
    for _ in range(6):
        most, _ = _contend({"A": 0, "B": 0.1}, 0.4)
        assert most == 1


def test_one_holder_at_a_time_whatever_the_timing():
    # starts 0, 50, 100 ... ms apart: claims written before, during and after another's read-back
    most, done = _contend({f"w{i}": 0.05 * i for i in range(5)}, 0.3)
    assert sorted(done) == [f"w{i}" for i in range(5)]
    assert most == 1


def test_an_embedded_store_needs_no_lease(tmp_path):
    from lcc_graph.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "s")
    with engine_lease(store, "communities/x"):
        assert store.graphs() == []  # nothing was written to take it
    store.close()
