"""Killable, parallel reads: query worker processes over read-only checkpoints of the store.

pyoxigraph cannot cancel a query and its parser can crash the process, so every public read runs
in a spawned, memory-limited worker that opens the newest checkpoint read-only. At the
deadline the worker is killed (its CPU is released at once) and replaced; a crash is reported
as a bad query and the worker replaced. Writes go to the live store and never wait for reads.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import shutil
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..child_process import ChildProcess
from ..errors import Busy, QueryError, QueryTimeout, StoreError
from .base import QueryResult, Term, pyoxigraph_query_options
from .result_cache import ResultCache

# asyncio, concurrent.futures and hashlib are imported where the server uses them: a query worker
# imports this module and never loads them (hashlib alone maps libcrypto: 4 MB resident in each)
if TYPE_CHECKING:
    import asyncio


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on one read: time, result rows and bytes, worker memory."""

    timeout_s: float = 20.0
    max_rows: int = 100_000
    max_bytes: int = 64 * 1024 * 1024
    memory_bytes: int = 4 * 1024**3
    slow_after_s: float = 1.0
    recycle_after: int = 10_000  # reads a worker serves before it is replaced by a fresh one
    #: a worker holding more after a read (and a trim) closes its checkpoint and opens it again,
    #: which gives RocksDB's block cache and table readers back; one that still holds more then
    #: is replaced (see :func:`_serve`). At 1,000 communities a worker holds 41 MB resident with
    #: its checkpoint just opened, 50-64 MB after a mix of reads under this mark (it was 128 MB:
    #: after full scans the workers held 109 MB each, under it)
    recycle_rss_bytes: int = 64 * 1024**2


#: Workers run at the server's priority: a short read competes on equal terms with the load
#: around it (at +5 a load generator or a neighbour at 0 took the CPU from them). A read still
#: running after ``slow_after_s`` drops to SLOW_NICE until it ends.
WORKER_NICE = 0
SLOW_NICE = 19


def _renice(worker: "_Worker", nice: int) -> None:
    """Set the niceness of every thread of a worker: on Linux a niceness is a thread's, and the
    read runs on the worker's query thread, not on the main one (setting the process id's alone
    left the read at 0 while its idle main thread went to 19). Raising it always works; lowering
    it back needs privileges: a worker that cannot get back is replaced after its read (``stale``)."""
    pid = worker.process.pid
    try:
        threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task")]
    except (OSError, TypeError, ValueError):  # no /proc (not Linux): the process's niceness
        threads = [pid]
    for tid in threads:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        except ProcessLookupError:
            continue  # a thread that ended meanwhile
        except (OSError, TypeError):
            if nice < SLOW_NICE:
                worker.stale = True


_STATM: tuple[int, int] | None = None  # (process id, descriptor of its /proc/self/statm)


def _rss_bytes() -> int:
    """This process's resident memory now (Linux; 0 where /proc is not there). The file stays
    open and is read again from its start: 1.6 us a read, where opening it each time took 14."""
    global _STATM
    try:
        if _STATM is None or _STATM[0] != os.getpid():
            _STATM = (os.getpid(), os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC))
        return int(os.pread(_STATM[1], 128, 0).split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


#: Above this, a worker hands the memory its allocator keeps back to the system after a read...
TRIM_ABOVE_BYTES = 48 * 1024**2
#: ...when it holds this much more than after the last time it did.
TRIM_GROWTH_BYTES = 8 * 1024**2


def _trimmer():
    """``malloc_trim(0)`` of glibc (None elsewhere): what a query freed is returned to the system
    (a one-community ``peer-comparison`` at 1,000 communities left 150 MB resident, 78 MB after)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


#: In the process that holds a pool (the server), blocks from this size up are mapped on their own
#: and unmapped when freed (:func:`fix_mmap_threshold`).
MMAP_THRESHOLD_BYTES = 256 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


def fix_mmap_threshold(size: int = MMAP_THRESHOLD_BYTES) -> bool:
    """Fix glibc's mmap threshold at ``size`` in this process, and its trim threshold at twice
    that (free memory above the top of the heap goes back); False where it cannot be (not glibc).

    Its default starts at 128 KB and rises to the largest mapped block freed, up to 32 MB: once
    the first large answers had come and gone, the heap grew for answers of megabytes (received
    from the workers, kept, paged, sent) and kept that memory after they were freed. At 1,000
    communities the server held 118 MB more after the all-communities named queries (56 MB after
    a ``malloc_trim``); with the threshold fixed, 60 MB more, what its caches hold. A large block
    still comes from free memory of the heap when it fits there; smaller blocks (a lookup's
    answer) are unaffected.
    """
    try:
        import ctypes

        mallopt = ctypes.CDLL("libc.so.6").mallopt
        return mallopt(_M_MMAP_THRESHOLD, size) == 1 and mallopt(_M_TRIM_THRESHOLD, 2 * size) == 1
    except (OSError, AttributeError):
        return False


#: How long reads must have stopped before the server gives back what its allocator holds free
#: (:meth:`QueryPool.trim_if_quiet`).
QUIET_TRIM_S = 1.0


_trimmed_at = 0  # what the worker held after its last trim


def _rss_after_read(trim, force: bool = False) -> int:
    """The worker's resident memory once what the read freed is given back: trimmed above
    :data:`TRIM_ABOVE_BYTES` when it grew by :data:`TRIM_GROWTH_BYTES` since the last trim.
    A worker holds 58 MB after its first reads, so it used to trim after every read, lookups
    included: ``malloc_trim`` walks every arena (the query thread's too), about as long as a
    lookup's evaluation, on a worker that is not free for the next read until it is done.
    ``force``: trimmed above the mark whatever the growth (the store was just closed)."""
    global _trimmed_at
    rss = _rss_bytes()
    if rss > TRIM_ABOVE_BYTES and (force or rss > _trimmed_at + TRIM_GROWTH_BYTES) and trim is not None:
        trim(0)
        rss = _trimmed_at = _rss_bytes()
    return rss


#: The fewest bytes a row of a SPARQL JSON answer takes (``{}`` and a comma): an answer shorter
#: than ``max_rows`` times this cannot be over the row limit, and is not counted.
MIN_ROW_BYTES = 3
#: Answers larger than this are announced first (``("large",)``): reading them takes a while,
#: which an asyncio reader does on a thread instead of on the event loop.
LARGE_REPLY_BYTES = 256 * 1024


#: The stack of the thread that runs queries in a worker. pyoxigraph evaluates expressions by
#: recursion: ``1+1+...`` 9,000 terms long (18 KB) overflowed the 8 MB main stack and killed the
#: worker; with this one every 20 KB query shape tried runs (``!`` 19,000 deep, 10,000 nested
#: groups). Only the pages touched are resident, and a worker grown past its memory mark is
#: replaced.
QUERY_STACK_BYTES = 256 * 1024 * 1024


CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def isolate_network() -> bool:
    """Move this process into a network namespace of its own, with no interface up: the engine
    executes ``SERVICE`` (an HTTP request), and the scan of ad hoc queries refuses it, but a
    worker with no network cannot make one even if a query got past the scan. As root, or where
    unprivileged user namespaces are allowed; False (and nothing changed) elsewhere. Call it
    while the process has one thread."""
    try:
        import ctypes

        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return False
    return unshare(CLONE_NEWNET) == 0 or unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0


def _worker_main(conn, memory_bytes: int, release_bytes: int = ReadLimits.recycle_rss_bytes) -> None:
    """Cut the worker off the network, then run :func:`_serve` on a thread with a deep stack
    (:data:`QUERY_STACK_BYTES`)."""
    if not isolate_network():
        sys.stderr.write("lcc-graph: a query worker could not leave the network (no network namespace: "
                         "neither root nor user namespaces); SERVICE is refused by the query scan only\n")
    threading.stack_size(QUERY_STACK_BYTES)
    thread = threading.Thread(target=_serve, args=(conn, memory_bytes, release_bytes), name="lcc-query")
    thread.start()
    thread.join()


def _serve(conn, memory_bytes: int, release_bytes: int = ReadLimits.recycle_rss_bytes) -> None:
    """The worker loop: open checkpoints read-only, run queries, send the answer's bytes back.

    Nothing here parses query text but the engine: the server has already scanned an ad hoc query
    (:mod:`lcc_graph.sparql_guard`), and pyoxigraph's own parser refuses malformed text.

    After each reply is sent (never before: the read waits for none of it) the worker lets the
    answer go, trims (``malloc_trim``: :func:`_rss_after_read`), and
    when it still holds more than ``release_bytes`` closes its checkpoint and opens it again.
    What a worker holds past its start is mostly RocksDB's, not Python's: the block cache and the
    table readers (index and filter blocks) of every file a read touched, kept while the store is
    open. At 1,000 communities an all-communities query left 115-140 MB of anonymous memory in a
    worker, 33-40 MB once the store was closed; closing takes 10 ms, the trim 8 ms, opening
    again 15-30 ms, and the reads after are no slower (all-communities queries 1.43 s and 0.47 s
    on a reopened store, 1.73 s and 0.40 s on the one kept; the first lookup 0.4 ms instead of
    0.1). Run against the version before (which trimmed before replying, and replaced a worker
    instead at 128 MB), both serving at once, requests alternated: all-communities queries
    0.90-0.99x the time, lookups 0.67x. Each reply says how much the worker held once the read
    before it was over, so the pool replaces a worker that even a reopened store leaves above
    the mark (one read later, never during a read).
    """
    import resource

    import pyoxigraph as ox

    try:
        os.nice(WORKER_NICE)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (OSError, ValueError):
        pass
    try:
        # Linux's SCHED_BATCH, for this (the query) thread: woken by the server's message, the
        # worker waits for the server to yield the CPU instead of preempting it, so the server
        # gives out the reads that are ready before the workers run them. With 16 clients at
        # 1,000 communities (2 cores), distinct lookups 5-12% more a second, one-community
        # catalogue queries 0-6%; one client's lookup as fast (1.79 against 1.76 ms)
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    except (OSError, AttributeError):  # not Linux
        pass
    store = None
    opened: str | None = None
    trim = _trimmer()
    held = _rss_bytes()  # after the last read, its answer let go and the store reopened if need be
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        (checkpoint, sparql, default_graph, named_graphs, query_dataset, substitutions, max_rows, max_bytes,
         index, media, check) = msg
        result = data = None
        try:
            if check is not None:
                # an ad hoc query the server has not scanned (it only forwards it): scanned here
                # before the engine sees it (a linear scan: see lcc_graph.sparql_guard)
                from ..sparql_guard import QueryLimits, check_read_query

                checked = check_read_query(sparql, QueryLimits(*check))
                query_dataset = checked.has_dataset and default_graph is None and named_graphs is None
            deterministic = check is not None and checked.deterministic
            if opened != checkpoint:
                store = None
                store = ox.Store.read_only(checkpoint)
                opened = checkpoint
            kwargs = pyoxigraph_query_options(default_graph, named_graphs, not query_dataset, substitutions)
            result = QueryResult.from_pyoxigraph(store.query(sparql, **kwargs))
            if len(result.data) > max_bytes:
                conn.send(("limit", f"the result is over {max_bytes} bytes: add a LIMIT", held))
                continue
            if result.kind == "solutions" and (index or len(result.data) > MIN_ROW_BYTES * max_rows):
                if index:
                    result = QueryResult.indexed(result.data)
                rows = result.row_count
                if rows > max_rows:
                    conn.send(("limit", f"the result has {rows} rows, over the limit of {max_rows}: add a LIMIT",
                               held))
                    continue
            wanted = (media or {}).get(result.kind)
            data = result.serialize(wanted) if wanted else result.data
            if len(data) > LARGE_REPLY_BYTES:
                conn.send(("large",))  # the reader on the event loop reads what follows on a thread
            conn.send(("ok", result.kind, data, wanted, result.row_ends, deterministic, held))
        except QueryError as exc:
            conn.send(("query", exc.message, held))
        except SyntaxError as exc:
            conn.send(("query", f"malformed query: {exc}", held))
        except MemoryError:
            conn.send(("limit", "the query needed more memory than a query may use", 0))
        except Exception as exc:  # reported to the caller, which decides
            conn.send(("error", f"{type(exc).__name__}: {exc}", held))
        finally:
            result = data = None  # the answer goes before the memory is counted
            held = _rss_after_read(trim)
            if held > release_bytes and store is not None:
                store = None
                held = _rss_after_read(trim, force=True)
                try:
                    store = ox.Store.read_only(opened)
                except Exception:  # removed meanwhile: the next read opens its own
                    store = opened = None


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop running in this thread, or None."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _busy() -> Busy:
    return Busy("long-running queries hold every query worker the service shares: this one was stopped; "
                "try again in a few seconds, or add a LIMIT", retry_after=5)


def _past_deadline(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"the query ran past its deadline of {timeout:g} s and was stopped")


class _Worker(ChildProcess):
    def __init__(self, ctx, memory_bytes: int, release_bytes: int = ReadLimits.recycle_rss_bytes) -> None:
        super().__init__(ctx, _worker_main, (memory_bytes, release_bytes))
        self.checkpoint: str | None = None
        self.runs = 0
        self.stale = False  # left at a lower priority: replaced after its read


class QueryPool:
    """A pool of query workers reading the newest checkpoint of a store."""

    def __init__(self, checkpoint_dir: str | Path, *, size: int = 2, limits: ReadLimits = ReadLimits()) -> None:
        self.checkpoint_dir = Path(checkpoint_dir)
        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        self.limits = limits
        fix_mmap_threshold()  # the answers this process receives go back to the system when freed
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._current: Path | None = None
        self._seq = 0
        self.cache = ResultCache()
        self.runs = 0  # reads sent to a worker (the others were answered from the cache)
        self.recycled = 0  # workers replaced after recycle_after reads or above recycle_rss_bytes
        self.trims = 0  # times this process gave back its allocator's free memory (trim_if_quiet)
        self._trim = _trimmer()
        self._trim_seen = (0, False)  # reads sent at the last look, and whether any came since the last trim
        self._closing = threading.Event()
        self._inflight: dict[tuple, threading.Event] = {}
        self._slow_adhoc = 0  # ad hoc reads running past slow_after_s now
        self._replacing: set[threading.Thread] = set()  # workers being replaced after a read
        # reads waiting for a worker, oldest first: (loop, asyncio future) or (None, concurrent future)
        self._waiters: deque[tuple] = deque()
        for old in self.checkpoint_dir.glob("cp-*"):
            shutil.rmtree(old, ignore_errors=True)
        for _ in range(size):
            self._add_worker()
        if self._trim is not None:
            threading.Thread(target=self._trim_when_quiet, name="lcc-pool-trim", daemon=True).start()

    def _trim_when_quiet(self) -> None:
        """(The pool's thread.) :meth:`trim_if_quiet` every :data:`QUIET_TRIM_S` until closed."""
        while not self._closing.wait(QUIET_TRIM_S):
            self.trim_if_quiet()

    def trim_if_quiet(self) -> bool:
        """Give what this process's allocator holds free back to the system (``malloc_trim``)
        when reads came since the last trim but none since the last look; True if it did.

        The server's threads leave free memory in glibc's arenas (answers in and out, rows
        read for a page): 24 MB of 84 MB after a benchmark-like run at 1,000 communities, of
        which a trim gave back 17 MB; with this, the server held 173 MB after that run instead
        of 189 MB. Done once the reads stop (looked at every :data:`QUIET_TRIM_S`), never during
        a burst: a trim walks every arena (a few milliseconds) and what it gives back a busy
        server would fault in again.
        """
        runs = self.runs
        seen, since = self._trim_seen
        if runs != seen:
            self._trim_seen = (runs, True)
            return False
        if not since or self._trim is None:
            return False
        self._trim(0)
        self._trim_seen = (runs, False)
        self.trims += 1
        return True

    def _new_worker(self) -> _Worker:
        return _Worker(self._ctx, self.limits.memory_bytes, self.limits.recycle_rss_bytes)

    def _add_worker(self) -> None:
        worker = self._new_worker()
        with self._lock:
            if self._closing.is_set():  # a replacement started in the background as the pool closed
                worker.kill()
                return
            self._workers.add(worker)
        if self._current is not None and not self._open_current(worker):
            with self._lock:
                self._workers.discard(worker)
            worker.kill()
            worker = self._new_worker()  # it will open the checkpoint on its first read
            with self._lock:
                self._workers.add(worker)
        self._give_back(worker)

    def warm(self) -> int:
        """Have every idle worker open the current checkpoint now (start-up, before the service
        answers: each first read then waits for no opening); returns how many did."""
        taken: list[_Worker] = []
        while True:
            try:
                taken.append(self._idle.get_nowait())
            except queue.Empty:
                break
        opened = 0
        for worker in taken:
            if self._current is None:
                self._give_back(worker)
            elif self._open_current(worker):
                opened += 1
                self._give_back(worker)
            else:  # no answer: its late reply must never reach a read
                self._replace(worker)
        return opened

    def _open_current(self, worker: _Worker) -> bool:
        """Have a new worker open the current checkpoint before its first read (by a read of its
        own, not counted in ``runs``): a checkpoint of 1,000 communities takes 15-30 ms to open,
        which the first lookup sent to a worker that replaced a grown one waited for (18 ms
        instead of 2). False if the worker did not answer within the query deadline."""
        try:
            self._send(worker, "ASK {}", None, None, False, None, False, None, None, counted=False)
            if not worker.conn.poll(self.limits.timeout_s):
                return False
            worker.conn.recv()
            return True
        except (OSError, EOFError):
            return False

    def _give_back(self, worker: _Worker) -> None:
        """An idle worker goes to the read that has waited longest for one (a thread's or a
        coroutine's: first come, first served), else to the idle queue."""
        with self._lock:
            while self._waiters:
                loop, waiter = self._waiters.popleft()
                if loop is None:  # a thread waits on a concurrent.futures.Future
                    if waiter.set_running_or_notify_cancel():
                        waiter.set_result(worker)
                        return
                elif not waiter.done():
                    if _running_loop() is loop:
                        # on the waiter's own loop (a coroutine giving its worker back): handed
                        # over now, not one turn of the loop later (under load, a turn is the
                        # worker's idle time before its next read)
                        waiter.set_result(worker)
                        return
                    try:
                        loop.call_soon_threadsafe(self._hand_over, waiter, worker)
                        return
                    except RuntimeError:  # that loop is closed
                        continue
            self._idle.put(worker)

    def _idle_or_wait(self, loop: asyncio.AbstractEventLoop | None, waiter) -> _Worker | None:
        """An idle worker, or None once ``waiter`` is queued for the next one given back (under
        the lock :meth:`_give_back` takes, so no worker is given back unseen in between)."""
        with self._lock:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                self._waiters.append((loop, waiter))
                return None

    def _take(self, timeout: float) -> _Worker:
        """An idle worker now, or the next one given back (waiting on this thread)."""
        import concurrent.futures

        waiter: concurrent.futures.Future = concurrent.futures.Future()
        worker = self._idle_or_wait(None, waiter)
        if worker is not None:
            return worker
        try:
            return waiter.result(timeout)
        except concurrent.futures.TimeoutError:
            if waiter.cancel():
                raise QueryTimeout(f"every query worker stayed busy for {timeout:g} s; try again") from None
            return waiter.result()  # handed over as the wait ended

    def _hand_over(self, waiter: asyncio.Future, worker: _Worker) -> None:
        """(On the waiter's loop.) Give the worker to the waiting read, or back if it gave up."""
        if waiter.done():
            self._give_back(worker)
        else:
            waiter.set_result(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        self._add_worker()

    def _replace_later(self, worker: _Worker) -> None:
        """Replace a worker after its read, on a thread of its own: the read's answer goes out
        first. Starting a worker (a new interpreter importing pyoxigraph) and opening the
        checkpoint take 0.3-0.5 s on a busy machine, which the read that happened to be the
        worker's last one used to wait for (a cold run over 1 s at 1,000 communities). Meanwhile
        the pool has one worker fewer; a read that finds none idle waits for the next one given
        back, the new one included."""
        with self._lock:
            self._workers.discard(worker)
            thread = threading.Thread(target=self._replace_retrying, args=(worker,), name="lcc-pool-replace",
                                      daemon=True)
            self._replacing.add(thread)
        thread.start()

    def _replace_retrying(self, worker: _Worker, attempts: int = 3, pause_s: float = 1.0) -> None:
        """(A replacement's thread.) :meth:`_replace`, tried again after a pause when starting the
        new worker fails (no memory, no process left): said on stderr, never lost silently."""
        for attempt in range(1, attempts + 1):
            try:
                self._replace(worker)
                return
            except Exception as exc:  # noqa: BLE001 - reported, then tried again
                sys.stderr.write(f"lcc-graph: a query worker could not be started ({type(exc).__name__}: {exc}); "
                                 + ("trying again\n" if attempt < attempts else "the pool goes on with one fewer\n"))
                if self._closing.wait(pause_s):
                    return

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until the replacements under way (:meth:`_replace_later`) are done; True if they are."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                self._replacing = {t for t in self._replacing if t.is_alive()}
                running = next(iter(self._replacing), None)
            if running is None:
                return True
            running.join(max(0.0, deadline - time.monotonic()))
            if running.is_alive():
                return False

    def publish(self, store) -> Path:
        """Make a checkpoint of ``store`` (an EmbeddedStore) the one new reads use."""
        with self._lock:
            self._seq += 1
            target = self.checkpoint_dir / f"cp-{time.time_ns()}-{self._seq:06d}"
        store.checkpoint(target)
        with self._lock:
            self._current = target
        self.cache.forget_except(str(target))
        self.collect()
        return target

    def collect(self) -> int:
        """Remove checkpoints that are neither current nor open in a worker; returns how many."""
        with self._lock:
            keep = {str(self._current)} | {w.checkpoint for w in self._workers if w.checkpoint}
        removed = 0
        for path in self.checkpoint_dir.glob("cp-*"):
            if str(path) not in keep:
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        return removed

    @property
    def current(self) -> Path | None:
        """The checkpoint new reads use."""
        with self._lock:
            return self._current

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.process.pid for w in self._workers if w.process.pid)

    def checkpoints(self) -> list[Path]:
        """The checkpoints on disk."""
        return sorted(self.checkpoint_dir.glob("cp-*"))

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout_s: float | None = None,
        query_dataset: bool = False,
        substitutions: Mapping[str, Term] | None = None,
        cache: bool = False,
        adhoc: bool = False,
        media: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a read in a worker; QueryTimeout at the deadline (the worker is killed).

        With ``cache`` (for deterministic queries only) the answer is kept for the current
        checkpoint and a repeated read is answered from it (see :mod:`.result_cache`).

        An ``adhoc`` query (checked by :func:`lcc_graph.sparql_guard.check_read_query` already)
        counts against the share of long reads (:meth:`_run`). ``media`` (result kind -> media
        type) has the worker serialise the answer, so the server process never converts it. A
        cached SELECT answer comes indexed by row (:meth:`QueryResult.indexed`): its pages are
        then read without parsing the rest.
        """
        timeout = self.limits.timeout_s if timeout_s is None else timeout_s
        if self._current is None:
            raise StoreError("no checkpoint has been published yet")
        if not cache:
            return self._run(sparql, default_graph, named_graphs, query_dataset, substitutions, timeout,
                             adhoc=adhoc, media=media)[1]
        started = time.monotonic()
        import hashlib

        shape = (hashlib.sha256(sparql.encode()).hexdigest(),
                 None if default_graph is None else tuple(default_graph),
                 None if named_graphs is None else tuple(named_graphs), query_dataset,
                 tuple(sorted((name, str(term)) for name, term in (substitutions or {}).items())))
        key = (str(self._current), *shape)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        # One run per answer: a read that finds the same one under way waits for it (parallel
        # requests for the pages of a report), then runs it itself if it was not kept.
        with self._lock:
            running = self._inflight.get(key)
            if running is None:
                self._inflight[key] = done = threading.Event()
        if running is not None:
            running.wait(timeout)
            cached = self.cache.get(key)
            if cached is not None:
                return cached
            remaining = max(0.01, timeout - (time.monotonic() - started))
            return self._run(sparql, default_graph, named_graphs, query_dataset, substitutions, remaining,
                             index=True)[1]
        try:
            checkpoint, result = self._run(sparql, default_graph, named_graphs, query_dataset, substitutions, timeout,
                                           index=True)
            if checkpoint == str(self._current):  # an answer from a replaced checkpoint is never asked for
                self.cache.put((checkpoint, *shape), result)
            return result
        finally:
            with self._lock:
                self._inflight.pop(key, None)
            done.set()

    def busy(self) -> tuple[int, int]:
        """(workers running a read now, workers in all)."""
        with self._lock:
            size = len(self._workers)
        return size - self._idle.qsize(), size

    def _enter_slow(self, adhoc: bool) -> bool:
        """Count a read that has run past ``slow_after_s``; False when an ad hoc one would take the
        last worker that short reads have (ad hoc long reads may hold all workers but one)."""
        with self._lock:
            if adhoc and self._slow_adhoc >= max(1, len(self._workers) - 1):
                return False
            if adhoc:
                self._slow_adhoc += 1
            return True

    def _leave_slow(self, adhoc: bool) -> None:
        if adhoc:
            with self._lock:
                self._slow_adhoc -= 1

    def _run(self, sparql: str, default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None,
             query_dataset: bool, substitutions: Mapping[str, Term] | None,
             timeout: float, *, adhoc: bool = False, index: bool = False,
             media: Mapping[str, str] | None = None) -> tuple[str, QueryResult]:
        """Run a read in an idle worker on the newest checkpoint; returns that checkpoint and the answer.

        Fair reads: an ``adhoc`` query still running after ``slow_after_s`` is stopped
        with Busy (429) when the other ad hoc long reads already hold every worker but one, so pages,
        named queries and short queries always have a worker within ``slow_after_s``.
        """
        started = time.monotonic()
        worker = self._take(timeout)
        remaining = max(0.01, timeout - (time.monotonic() - started))
        try:
            checkpoint = self._send(worker, sparql, default_graph, named_graphs, query_dataset, substitutions,
                                    index, media, None)
            if not worker.conn.poll(min(remaining, self.limits.slow_after_s)):
                if not self._enter_slow(adhoc):
                    self._replace(worker)
                    raise _busy()
                try:
                    # a long query yields the CPU to short ones until it ends or meets its deadline
                    _renice(worker, SLOW_NICE)
                    if not worker.conn.poll(max(0.0, remaining - self.limits.slow_after_s)):
                        self._replace(worker)
                        raise _past_deadline(timeout)
                    _renice(worker, WORKER_NICE)
                finally:
                    self._leave_slow(adhoc)
            reply = worker.conn.recv()
            if reply[0] == "large":
                reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            raise QueryError("the query crashed the query engine (is it nested too deeply?); "
                             "the service goes on") from None
        except (QueryTimeout, Busy):
            raise  # the worker was replaced already
        except BaseException:
            self._replace(worker)  # anything else (an unpicklable term, an interrupt): never lose a worker
            raise
        self._after_read(worker, reply)
        return checkpoint, self._answer(reply)

    def _send(self, worker: _Worker, sparql: str, default_graph: Sequence[str] | None,
              named_graphs: Sequence[str] | None, query_dataset: bool, substitutions: Mapping[str, Term] | None,
              index: bool, media: Mapping[str, str] | None, check: tuple[int, int] | None, *,
              counted: bool = True) -> str:
        """Give a read to a worker, on the newest checkpoint; returns that checkpoint."""
        checkpoint = str(self._current)
        worker.checkpoint = checkpoint
        if counted:
            with self._lock:
                self.runs += 1
        worker.conn.send((checkpoint, sparql, None if default_graph is None else list(default_graph),
                          None if named_graphs is None else list(named_graphs), query_dataset,
                          dict(substitutions or {}), self.limits.max_rows, self.limits.max_bytes, index,
                          None if media is None else dict(media), check))
        return checkpoint

    def _recycles(self, worker: _Worker, reply: tuple) -> bool:
        """Whether a worker is to be replaced after this read: it has served ``recycle_after``
        reads, held more than ``recycle_rss_bytes`` after the read before, its store reopened
        (the memory a query grew goes back: :func:`_serve`), or could not get its priority back
        (counted in ``recycled``)."""
        worker.runs += 1
        if worker.stale or worker.runs >= self.limits.recycle_after or reply[-1] > self.limits.recycle_rss_bytes:
            with self._lock:
                self.recycled += 1
            return True
        return False

    def _after_read(self, worker: _Worker, reply: tuple) -> None:
        """Give a worker back after a read, or replace it (:meth:`_recycles`)."""
        if self._recycles(worker, reply):
            self._replace_later(worker)
        else:
            self._give_back(worker)

    @staticmethod
    def _answer(reply: tuple) -> QueryResult:
        status = reply[0]
        if status == "ok":
            return QueryResult(reply[1], reply[2], reply[3], reply[4], deterministic=reply[5])
        if status in ("query", "limit"):
            raise QueryError(reply[1])
        raise QueryError(f"query failed: {reply[1]}")

    async def query_async(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout_s: float | None = None,
        check: tuple[int, int] | None = None,
        media: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """An ad hoc read (scanned in the worker with ``check``: its size and nesting limits),
        awaited on the event loop: no thread waits for the worker or for a free one.

        What :meth:`query` does for an ad hoc read, the same limits and the same fairness, minus
        the cache. A thread is used only for what may take long: reading an answer over
        ``LARGE_REPLY_BYTES``, and replacing a worker killed at the deadline.
        """
        import asyncio

        loop = asyncio.get_running_loop()
        timeout = self.limits.timeout_s if timeout_s is None else timeout_s
        started = loop.time()
        if self._current is None:
            raise StoreError("no checkpoint has been published yet")
        worker = await self._take_async(loop, timeout)
        remaining = max(0.01, timeout - (loop.time() - started))
        replaced = False

        async def replace() -> None:  # kill and restart off the loop, once whatever happens
            nonlocal replaced
            if not replaced:
                replaced = True
                await asyncio.shield(asyncio.to_thread(self._replace, worker))

        try:
            self._send(worker, sparql, default_graph, named_graphs, False, None, False, media, check)
            if not await self._readable(loop, worker, min(remaining, self.limits.slow_after_s)):
                if not self._enter_slow(True):
                    await replace()
                    raise _busy()
                try:
                    _renice(worker, SLOW_NICE)
                    if not await self._readable(loop, worker, max(0.0, remaining - self.limits.slow_after_s)):
                        await replace()
                        raise _past_deadline(timeout)
                    _renice(worker, WORKER_NICE)
                finally:
                    self._leave_slow(True)
            reply = worker.conn.recv()
            if reply[0] == "large":
                reply = await asyncio.to_thread(worker.conn.recv)
        except (EOFError, OSError, BrokenPipeError):
            await replace()
            raise QueryError("the query crashed the query engine (is it nested too deeply?); "
                             "the service goes on") from None
        except (QueryTimeout, Busy):
            raise
        except BaseException:
            # a cancelled request (the client left) or a bug: never keep a worker in doubt
            if not replaced:
                replaced = True
                loop.run_in_executor(None, self._replace, worker)
            raise
        if self._recycles(worker, reply):
            self._replace_later(worker)
        else:
            self._give_back(worker)
        return self._answer(reply)

    async def _take_async(self, loop: asyncio.AbstractEventLoop, timeout: float) -> _Worker:
        """An idle worker now, or the next one given back (first come, first served)."""
        import asyncio

        waiter = loop.create_future()
        worker = self._idle_or_wait(loop, waiter)
        if worker is not None:
            return worker
        try:
            return await asyncio.wait_for(waiter, timeout)
        except BaseException as exc:
            # handed over in the same turn as the timeout or a cancellation (Python 3.12's
            # wait_for raises then): the worker goes on to the next reader, never lost
            if waiter.done() and not waiter.cancelled():
                self._give_back(waiter.result())
            else:
                waiter.cancel()
            if isinstance(exc, asyncio.TimeoutError):
                raise QueryTimeout(f"every query worker stayed busy for {timeout:g} s; try again") from None
            raise

    @staticmethod
    async def _readable(loop: asyncio.AbstractEventLoop, worker: _Worker, timeout: float) -> bool:
        """Wait (on the loop, no thread) until the worker's reply can be read; False at the timeout."""
        import asyncio

        if worker.conn.poll(0):
            return True
        ready = loop.create_future()
        fd = worker.conn.fileno()
        loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
        try:
            await asyncio.wait_for(ready, timeout)
            return True
        except asyncio.TimeoutError:
            return False
        finally:
            loop.remove_reader(fd)
            os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking: recv() would stop half-way

    def close(self) -> None:
        """Stop every worker and remove the checkpoints."""
        self._closing.set()
        self.settle(10)
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.stop()
        shutil.rmtree(self.checkpoint_dir, ignore_errors=True)
