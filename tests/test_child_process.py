"""Spawned children (query workers, the upload sandbox) do not run the parent's main script
again: for the ``lcc`` command that would import the whole CLI into every query worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''
    import multiprocessing as mp
    import os

    if __name__ == "__mp_main__":  # what a spawned child runs the parent's main script as
        with open(os.environ["MARK"], "a") as mark:
            mark.write("main script ran in the child\\n")

    from lcc_graph.child_process import ChildProcess
    from lcc_graph.store.workers import _worker_main


    def here(conn):  # a target defined in the main script: the child needs the script
        conn.send("here")


    if __name__ == "__main__":
        ctx = mp.get_context("spawn")
        worker = ChildProcess(ctx, _worker_main, (512 * 1024 * 1024,))
        worker.stop()
        print("worker stopped", os.path.exists(os.environ["MARK"]), flush=True)
        local = ChildProcess(ctx, here, ())
        print("local said", local.conn.recv(), flush=True)
        local.stop()
''')


def test_a_spawned_worker_skips_the_main_script_a_local_target_keeps_it(tmp_path):
    script = tmp_path / "main_script.py"
    script.write_text(SCRIPT)
    mark = tmp_path / "mark"
    env = {**os.environ, "MARK": str(mark), "PYTHONPATH": os.getcwd()}
    out = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["worker stopped False", "local said here"]
    assert mark.read_text().count("main script ran") == 1  # the local target's child only
