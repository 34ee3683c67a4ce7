"""A lease in the engine: what serialises one community's writes across API instances.

One process that owns an embedded store serialises writes with its own locks. Instances that
share a remote engine (``LCC_PRIVATE_STORE=remote``) take a **lease** in the engine's private
graph ``urn:lcc:private:leases`` before they number and write a community's new version:

1. read the lease; while another holder's lease has not expired, wait (bounded);
2. write one's own claim (a random nonce and an expiry) with an update that first deletes an
   expired lease;
3. wait a moment and read the claims back: the lease is one's own only when one's claim is the
   one live claim; when several were written at the same time, each holder sees the others' (its
   read follows its own write, and the others' writes came before or come after theirs), and all
   withdraw and try again after a random pause.

The claim is written by a conditional update (nothing is inserted while a live claim exists),
so a late claimant usually writes nothing. The expiry (``ttl_s``) frees a lease whose holder
died. It relies on the engine reading its own writes and applying each update whole;
docs/deploy.md says what it guards and what it does not.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pyoxigraph as ox

from ..errors import Busy
from ..namespaces import LCC, PRIVATE, XSD

LEASES = PRIVATE + "leases"
_HELD_BY = ox.NamedNode(LCC + "heldBy")
_UNTIL = ox.NamedNode(LCC + "leaseUntil")
_DATETIME = ox.NamedNode(XSD + "dateTime")


def _claims(private, node: ox.NamedNode) -> dict[str, tuple[datetime, ox.Literal]]:
    """The claims on a lease: claim IRI -> (expiry, the expiry as stored)."""
    rows = private.query(f"SELECT ?who ?until WHERE {{ {node} {_HELD_BY} ?who . ?who {_UNTIL} ?until }}",
                         default_graph=[LEASES]).rows()
    out = {}
    for row in rows:
        try:
            out[row["who"].value] = (datetime.fromisoformat(row["until"].value.replace("Z", "+00:00")), row["until"])
        except (KeyError, ValueError):
            continue
    return out


@contextmanager
def engine_lease(private, key: str, *, ttl_s: float = 60.0, wait_s: float = 30.0,
                 settle_s: float = 0.05) -> Iterator[None]:
    """Hold the lease ``key`` in a shared engine's private graphs for the duration of the block;
    :class:`Busy` when it cannot be had within ``wait_s``. An embedded private store (one process
    owns it) needs no lease: the block simply runs."""
    if hasattr(private, "raw"):
        yield
        return
    node = ox.NamedNode(f"{LEASES}/{key}")
    graph = ox.NamedNode(LEASES)
    deadline = time.monotonic() + wait_s
    me = ox.NamedNode(f"{LEASES}/{key}/claims/{secrets.token_hex(8)}")
    while True:
        now = datetime.now(timezone.utc)
        claims = _claims(private, node)
        if not any(until > now for until, _ in claims.values()):
            until = ox.Literal((now + timedelta(seconds=ttl_s)).isoformat(), datatype=_DATETIME)
            # exactly the expired claims read, never one written meanwhile
            expired = " ".join(f"{node} {_HELD_BY} {ox.NamedNode(who)} . {ox.NamedNode(who)} {_UNTIL} {stored} ."
                               for who, (_, stored) in claims.items())
            drop = f"DELETE DATA {{ GRAPH {graph} {{ {expired} }} }} ;\n" if expired else ""
            # the claim is written only where the engine, applying this update, sees no live one
            private.update(drop + f"INSERT {{ GRAPH {graph} {{ {node} {_HELD_BY} {me} . {me} {_UNTIL} {until} }} }} "
                                  f"WHERE {{ FILTER NOT EXISTS {{ GRAPH {graph} {{ {node} {_HELD_BY} ?other . "
                                  f"?other {_UNTIL} ?t FILTER(?t > NOW()) }} }} }}")
            time.sleep(settle_s)
            claims = _claims(private, node)
            live = [who for who, (t, _) in claims.items() if t > datetime.now(timezone.utc)]
            # the lease is ours only when ours is the one live claim: of two written at once, each
            # reads the other's after its own (a read follows its own write), and both step back
            if live == [me.value]:
                break
            _withdraw(private, node, me)
        if time.monotonic() > deadline:
            raise Busy(f"another instance has been writing {key} for over {wait_s:.0f} s: try again shortly")
        time.sleep(settle_s + random.random() * 0.1)
    try:
        yield
    finally:
        _withdraw(private, node, me)


def _withdraw(private, node: ox.NamedNode, me: ox.NamedNode) -> None:
    graph = ox.NamedNode(LEASES)
    private.update(f"DELETE WHERE {{ GRAPH {graph} {{ {node} {_HELD_BY} {me} . {me} ?p ?o }} }}")


__all__ = ["LEASES", "engine_lease"]
