"""A spawned child process and the parent's end of its pipe: what the query workers and the upload
sandbox share (start, kill at once, or stop politely and then kill)."""

from __future__ import annotations


class ChildProcess:
    """A daemon child started with ``ctx`` running ``target(conn, *args)``; the parent keeps ``conn``."""

    def __init__(self, ctx, target, args: tuple, name: str | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(child, *args), daemon=True, name=name)
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
