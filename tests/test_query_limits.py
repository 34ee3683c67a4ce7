"""Bounded queries: a runaway is stopped at its deadline, a crash kills only a worker."""

from __future__ import annotations

import os
import textwrap
import threading
import time

import pyoxigraph as ox
import pytest

from lcc_graph.errors import QueryError, QueryTimeout
from lcc_graph.store import open_stores
from lcc_graph.store.workers import ReadLimits

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEADLINE = 2.0


@pytest.fixture
def pooled(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=2, limits=ReadLimits(timeout_s=DEADLINE))
    yield stores
    stores.close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purpose
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


def test_runaway_is_stopped_while_others_are_served(pooled):
    before = set(pooled.pool.worker_pids())
    outcome: dict = {}

    def runaway():
        started = time.monotonic()
        try:
            pooled.query_public(RUNAWAY)
        except QueryTimeout as exc:
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    n = pooled.query_public("PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?c) AS ?n) { ?c a lcc:Community }")
    quick = time.monotonic() - started
    assert n.values() == [{"n": "12"}]
    assert "seconds" not in outcome, "the normal query waited for the runaway"
    assert quick < DEADLINE
    thread.join(DEADLINE * 5)
    assert isinstance(outcome.get("error"), QueryTimeout)
    assert "deadline of 2 s" in outcome["error"].message
    assert outcome["seconds"] < DEADLINE * 5
    after = set(pooled.pool.worker_pids())
    killed = before - after
    assert len(killed) == 1, "the worker that ran the runaway was replaced"
    time.sleep(1.0)  # the kill is immediate; its CPU is released within a second of the deadline
    assert not any(_alive(pid) for pid in killed)


def test_a_query_that_crashes_its_worker_is_a_bad_query(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=DEADLINE))
    try:
        before = stores.pool.worker_pids()
        killer = threading.Timer(0.5, lambda: os.kill(before[0], 9))
        killer.start()  # what a crash of the engine does to the worker running the query
        try:
            with pytest.raises(QueryError, match="crashed"):
                stores.query_public(RUNAWAY)
        finally:
            killer.cancel()
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert len(stores.pool.worker_pids()) == 1 and stores.pool.worker_pids() != before
    finally:
        stores.close()


@pytest.mark.parametrize("query, rows", [
    ("ASK { FILTER(" + "+".join(["1"] * 9000) + ") }", None),  # overflowed the main thread's 8 MB stack
    ("ASK { FILTER(" + "!" * 19000 + "true) }", None),  # an even number of negations: true
    ("SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }", 1),  # one empty solution
])
def test_deeply_recursive_expressions_are_answered(demo_copy, tmp_path, query, rows):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=30))
    try:
        before = stores.pool.worker_pids()
        answer = stores.query_public(query)
        if rows is None:
            assert answer.boolean is True
        else:
            assert answer.row_count == rows
        assert stores.pool.worker_pids() == before  # no worker died
    finally:
        stores.close()


def test_result_row_limit(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, max_rows=100))
    try:
        with pytest.raises(QueryError, match="over the limit of 100"):
            stores.query_public("SELECT * WHERE { ?s ?p ?o } LIMIT 101")
        assert len(stores.query_public("SELECT * WHERE { ?s ?p ?o } LIMIT 100").rows()) == 100
    finally:
        stores.close()


def test_checkpoints_are_collected(pooled):
    from lcc_graph.communities import replace_community

    import pyoxigraph as ox

    for i in range(5):
        t = ox.Triple(ox.NamedNode("https://w3id.org/lcc/communities/c1"), ox.NamedNode("https://w3id.org/lcc#population"),
                      ox.Literal(str(i)))
        replace_community(pooled, "c1", [t])
        assert pooled.query_public(
            "SELECT ?p { <https://w3id.org/lcc/communities/c1> <https://w3id.org/lcc#population> ?p }").values() == [{"p": str(i)}]
    # the current checkpoint plus at most one per worker stay on disk
    assert len(pooled.pool.checkpoints()) <= 3


def test_the_api_answers_503_at_the_deadline_and_serves_others_meanwhile(demo_copy):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(data_dir=demo_copy, query_timeout_s=DEADLINE))
    with TestClient(app) as client:
        outcome: dict = {}

        def runaway():
            started = time.monotonic()
            outcome["response"] = client.get("/sparql", params={"query": RUNAWAY})
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        r = client.get("/sparql", params={"query": "PREFIX lcc: <https://w3id.org/lcc#> ASK { ?c a lcc:Community }"})
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert "response" not in outcome, "the normal query waited for the runaway"
        thread.join(DEADLINE * 5)
        response = outcome["response"]
        assert response.status_code == 503
        assert response.json()["error"] == "query_timeout"
        assert "deadline of 2 s" in response.json()["message"]
        assert outcome["seconds"] < DEADLINE * 5


def test_workers_are_recycled_after_their_reads_and_above_their_memory_mark(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, recycle_after=3))
    try:
        first = stores.pool.worker_pids()
        for _ in range(2):
            assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert stores.pool.worker_pids() == first and stores.pool.recycled == 0
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True  # the third read: then replaced
        assert stores.pool.settle() and stores.pool.recycled == 1 and stores.pool.worker_pids() != first
        assert not _alive(first[0])
        # the new worker opened the current checkpoint before its first read, by a read not counted
        (replacement,) = stores.pool._workers
        assert replacement.checkpoint == str(stores.pool.current) and stores.pool.runs == 3
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True  # the new worker answers
    finally:
        stores.close()
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp2", size=1, limits=ReadLimits(timeout_s=10, recycle_rss_bytes=1))
    try:
        pids = set()
        for _ in range(3):
            assert stores.pool.settle()
            pids.update(stores.pool.worker_pids())
            assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert stores.pool.recycled == 3 and len(pids) == 3  # every worker holds more than one byte
    finally:
        stores.close()


def test_a_cached_answer_is_indexed_by_row_and_paged_without_the_rest(pooled):
    query = ("SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(?p = <http://www.w3.org/2000/01/rdf-schema#label>) } "
             "ORDER BY ?s ?o LIMIT 250")
    plain = pooled.query_public(query)
    cached = pooled.query_public(query, cache=True)
    assert plain.row_ends is None and cached.row_ends is not None
    assert cached.row_count == plain.row_count == 250
    assert cached.rows() == plain.rows()
    whole = plain.rows()
    for offset, limit in [(0, 100), (100, 100), (200, 100), (249, 5), (250, 10), (0, 1)]:
        page = cached.page(offset, limit)
        assert page.rows() == whole[offset:offset + limit]
        assert page.variables == ["s", "p", "o"]
        assert plain.page(offset, limit).rows() == whole[offset:offset + limit]
    # a page holds its rows' bytes only
    assert len(cached.page(0, 10).data) < len(cached.data) / 10


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_an_awaited_read_of_a_large_answer_is_whole(demo_copy, tmp_path, loop):
    """The loop waits for the worker's pipe; uvloop makes a watched descriptor non-blocking, and
    a large answer was then read half-way (reported as a crash of the engine)."""
    import asyncio

    from lcc_graph.sparql_guard import QueryLimits

    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    pooled = open_stores(demo_copy)
    pooled.start_readers(tmp_path / "cp", size=2, limits=ReadLimits(timeout_s=60))

    async def main():
        return [await pooled.query_untrusted_async(query, QueryLimits(), {"graph": "application/n-triples"})
                for _ in range(2)]

    try:
        expected = pooled.query_public(query).triples()
        if loop == "uvloop":
            uvloop = pytest.importorskip("uvloop")
            answers = uvloop.run(main())
        else:
            answers = asyncio.run(main())
    finally:
        pooled.close()
    for answer in answers:
        assert answer.media == "application/n-triples" and len(answer.data) > 256 * 1024
        assert len(set(ox.parse(answer.data, format=ox.RdfFormat.N_TRIPLES))) == len(set(expected))


def test_a_worker_that_cannot_get_its_priority_back_is_replaced(demo_copy, tmp_path, monkeypatch):
    """A read past slow_after_s drops to nice 19; without the privilege to come back (not root),
    the worker would serve every later read at 19: it is replaced after that read instead."""
    from lcc_graph.store import workers

    def setpriority(which, who, nice):
        if nice < workers.SLOW_NICE:
            raise PermissionError("only root may lower a niceness")

    monkeypatch.setattr(workers.os, "setpriority", setpriority)
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=30, slow_after_s=0.01))
    try:
        before = stores.pool.worker_pids()
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?r }"
        assert int(stores.query_public(slow).values()[0]["n"]) > 0
        assert stores.pool.settle() and stores.pool.recycled == 1 and stores.pool.worker_pids() != before
    finally:
        stores.close()


def _threads(pid: int) -> list[tuple[str, int, int]]:
    """(state, niceness, scheduling policy) of each thread of a process, from /proc."""
    found = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        found.append((fields[0], int(fields[16]), int(fields[38])))
    return found


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads threads from Linux's /proc")
def test_a_slow_read_runs_at_the_slow_niceness_on_the_thread_that_runs_it(demo_copy, tmp_path):
    """Past slow_after_s every thread of the worker goes to SLOW_NICE, the one running the read
    too (a niceness is a thread's: renicing the process id alone left the read at 0), and comes
    back after it; the query thread runs under SCHED_BATCH (policy 3)."""
    from lcc_graph.store import workers

    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=4, slow_after_s=0.1))
    try:
        pid = stores.pool.worker_pids()[0]
        assert any(policy == 3 for _, _, policy in _threads(pid))
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?r . ?s ?t ?u . ?x ?y ?z }"
        outcome = []

        def read() -> None:
            try:
                outcome.append(stores.query_public(slow))
            except QueryTimeout as exc:
                outcome.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        seen, deadline = [], time.monotonic() + 3.5
        while time.monotonic() < deadline and not seen:
            seen = [t for t in _threads(pid) if t[0] == "R" and t[1] == workers.SLOW_NICE]
            time.sleep(0.05)
        reader.join(30)
        assert seen, "the running read never went to the slow niceness"
        assert len(outcome) == 1  # answered or stopped at the deadline, either way it ended
        quick = stores.query_public("ASK { ?s ?p ?o }")
        assert quick.boolean is True
        if os.geteuid() == 0:  # only root may lower a niceness again (else the worker is replaced)
            current = stores.pool.worker_pids()[0]
            assert {nice for _, nice, _ in _threads(current)} == {workers.WORKER_NICE}
    finally:
        stores.close()


def test_workers_open_the_current_checkpoint_before_their_first_read(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=2, limits=ReadLimits(timeout_s=10))
    try:
        assert stores.pool.runs == 0  # the opening reads are not counted
        assert {w.checkpoint for w in stores.pool._workers} == {str(stores.pool.current)}
        assert stores.pool.warm() == 2  # again: both answer at once, both given back
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True and stores.pool.runs == 1
    finally:
        stores.close()


class _Conn:
    """A worker's end of the pipe, in this process: the reads given, the replies kept."""

    def __init__(self, messages: list) -> None:
        self.messages = list(messages)
        self.sent: list = []

    def recv(self):
        return self.messages.pop(0)

    def send(self, reply) -> None:
        self.sent.append(reply)


def _read(checkpoint: str, sparql: str) -> tuple:
    return (checkpoint, sparql, None, None, False, {}, 1000, 10**6, False, None, None)


def test_a_worker_above_its_mark_reopens_its_store_after_the_reply_and_reports_what_it_then_holds(
        tmp_path, monkeypatch):
    import resource
    import sys
    import types

    from lcc_graph.store import workers

    checkpoint = tmp_path / "cp"
    store = ox.Store(str(checkpoint))
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o")))
    del store
    opened: list[str] = []

    class Store:  # pyoxigraph's, counting the openings
        @staticmethod
        def read_only(path):
            opened.append(path)
            return ox.Store.read_only(path)

    monkeypatch.setitem(sys.modules, "pyoxigraph", types.SimpleNamespace(Store=Store))
    monkeypatch.setattr(resource, "setrlimit", lambda *args: None)  # this is the test process
    mb = 1024**2
    monkeypatch.setattr(workers, "_rss_bytes", lambda: 30 * mb)  # at the start
    # after read 1 (over the mark), after its store was closed, after read 2 (under the mark)
    held = [100 * mb, 40 * mb, 50 * mb]
    monkeypatch.setattr(workers, "_rss_after_read", lambda trim, force=False: held.pop(0))
    ask = "ASK { ?s ?p ?o }"
    conn = _Conn([_read(str(checkpoint), ask), _read(str(checkpoint), ask), None])
    workers._serve(conn, 1 << 40, 64 * mb)
    assert [reply[0] for reply in conn.sent] == ["ok", "ok"]
    assert [reply[2] for reply in conn.sent] == [b'{"head":{},"boolean":true}'] * 2
    # each reply carries what the worker held once the read before it was over: read 2 that
    # of the reopened store, not the 100 MB read 1 left (so the pool keeps this worker)
    assert [reply[-1] for reply in conn.sent] == [30 * mb, 40 * mb]
    # opened for read 1, opened again after its reply (read 2 used it); not after read 2
    assert opened == [str(checkpoint)] * 2 and held == []


def test_a_worker_whose_reopened_store_leaves_it_above_the_mark_is_replaced(demo_copy, tmp_path):
    stores = open_stores(demo_copy)
    # every worker holds more than a byte even with its store just opened: replaced after each read
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, recycle_rss_bytes=1))
    try:
        first = stores.pool.worker_pids()
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert stores.pool.settle() and stores.pool.recycled == 1 and stores.pool.worker_pids() != first
    finally:
        stores.close()
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp2", size=1, limits=ReadLimits(timeout_s=10))
    try:
        first = stores.pool.worker_pids()
        for _ in range(5):  # the default mark: a worker over the small demo data stays
            assert stores.query_public("SELECT * WHERE { ?s ?p ?o } LIMIT 1000").row_count == 1000
        assert stores.pool.recycled == 0 and stores.pool.worker_pids() == first
    finally:
        stores.close()


def test_workers_never_load_asyncio_or_hashlib(tmp_path):
    import subprocess
    import sys

    code = ("import sys; import lcc_graph.store.workers, lcc_graph.store; "
            "print(sorted(m for m in ('asyncio', 'hashlib', 'concurrent.futures') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


MAPPED = textwrap.dedent("""
    import ctypes, sys

    from lcc_graph.store.workers import fix_mmap_threshold


    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                                         "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


    mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    mallinfo2.restype = MallInfo2
    block = bytearray(8 * 1024**2)  # glibc alone then raises its threshold to 8 MB
    del block
    if sys.argv[1] == "fixed":
        assert fix_mmap_threshold() is True
    before = mallinfo2().hblkhd
    block = bytearray(2 * 1024**2)
    mapped = mallinfo2().hblkhd - before >= 2 * 1024**2
    del block
    print(("mapped, then unmapped" if mallinfo2().hblkhd <= before else "mapped, kept") if mapped else "heap")
""")


def test_the_server_maps_large_blocks_on_their_own():
    import ctypes
    import subprocess
    import sys

    try:
        ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        pytest.skip("not glibc 2.33 or later")
    seen = {}
    for mode in ("default", "fixed"):
        out = subprocess.run([sys.executable, "-c", MAPPED, mode], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "PYTHONPATH": os.getcwd()})
        assert out.returncode == 0, out.stderr
        seen[mode] = out.stdout.strip()
    # a 2 MB block after an 8 MB one was freed: from the heap, which keeps it once freed, unless
    # the threshold is fixed (QueryPool does it in the server): mapped, and unmapped when freed
    assert seen == {"default": "heap", "fixed": "mapped, then unmapped"}


def test_the_server_trims_once_the_reads_stop(demo_copy, tmp_path, monkeypatch):
    from lcc_graph.store import workers

    monkeypatch.setattr(workers, "QUIET_TRIM_S", 3600.0)  # the pool's own thread stays out of the way
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10))
    pool = stores.pool
    try:
        if pool._trim is None:
            pytest.skip("not glibc")
        assert pool.trim_if_quiet() is False and pool.trims == 0  # no read yet
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert pool.trim_if_quiet() is False  # a read since the last look: not yet
        assert pool.trim_if_quiet() is True and pool.trims == 1  # none since: once
        assert pool.trim_if_quiet() is False  # nothing read since the trim
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert [pool.trim_if_quiet(), pool.trim_if_quiet()] == [False, True] and pool.trims == 2
    finally:
        stores.close()


def test_a_recycled_worker_is_replaced_after_its_read_has_been_answered(demo_copy, tmp_path, monkeypatch):
    """The read that was a worker's last gets its answer without waiting for the new worker to
    start (0.3-0.5 s on a busy machine); the next read waits for it and gets it."""
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, recycle_after=1))
    pool = stores.pool
    starting = threading.Event()
    may_start = threading.Event()
    new_worker = pool._new_worker

    def held_back():
        starting.set()
        assert may_start.wait(20)
        return new_worker()

    monkeypatch.setattr(pool, "_new_worker", held_back)
    try:
        (first,) = pool.worker_pids()
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True  # answered: the new one is held back
        assert starting.wait(10) and pool.recycled == 1 and pool.worker_pids() == []
        assert pool.busy() == (0, 0)
        answer: dict = {}
        reader = threading.Thread(target=lambda: answer.update(n=stores.query_public(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/lcc#Community> }").values()))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive() and not answer  # no worker yet: the read waits for the new one
        may_start.set()
        reader.join(20)
        assert answer["n"] == [{"n": "12"}]
        assert pool.settle() and len(pool.worker_pids()) == 1 and pool.worker_pids() != [first]
    finally:
        may_start.set()
        stores.close()


def test_closing_the_pool_while_a_worker_is_being_replaced_leaves_no_process(demo_copy, tmp_path, monkeypatch):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, recycle_after=1))
    pool = stores.pool
    may_start = threading.Event()
    started: list = []
    new_worker = pool._new_worker

    def held_back():
        assert may_start.wait(20)
        worker = new_worker()
        started.append(worker.process.pid)
        return worker

    monkeypatch.setattr(pool, "_new_worker", held_back)
    assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
    threading.Timer(0.3, may_start.set).start()  # the replacement starts as the pool closes
    stores.close()
    assert len(started) == 1 and not _alive(started[0])


def test_a_worker_trims_after_a_read_only_when_it_grew_since_its_last_trim(monkeypatch):
    """Trimming after every read (a worker holds more than the 48 MB mark from its first reads)
    cost a lookup about its own evaluation time again."""
    from lcc_graph.store import workers

    mb = 1024**2
    monkeypatch.setattr(workers, "_trimmed_at", 0)
    now = [0]
    monkeypatch.setattr(workers, "_rss_bytes", lambda: now[0])
    trims: list[int] = []

    def trim(pad):
        trims.append(now[0])
        now[0] -= 10 * mb  # what the trim gave back

    def after(rss, force=False):
        now[0] = rss
        return workers._rss_after_read(trim, force=force)

    assert after(40 * mb) == 40 * mb and trims == []  # under the mark
    assert after(70 * mb) == 60 * mb and trims == [70 * mb]  # over it: trimmed
    assert after(66 * mb) == 66 * mb and trims == [70 * mb]  # 6 MB more than after that trim: left
    assert after(69 * mb) == 59 * mb and trims == [70 * mb, 69 * mb]  # 9 MB more: trimmed
    assert after(60 * mb, force=True) == 50 * mb and len(trims) == 3  # a closed store: trimmed anyway
    assert after(40 * mb, force=True) == 40 * mb and len(trims) == 3  # never under the mark
    assert after(0, force=False) == 0 and workers._rss_bytes() == 0


def test_resident_memory_is_read_from_the_proc_file_kept_open():
    from lcc_graph.store import workers

    first = workers._rss_bytes()
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    assert first > 0 and abs(first - pages * os.sysconf("SC_PAGE_SIZE")) < 16 * 1024**2
    ballast = bytearray(64 * 1024**2)  # touched: resident
    for i in range(0, len(ballast), 4096):
        ballast[i] = 1
    assert workers._rss_bytes() > first + 48 * 1024**2
    del ballast


def test_a_replacement_that_fails_to_start_is_tried_again_and_said(demo_copy, tmp_path, monkeypatch, capfd):
    stores = open_stores(demo_copy)
    stores.start_readers(tmp_path / "cp", size=1, limits=ReadLimits(timeout_s=10, recycle_after=1))
    pool = stores.pool
    new_worker = pool._new_worker
    failures = [OSError("no process left")]

    def flaky():
        if failures:
            raise failures.pop()
        return new_worker()

    monkeypatch.setattr(pool, "_new_worker", flaky)
    try:
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
        assert pool.settle(20) and len(pool.worker_pids()) == 1 and not failures
        assert "could not be started (OSError: no process left); trying again" in capfd.readouterr().err
        assert stores.query_public("ASK { ?s ?p ?o }").boolean is True
    finally:
        stores.close()
