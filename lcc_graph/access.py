"""Who may write: the community registry and community tokens, kept in the private store.

A token is ``lcc_{token_id}_{secret}``; only the SHA-256 of the secret is stored (tokens are
random, 256 bits, so a fast hash is enough). ``token_id`` names the token for revocation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import LccError, NotFound
from .namespaces import DCTERMS, LCC, PRIVATE, RDF, RDFS, check_slug, community_iri
from .store.embedded import EmbeddedStore

REGISTRY = PRIVATE + "registry"
TOKENS = PRIVATE + "tokens"
_HASH = ox.NamedNode(LCC + "tokenHash")
_FOR = ox.NamedNode(LCC + "tokenFor")
_CREATED = ox.NamedNode(DCTERMS + "created")
_LABEL = ox.NamedNode(RDFS + "label")
_TYPE = ox.NamedNode(RDF + "type")
_COMMUNITY = ox.NamedNode(LCC + "Community")


class Conflict(LccError):
    """The thing exists already."""

    code = "conflict"


class Unauthorized(LccError):
    """No credentials, or credentials that are not valid."""

    code = "unauthorized"


class Forbidden(LccError):
    """Valid credentials that do not allow this."""

    code = "forbidden"


@dataclass(frozen=True)
class IssuedToken:
    """A token as answered once to the admin: the secret is never stored."""

    token_id: str
    community_id: str
    token: str


def _now() -> ox.Literal:
    return ox.Literal(dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
                      datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def registered(private: EmbeddedStore) -> dict[str, str]:
    """Registered community ids and labels."""
    rows = private.query(f"SELECT ?c ?label WHERE {{ ?c a {_COMMUNITY} . OPTIONAL {{ ?c {_LABEL} ?label }} }}",
                         default_graph=[REGISTRY]).rows()
    out = {}
    for row in rows:
        cid = row["c"].value.rsplit("/", 1)[1]
        out[cid] = row["label"].value if "label" in row else cid
    return out


def create_community(private: EmbeddedStore, community_id: str, label: str) -> None:
    """Register a community; Conflict if the id is taken."""
    check_slug(community_id)
    if community_id in registered(private):
        raise Conflict(f"community {community_id!r} exists already")
    c = ox.NamedNode(community_iri(community_id))
    g = ox.NamedNode(REGISTRY)
    private.add_quads([
        ox.Quad(c, _TYPE, _COMMUNITY, g),
        ox.Quad(c, _LABEL, ox.Literal(label), g),
        ox.Quad(c, _CREATED, _now(), g),
    ])


def register_many(private: EmbeddedStore, communities: dict[str, str]) -> int:
    """Register every (id -> label) community not registered yet, in one transaction; returns how many."""
    known = registered(private)
    g = ox.NamedNode(REGISTRY)
    quads = []
    for cid, label in communities.items():
        if check_slug(cid) in known:
            continue
        c = ox.NamedNode(community_iri(cid))
        quads += [ox.Quad(c, _TYPE, _COMMUNITY, g), ox.Quad(c, _LABEL, ox.Literal(label), g),
                  ox.Quad(c, _CREATED, _now(), g)]
    private.add_quads(quads)
    return len(quads) // 3


def ensure_registered(private: EmbeddedStore, community_id: str, label: str | None = None) -> None:
    """Register a community if it is not (the demo and CLI loads use this)."""
    if community_id not in registered(private):
        create_community(private, community_id, label or community_id)


def issue_token(private: EmbeddedStore, community_id: str) -> IssuedToken:
    """A new token for a registered community; only its hash is kept."""
    if community_id not in registered(private):
        raise NotFound(f"no community {community_id!r}: create it first")
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    node = ox.NamedNode(f"{PRIVATE}token:{token_id}")
    g = ox.NamedNode(TOKENS)
    private.add_quads([
        ox.Quad(node, _FOR, ox.NamedNode(community_iri(community_id)), g),
        ox.Quad(node, _HASH, ox.Literal(_hash(secret)), g),
        ox.Quad(node, _CREATED, _now(), g),
    ])
    return IssuedToken(token_id, community_id, f"lcc_{token_id}_{secret}")


def revoke_token(private: EmbeddedStore, community_id: str, token_id: str) -> None:
    """Revoke a community's token; NotFound if it has no such token."""
    node = ox.NamedNode(f"{PRIVATE}token:{token_id}") if token_id.isalnum() else None
    g = ox.NamedNode(TOKENS)
    mine = ox.NamedNode(community_iri(community_id))
    if node is None or not private.quads(node, _FOR, mine, g.value):
        raise NotFound(f"community {community_id!r} has no token {token_id!r}")
    private.update(f"DELETE WHERE {{ GRAPH {g} {{ {node} ?p ?o }} }}")


def token_community(private: EmbeddedStore, token: str) -> tuple[str, str]:
    """The (community id, token id) a token belongs to; Unauthorized if it is not valid."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != "lcc" or not parts[1].isalnum():
        raise Unauthorized("the token is not valid")
    token_id, secret = parts[1], parts[2]
    node = ox.NamedNode(f"{PRIVATE}token:{token_id}")
    g = ox.NamedNode(TOKENS)
    stored = [q.object.value for q in private.quads(node, _HASH, None, g.value)]
    owners = [q.object.value for q in private.quads(node, _FOR, None, g.value)]
    if not stored or not owners or not hmac.compare_digest(stored[0], _hash(secret)):
        raise Unauthorized("the token is not valid (revoked, or never issued)")
    return owners[0].rsplit("/", 1)[1], token_id


def authorise(private: EmbeddedStore, token: str | None, community_id: str) -> str:
    """Check a bearer token for a community; returns the token id. 401 / 403 errors otherwise."""
    if not token:
        raise Unauthorized("send this community's token: Authorization: Bearer <token>")
    owner, token_id = token_community(private, token)
    if owner != community_id:
        raise Forbidden(f"this token is for another community, not {community_id!r}")
    return token_id
