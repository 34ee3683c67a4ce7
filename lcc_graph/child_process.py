"""A spawned child process and the parent's end of its pipe: what the query workers and the upload
sandbox share (start, kill at once, or stop politely and then kill)."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

_STARTING = threading.Lock()


@contextmanager
def _main_script_hidden(target):
    """Start a child without the parent's main script, when its target does not live there.

    A spawned child runs the parent's ``__main__`` file again before its target
    (``multiprocessing.spawn.get_preparation_data``). For the ``lcc`` command that file imports
    the whole CLI (typer, rich and what its commands import): 20 MB more in every query worker,
    which needs none of it (its target is imported by module name). A main module run by name
    (``python -m``) is left alone, as is a target defined in the main script.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    hide = (path is not None and getattr(main, "__spec__", None) is None
            and getattr(target, "__module__", "__main__") != "__main__")
    with _STARTING:  # two threads starting children must not hide and restore it crosswise
        if hide:
            del main.__file__
        try:
            yield
        finally:
            if hide:
                main.__file__ = path


class ChildProcess:
    """A daemon child started with ``ctx`` running ``target(conn, *args)``; the parent keeps ``conn``."""

    def __init__(self, ctx, target, args: tuple, name: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child, *args), daemon=True, name=name)
        with _main_script_hidden(target):
            self.process.start()
        child.close()

    def kill(self) -> None:
        """End the child now (its CPU and memory are released at once)."""
        try:
            self.process.kill()
            self.process.join(5)
        finally:
            self.conn.close()

    def stop(self) -> None:
        """Ask the child to finish (a ``None`` message), then kill it if it has not."""
        try:
            self.conn.send(None)
            self.process.join(2)
        except (OSError, BrokenPipeError, ValueError):
            pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()
