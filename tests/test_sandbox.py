"""The sandbox: library functions on untrusted input in killable, replaceable worker processes."""

from __future__ import annotations

import os
import signal
import threading
import time

import pyoxigraph as ox
import pytest

from lcc_graph.errors import InputCrashedParser, InputTooComplex, OwnershipError, ParseError, SandboxError
from lcc_graph.sandbox import Sandbox

P = ox.NamedNode("http://example.org/next")


def blank_chain(n: int) -> list[ox.Triple]:
    """_:b0 -> _:b1 -> ... -> _:bn: RDFC-1.0 is cubic on it (500 nodes took 14 s in-process)."""
    return [ox.Triple(ox.BlankNode(f"b{i}"), P, ox.BlankNode(f"b{i + 1}")) for i in range(n)]


def small_graph() -> list[ox.Triple]:
    return [ox.Triple(ox.NamedNode("http://example.org/a"), P, ox.Literal("x"))]


@pytest.fixture
def sandbox():
    box = Sandbox(warm=1, max_workers=2, timeout_s=60)
    box.start()
    yield box
    box.close()


def test_a_call_answers_what_the_function_returns(sandbox):
    from lcc_graph import history

    assert sandbox.run("lcc_graph.history:checksum", small_graph()) == history.checksum(small_graph())


def test_at_the_deadline_the_worker_is_killed_and_replaced(sandbox):
    (before,) = sandbox.worker_pids()
    started = time.monotonic()
    with pytest.raises(InputTooComplex, match="longer than 2 s"):
        sandbox.run("lcc_graph.history:checksum", blank_chain(500), timeout_s=2)
    assert time.monotonic() - started < 10  # a 2 s deadline; 5x margin
    assert sandbox.replaced == 1
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # the runaway worker is gone: its CPU is free again
    assert before not in sandbox.worker_pids()
    assert sandbox.run("lcc_graph.history:checksum", small_graph()).startswith("sha256:")  # a new worker answers


def test_a_crashed_worker_is_replaced_and_the_caller_told(sandbox):
    (pid,) = sandbox.worker_pids()
    caught: list[BaseException] = []

    def call() -> None:
        try:
            sandbox.run("lcc_graph.history:checksum", blank_chain(500), timeout_s=60)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            caught.append(exc)

    caller = threading.Thread(target=call)
    caller.start()
    time.sleep(1.0)  # the worker is canonicalising now
    os.kill(pid, signal.SIGSEGV)  # what pyoxigraph's parser does on deep nesting
    caller.join(30)
    assert not caller.is_alive()
    assert len(caught) == 1 and isinstance(caught[0], InputCrashedParser), caught
    assert isinstance(caught[0], ParseError)  # HTTP 400: nothing was stored
    assert "crashed the parser" in caught[0].message
    assert sandbox.run("lcc_graph.history:checksum", small_graph()).startswith("sha256:")
    assert pid not in sandbox.worker_pids()


def test_the_waiting_thread_leaves_the_gil_free(sandbox):
    """While a worker canonicalises for 3 s, this process keeps running Python code."""
    gaps: list[float] = []
    stop = threading.Event()

    def tick() -> None:
        last = time.monotonic()
        while not stop.is_set():
            time.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        with pytest.raises(InputTooComplex):
            sandbox.run("lcc_graph.history:checksum", blank_chain(500), timeout_s=3)
    finally:
        stop.set()
        ticker.join()
    assert len(gaps) > 50 and max(gaps) < 1.0  # in-process, RDFC-1.0 held the GIL for the whole 14 s


def test_library_errors_cross_with_their_class_message_and_details(sandbox):
    with pytest.raises(ParseError, match="the upload is empty"):
        sandbox.run("lcc_graph.rdf_input:parse_rdf", b"  \n", "text/turtle")
    foreign = b"<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> 'x' ."
    with pytest.raises(OwnershipError) as caught:
        sandbox.run("lcc_graph.uploads:check_upload", foreign, "text/turtle", "a", "A")
    assert caught.value.details["problems"] == ["<http://example.org/x> has no lcc:community "
                                                "<https://w3id.org/lcc/communities/a>"]
    assert sandbox.replaced == 0  # errors are answers: the worker stays


def test_only_this_package_s_functions_run(sandbox):
    with pytest.raises(SandboxError, match="not a sandbox function"):
        sandbox.run("os:getpid")
    assert sandbox.replaced == 0


def test_close_stops_the_workers():
    box = Sandbox(warm=1)
    assert box.worker_pids() == []  # started lazily
    box.run("lcc_graph.history:checksum", small_graph())
    (pid,) = box.worker_pids()
    box.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(SandboxError, match="closed"):
        box.run("lcc_graph.history:checksum", small_graph())


def test_a_diff_of_versions_with_blank_nodes_is_canonicalised_in_the_sandbox(stores):
    from lcc_graph import history

    me = ox.NamedNode("https://w3id.org/lcc/communities/riverside")
    first = [ox.Triple(me, P, ox.BlankNode("b0")), *blank_chain(500)]
    second = [*first, ox.Triple(me, P, ox.Literal("more"))]
    for number, triples in ((1, first), (2, second)):
        history.record_version(stores.private, "riverside", number, triples, token_id="t", digest="sha256:x",
                               framework_version="1.0", finding_count=0)
    box = Sandbox(timeout_s=2)
    try:
        started = time.monotonic()
        with pytest.raises(InputTooComplex):
            history.diff(stores.private, "riverside", 1, 2, sandbox=box)
        assert time.monotonic() - started < 10  # a 2 s deadline; 5x margin (in-process: 14 s a version)
        small = [ox.Triple(me, P, ox.BlankNode("x")), ox.Triple(ox.BlankNode("x"), P, ox.Literal("a"))]
        for number, triples in ((3, small), (4, [*small, ox.Triple(me, P, ox.Literal("more"))])):
            history.record_version(stores.private, "riverside", number, triples, token_id="t", digest="sha256:x",
                                   framework_version="1.0", finding_count=0)
        answer = history.diff(stores.private, "riverside", 3, 4, sandbox=box)
        assert (answer["added"], answer["removed"]) == ([f'{me} {P} "more" .'], [])
    finally:
        box.close()


def test_idle_workers_stop_after_idle_s_and_the_next_call_starts_one():
    box = Sandbox(warm=1, idle_s=3600)
    try:
        assert box.worker_pids() == []  # started lazily
        first = box.run("lcc_graph.history:checksum", small_graph())
        (pid,) = box.worker_pids()
        assert box.stop_idle() == 0  # used just now
        assert box.stop_idle(now=time.monotonic() + 3601) == 1
        assert box.worker_pids() == [] and box.stopped_idle == 1 and box.replaced == 0
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert box.run("lcc_graph.history:checksum", small_graph()) == first  # a new worker
        (again,) = box.worker_pids()
        assert again != pid
    finally:
        box.close()


def test_an_unused_sandbox_stops_its_worker_by_itself():
    box = Sandbox(warm=1, idle_s=0.1)
    try:
        box.start()
        (pid,) = box.worker_pids()

        def gone() -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            return False

        deadline = time.monotonic() + 60  # a bound on the wait, not a timing under test
        while not gone() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone() and box.worker_pids() == [] and box.stopped_idle == 1
        assert box.run("lcc_graph.history:checksum", small_graph())  # started again on use
    finally:
        box.close()


def test_a_sandbox_without_idle_s_keeps_its_worker():
    box = Sandbox(warm=1)
    try:
        box.start()
        (pid,) = box.worker_pids()
        assert box.stop_idle(now=time.monotonic() + 10**6) == 0
        assert box.worker_pids() == [pid]
    finally:
        box.close()


def test_the_upload_sandbox_stops_when_idle_and_keeps_doing_so_when_restarted(stores):
    from lcc_graph.sandbox import UPLOAD_IDLE_S, upload_sandbox

    box = upload_sandbox()
    assert box.idle_s == UPLOAD_IDLE_S == 60.0
    stores.sandbox = box
    stores.restart_sandbox()
    assert stores.sandbox is not box and stores.sandbox.idle_s == UPLOAD_IDLE_S
