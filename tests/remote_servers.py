"""Real SPARQL servers on 127.0.0.1 for the remote-store tests: ``oxigraph serve`` and Virtuoso.

Each runs in its own temporary directory on free loopback ports, every wait is bounded, and the
context managers always stop the process (terminate, then kill). Use them through the pytest
fixtures in ``tests/test_remote_store.py`` or directly::

    with oxigraph_server(tmp_path) as srv:
        store = RemoteStore(srv.query_url, srv.update_url, srv.store_url)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx

HOST = "127.0.0.1"
OXIGRAPH_START_S = 20.0
VIRTUOSO_START_S = 60.0
STOP_S = 15.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server binary: next to this Python (the PyPI package), else on PATH."""
    here = Path(sys.executable).parent / "oxigraph"
    if here.exists():
        return str(here)
    return shutil.which("oxigraph")


def virtuoso_binaries() -> tuple[str | None, str | None]:
    """``virtuoso-t`` and ``isql-vt`` (Debian's virtuoso-opensource-7-bin), or None."""
    return shutil.which("virtuoso-t"), shutil.which("isql-vt")


@dataclass
class Server:
    """A running server: its URLs, process, log file and how long it took to answer."""

    name: str
    base_url: str
    query_url: str
    update_url: str
    store_url: str | None
    proc: subprocess.Popen
    log: Path
    startup_s: float
    extra: dict = field(default_factory=dict)

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail if the process exits or the time runs out."""
    deadline = time.monotonic() + timeout
    last: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: "
                               f"{log.read_text(errors='replace')[-2000:]}")
        try:
            r = httpx.get(url, timeout=2.0, trust_env=False)
            if r.status_code == 200:
                return
            last = r.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:g} s (last: {last}); "
                       f"log: {log.read_text(errors='replace')[-1500:]}")


def _stop(proc: subprocess.Popen) -> None:
    """Terminate, then kill, one process we started."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextmanager
def oxigraph_server(workdir: Path, *, timeout_s: int | None = 2) -> Iterator[Server]:
    """``oxigraph serve`` on a free loopback port with an on-disk store in ``workdir``.

    ``timeout_s`` is passed as ``--timeout-s`` (Oxigraph's own query timeout).
    """
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("oxigraph server binary not found")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "oxigraph.log"
    port = free_port()
    cmd = [binary, "serve", "--location", str(workdir / "db"), "--bind", f"{HOST}:{port}"]
    if timeout_s:
        cmd += ["--timeout-s", str(timeout_s)]
    base = f"http://{HOST}:{port}"
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    try:
        _wait_http(f"{base}/", proc, log, OXIGRAPH_START_S)
        yield Server("oxigraph", base, f"{base}/query", f"{base}/update", f"{base}/store",
                     proc, log, time.monotonic() - start)
    finally:
        _stop(proc)


VIRTUOSO_INI = """\
; A minimal Virtuoso for tests: everything in one temp dir, loopback only.
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CaseMode = 2
DirsAllowed = ., {dir}
MaxQueryMem = 200M

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
KeepAliveTimeout = 10
MaxKeepAlives = 10

[SPARQL]
MaxQueryExecutionTime = {max_query_s}
MaxQueryCostEstimationTime = 0
ResultSetMaxRows = 0
DefaultQuery = select 1
"""

# The anonymous /sparql endpoint runs as the SQL user "SPARQL" and the RDF user "nobody".
# Grant updates (1 read + 2 write = 3) and NOT sponging (4), which would let queries fetch URLs.
VIRTUOSO_GRANTS = (
    'GRANT SPARQL_UPDATE TO "SPARQL";'
    " DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 3);"
)


@contextmanager
def virtuoso_server(workdir: Path, *, max_query_s: int = 2) -> Iterator[Server]:
    """Virtuoso 7 on free loopback ports, its database in ``workdir``, updates granted.

    ``max_query_s`` becomes ``[SPARQL] MaxQueryExecutionTime`` (0 = no limit); it bounds
    updates too.
    """
    virtuoso, isql = virtuoso_binaries()
    if virtuoso is None or isql is None:
        raise FileNotFoundError("virtuoso-t / isql-vt not found")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=workdir, host=HOST, sql_port=sql_port,
                                       http_port=http_port, max_query_s=max_query_s))
    log = workdir / "virtuoso.out"
    base = f"http://{HOST}:{http_port}"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    with open(log, "wb") as out:
        start = time.monotonic()
        proc = subprocess.Popen([virtuoso, "+foreground", "+configfile", str(ini)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=workdir, env=env)
    try:
        _wait_http(f"{base}/sparql?query=ASK%7B%7D", proc, log,
                   max(1.0, VIRTUOSO_START_S - (time.monotonic() - start)))
        ready = time.monotonic() - start
        grant = subprocess.run([isql, f"{HOST}:{sql_port}", "dba", "dba", f"exec={VIRTUOSO_GRANTS}"],
                               capture_output=True, text=True, timeout=30, cwd=workdir, env=env)
        if grant.returncode != 0 or "Error" in grant.stdout + grant.stderr:
            raise RuntimeError(f"isql-vt grant failed: {grant.stdout[-1000:]} {grant.stderr[-1000:]}")
        yield Server("virtuoso", base, f"{base}/sparql", f"{base}/sparql",
                     f"{base}/sparql-graph-crud", proc, log, ready,
                     extra={"sql_port": sql_port, "auth_url": f"{base}/sparql-auth",
                            "max_query_s": max_query_s})
    finally:
        _stop(proc)
