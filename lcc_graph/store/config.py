"""Which stores a data directory, a command or a service uses: one configuration for all of them.

``LCC_STORE=embedded`` (the default) keeps the public and private stores in pyoxigraph under the
data directory. ``LCC_STORE=remote`` puts the public graphs in a SPARQL engine
(``LCC_REMOTE_QUERY_URL``, ``LCC_REMOTE_UPDATE_URL``, ``LCC_REMOTE_STORE_URL``, ``LCC_REMOTE_ENGINE``,
``LCC_REMOTE_USER`` / ``LCC_REMOTE_PASSWORD``); ``LCC_PRIVATE_STORE=remote`` puts the private graphs
(token hashes, upload history, framework versions) in the same engine too, under
``urn:lcc:private:``, which no public read ever names (:meth:`Stores.query_public` gives the engine
the public graphs as the dataset of every read), so that several API instances share everything.

The service builds a :class:`StoreConfig` from its settings; the command line from the environment
(:meth:`StoreConfig.from_env`), so that ``lcc demo``, ``lcc load``, ``lcc assess``, ``lcc export`` and
``lcc token`` write where ``lcc serve`` reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import StoreError
from ..namespaces import GRAPHS, PRIVATE

Kind = Literal["embedded", "remote"]


@dataclass(frozen=True)
class StoreConfig:
    """Where the public and the private graphs live."""

    data_dir: Path
    store: Kind = "embedded"
    private_store: Kind = "embedded"
    engine: str = "oxigraph"
    query_url: str | None = None
    update_url: str | None = None
    store_url: str | None = None
    user: str | None = None
    password: str | None = None
    timeout_s: float = 20.0

    @classmethod
    def from_env(cls, data_dir: str | Path, environ: Mapping[str, str] | None = None) -> "StoreConfig":
        """The configuration the ``LCC_*`` environment variables describe (as ``lcc serve`` reads them)."""
        env = os.environ if environ is None else environ
        store = env.get("LCC_STORE", "embedded")
        private = env.get("LCC_PRIVATE_STORE", "embedded")
        for name, value in (("LCC_STORE", store), ("LCC_PRIVATE_STORE", private)):
            if value not in ("embedded", "remote"):
                raise StoreError(f"{name} must be embedded or remote, not {value!r}")
        try:
            timeout = float(env.get("LCC_QUERY_TIMEOUT_S", "20"))
        except ValueError as exc:
            raise StoreError(f"LCC_QUERY_TIMEOUT_S must be a number of seconds: {exc}") from exc
        return cls(Path(data_dir), store, private, env.get("LCC_REMOTE_ENGINE", "oxigraph"),  # type: ignore[arg-type]
                   env.get("LCC_REMOTE_QUERY_URL") or None, env.get("LCC_REMOTE_UPDATE_URL") or None,
                   env.get("LCC_REMOTE_STORE_URL") or None, env.get("LCC_REMOTE_USER") or None,
                   env.get("LCC_REMOTE_PASSWORD") or None, timeout)

    def describe(self) -> str:
        """One line for people: where the graphs are."""
        if self.store == "embedded":
            return f"the embedded store in {self.data_dir}"
        private = "the same engine" if self.private_store == "remote" else f"{self.data_dir}/private"
        return f"the {self.engine} engine at {self.query_url} (private graphs in {private})"

    def _remote(self, prefix: str):
        from .remote import RemoteStore

        if not self.query_url:
            raise StoreError("LCC_STORE=remote needs LCC_REMOTE_QUERY_URL (and LCC_REMOTE_UPDATE_URL)")
        auth = None
        if self.user:
            import httpx

            auth = (httpx.DigestAuth(self.user, self.password or "") if self.engine == "virtuoso"
                    else (self.user, self.password or ""))
        return RemoteStore(self.query_url, self.update_url, self.store_url, timeout_s=self.timeout_s,
                           engine=self.engine, graph_prefix=prefix, auth=auth)  # type: ignore[arg-type]


def open_configured(config: StoreConfig):
    """Open (or create) the stores a configuration names."""
    from .embedded import EmbeddedStore
    from .stores import Stores, open_stores

    if config.store == "embedded":
        if config.private_store == "remote":
            raise StoreError("LCC_PRIVATE_STORE=remote needs LCC_STORE=remote: the private graphs go "
                             "in the engine that holds the public ones")
        return open_stores(config.data_dir)
    public = config._remote(GRAPHS)
    if config.private_store == "remote":
        return Stores(public=public, private=config._remote(PRIVATE), data_dir=Path(config.data_dir))
    return Stores(public=public, private=EmbeddedStore(Path(config.data_dir) / "private"), data_dir=Path(config.data_dir))


__all__ = ["StoreConfig", "open_configured"]
