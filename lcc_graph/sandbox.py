"""Untrusted input handled where it cannot hurt: a small pool of spawned, memory-limited workers.

pyoxigraph's parsers can crash the process (JSON-LD nested ~3,500 deep segfaults on a thread's
stack) and RDFC-1.0 canonicalisation is cubic on blank-node chains while it holds the GIL. So the
untrusted steps of an upload run in a worker process: a named library function (``module:function``
under ``lcc_graph``), its arguments and its answer cross the process boundary as plain picklable
data. At the deadline the worker is killed and replaced (InputTooComplex); a worker that dies
(a crash, the memory limit) is replaced too (InputCrashedParser). The waiting thread sleeps in
``Connection.poll``, which does not hold the GIL, so the server goes on meanwhile.

Workers start lazily on first use (``warm`` of them are kept ready) and ``close()`` stops them.
With ``idle_s``, the idle ones stop once no call has used the sandbox for that long (the upload
sandbox: :data:`UPLOAD_IDLE_S`), and the next call starts one again.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any

from .child_process import ChildProcess
from .errors import InputCrashedParser, InputTooComplex, LccError, SandboxError

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_BYTES = 4 * 1024**3
#: The upload sandbox's worker stops after this long with no upload: it holds 61 MB resident
#: (the validator compiled, pyshacl and rdflib imported) and an upload is rare; the next one
#: starts it again, which took 0.35-0.5 s (the upload then waits that long once).
UPLOAD_IDLE_S = 60.0
WORKER_NICE = 5
_ALLOWED_PREFIX = "lcc_graph."


def _resolve(name: str):
    """The library function ``module:function`` (only modules of this package may be named)."""
    module, _, function = name.partition(":")
    if not module.startswith(_ALLOWED_PREFIX) or not function or function.startswith("_"):
        raise ValueError(f"not a sandbox function: {name!r}")
    return getattr(importlib.import_module(module), function)


def _error_reply(exc: BaseException) -> tuple:
    """A library error as plain data: its class (from lcc_graph.errors or another library module),
    message and picklable details."""
    cls = type(exc)
    return ("lcc", cls.__module__, cls.__qualname__, exc.message, dict(getattr(exc, "details", {})))


def _worker_main(conn, memory_bytes: int, preload: tuple[str, ...]) -> None:
    """The worker loop: warm up, say "ready", then answer each (function name, args, kwargs) with
    ("ok", value) or an error as plain data."""
    import resource

    try:
        os.nice(WORKER_NICE)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (OSError, ValueError):
        pass
    try:
        for name in preload:
            _resolve(name)()
        conn.send(("ready",))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    while True:
        try:
            msg = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if msg is None:
            return
        name, args, kwargs = msg
        try:
            value = _resolve(name)(*args, **kwargs)
            conn.send(("ok", value))
        except LccError as exc:
            conn.send(_error_reply(exc))
        except MemoryError:
            conn.send(("memory",))
        except RecursionError:
            conn.send(("recursion",))
        except Exception as exc:  # a bug: reported to the caller as one
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker(ChildProcess):
    def __init__(self, ctx, memory_bytes: int, preload: tuple[str, ...]) -> None:
        super().__init__(ctx, _worker_main, (memory_bytes, preload), name="lcc-sandbox")
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        """Wait (without the GIL) until the worker has imported and warmed up."""
        try:
            if not self.conn.poll(timeout):
                raise SandboxError(f"a sandbox worker did not start within {timeout:g} s")
            reply = self.conn.recv()
        except (EOFError, OSError):
            raise SandboxError(f"a sandbox worker died while starting (exit code {self.process.exitcode})") from None
        if reply[0] != "ready":
            raise SandboxError(f"a sandbox worker could not start: {reply[1]}")
        self.ready = True


def _rebuild_error(module: str, qualname: str, message: str, details: dict) -> LccError:
    """The library error a worker raised, raised again here (same class, message and details)."""
    try:
        cls = getattr(importlib.import_module(module), qualname)
        if not (isinstance(cls, type) and issubclass(cls, LccError)):
            raise TypeError(qualname)
        exc = cls.__new__(cls)
        LccError.__init__(exc, message, **details)
        return exc
    except (ImportError, AttributeError, TypeError):
        return SandboxError(f"the sandbox raised {qualname}: {message}")


class Sandbox:
    """Run library functions on untrusted input in killable worker processes.

    Up to ``warm`` idle workers are kept ready (the first starts on first use, or at ``start()``);
    when every one is busy another is started, up to ``max_workers``. A call's deadline
    (``timeout_s``) counts from when a ready worker has its input. ``preload`` names functions
    (``module:function``, no arguments) each worker calls once before it says it is ready. With
    ``idle_s`` (None: never), the idle workers are stopped once no call has used the sandbox for
    ``idle_s`` seconds (:meth:`stop_idle`, run by a thread of the sandbox while it has idle
    workers); the next call starts one, as the first did.
    """

    def __init__(self, *, warm: int = 1, max_workers: int = 2, timeout_s: float = DEFAULT_TIMEOUT_S,
                 memory_bytes: int = DEFAULT_MEMORY_BYTES, preload: tuple[str, ...] = (),
                 start_timeout_s: float = 120.0, idle_s: float | None = None) -> None:
        self.warm = max(1, warm)
        self.max_workers = max(self.warm, max_workers)
        self.timeout_s = timeout_s
        self.memory_bytes = memory_bytes
        self.preload = tuple(preload)
        self.start_timeout_s = start_timeout_s
        self.idle_s = idle_s
        self._ctx = mp.get_context("spawn")
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._live: set[_Worker] = set()
        self._count = 0  # live workers and those starting
        self._closed = False
        self._used = time.monotonic()  # when a call last took or gave back a worker
        self._reaper: threading.Thread | None = None  # stops idle workers (with idle_s)
        self._closing = threading.Event()
        self.replaced = 0  # workers killed at a deadline or found dead
        self.stopped_idle = 0  # workers stopped after idle_s unused

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the warm workers now instead of on first use."""
        for _ in range(self.warm):
            with self._lock:
                if self._closed or self._count >= self.warm:
                    return
                self._count += 1
            worker = self._new_worker()
            with self._lock:
                self._park(worker)

    def _park(self, worker: _Worker) -> None:
        """(Under the lock.) Keep an idle worker ready; with ``idle_s``, make sure a thread will
        stop it if it stays unused."""
        self._used = time.monotonic()
        self._idle.put(worker)
        if self.idle_s is not None and self._reaper is None:
            self._reaper = threading.Thread(target=self._reap, name="lcc-sandbox-idle", daemon=True)
            self._reaper.start()

    def _reap(self) -> None:
        """(The sandbox's thread, while it has idle workers.) Stop them once unused for ``idle_s``."""
        while True:
            with self._lock:
                if self._closed or self._idle.qsize() == 0:
                    self._reaper = None
                    return
                wait = self._used + self.idle_s - time.monotonic()
            if wait > 0:
                self._closing.wait(wait)
            else:
                self.stop_idle()

    def stop_idle(self, now: float | None = None) -> int:
        """Stop the idle workers if no call has taken or given back one for ``idle_s`` seconds
        before ``now`` (a monotonic time; default: now); returns how many were stopped. A call
        that comes later starts a worker, as the first call does."""
        now = time.monotonic() if now is None else now
        stopped: list[_Worker] = []
        with self._lock:
            if self.idle_s is None or now - self._used < self.idle_s:
                return 0
            while True:
                try:
                    worker = self._idle.get_nowait()
                except queue.Empty:
                    break
                if worker in self._live:
                    self._live.discard(worker)
                    self._count -= 1
                stopped.append(worker)
            self.stopped_idle += len(stopped)
        for worker in stopped:
            worker.stop()
        return len(stopped)

    def _new_worker(self) -> _Worker:
        """Start a worker for a slot already counted in ``_count`` and wait until it is ready."""
        try:
            worker = _Worker(self._ctx, self.memory_bytes, self.preload)
        except OSError as exc:
            with self._lock:
                self._count -= 1
            raise SandboxError(f"cannot start a sandbox worker: {exc}") from exc
        try:
            worker.wait_ready(self.start_timeout_s)
        except SandboxError:
            worker.kill()
            with self._lock:
                self._count -= 1
            raise
        with self._lock:
            closed = self._closed
            if not closed:
                self._live.add(worker)
            else:
                self._count -= 1
        if closed:
            worker.stop()
            raise SandboxError("the sandbox is closed")
        return worker

    def _take(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise SandboxError("the sandbox is closed")
            self._used = time.monotonic()
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                grow = self._count < self.max_workers
                if grow:
                    self._count += 1
        if grow:
            return self._new_worker()
        try:
            return self._idle.get(timeout=self.timeout_s)
        except queue.Empty:
            raise InputTooComplex("every sandbox worker stayed busy; try again shortly") from None

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._live:
                self._live.discard(worker)
                self._count -= 1
            self.replaced += 1
        worker.kill()

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            keep = not self._closed and self._idle.qsize() < self.warm
            if keep:
                self._park(worker)
            elif worker in self._live:
                self._live.discard(worker)
                self._count -= 1
        if not keep:
            worker.stop()

    def _refill(self) -> None:
        """Start a worker when fewer than ``warm`` are left (after one was killed)."""
        with self._lock:
            short = not self._closed and self._count < self.warm
            if short:
                self._count += 1
        if short:
            try:
                worker = self._new_worker()
                with self._lock:
                    self._park(worker)
            except SandboxError:
                pass  # the next call starts one (and says so if it cannot)

    def run(self, function: str, *args: Any, timeout_s: float | None = None, **kwargs: Any) -> Any:
        """Call ``module:function`` (a function of this package) in a worker and return its answer.

        Raises the function's own LccError (same class, message and details), InputTooComplex at
        the deadline or when the worker runs out of memory, InputCrashedParser when the worker
        dies, and SandboxError for anything else (a bug).
        """
        timeout = self.timeout_s if timeout_s is None else timeout_s
        worker = self._take()
        try:
            worker.conn.send((function, args, kwargs))
            if not worker.conn.poll(timeout):
                self._discard(worker)
                self._refill()
                raise InputTooComplex(f"the input took longer than {timeout:g} s to read and check and was "
                                      "stopped; nothing was stored (deep nesting or long blank-node chains?)")
            reply = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            code = worker.process.exitcode
            self._discard(worker)
            self._refill()
            raise InputCrashedParser("the input crashed the parser (or needed more memory than an upload may "
                                     f"use); nothing was stored (worker exit code {code})") from None
        except InputTooComplex:
            raise
        except BaseException:
            self._discard(worker)  # an interrupt, an unpicklable argument: never keep a worker in doubt
            raise
        self._give_back(worker)
        status = reply[0]
        if status == "ok":
            return reply[1]
        if status == "lcc":
            raise _rebuild_error(*reply[1:])
        if status == "memory":
            raise InputTooComplex("the input needed more memory than an upload may use; nothing was stored")
        if status == "recursion":
            raise InputTooComplex("the input nests too deeply to read; nothing was stored")
        raise SandboxError(f"the sandbox failed: {reply[1]}")

    def worker_pids(self) -> list[int]:
        """The process ids of the live workers."""
        with self._lock:
            return sorted(w.process.pid for w in self._live if w.process.pid)

    def close(self) -> None:
        """Stop every worker; later calls raise SandboxError."""
        with self._lock:
            self._closed = True
            self._closing.set()
            workers = list(self._live)
            self._live.clear()
            self._count = 0
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for worker in workers:
            worker.stop()


UPLOAD_PRELOAD = ("lcc_graph.uploads:warm_up",)


def upload_sandbox(*, timeout_s: float = DEFAULT_TIMEOUT_S, memory_bytes: int = DEFAULT_MEMORY_BYTES,
                   idle_s: float | None = UPLOAD_IDLE_S) -> Sandbox:
    """A sandbox for uploads: one warm worker (two at most) with the validator compiled, stopped
    after ``idle_s`` with no upload (started again by the next)."""
    return Sandbox(warm=1, max_workers=2, timeout_s=timeout_s, memory_bytes=memory_bytes, preload=UPLOAD_PRELOAD,
                   idle_s=idle_s)
