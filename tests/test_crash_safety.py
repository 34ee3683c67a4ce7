"""Concurrent uploads, then kill -9 of the server: every acknowledged upload survives, whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from .servers import free_port, wait_for

pytestmark = pytest.mark.slow
COMMUNITIES = ["alpha", "beta", "gamma"]
PARTNERS_PER_VERSION = 3


def body(community: str, version: int) -> bytes:
    """Version k of a community: population k, 3k partners (so its size tells which version it is)."""
    lines = [
        "@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix sectors: <https://w3id.org/lcc/sectors/> . @prefix fields: <https://w3id.org/lcc/fields/> .",
        "@prefix levels: <https://w3id.org/lcc/levels/> .",
        f'<../{community}> a lcc:Community ; rdfs:label "{community}"@en ; lcc:population {version} .',
    ]
    for i in range(PARTNERS_PER_VERSION * version):
        lines.append(f'<partners/{i}> a lcc:Partner ; lcc:community <../{community}> ; rdfs:label "Partner {i}"@en ; '
                     f"lcc:sector sectors:public ; lcc:field fields:education ; lcc:level levels:municipal .")
    return "\n".join(lines).encode()


def start(data_dir, port):
    env = {**os.environ, "LCC_DATA_DIR": str(data_dir), "LCC_ADMIN_TOKEN": "admin-secret"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(f"http://127.0.0.1:{port}/health", 60, proc)
    return proc


def count_and_population(base: str, community: str) -> tuple[int, int]:
    q = f"""PREFIX lcc: <https://w3id.org/lcc#>
    SELECT (COUNT(?p) AS ?n) (SAMPLE(?pop) AS ?population) WHERE {{
      <https://w3id.org/lcc/communities/{community}> lcc:population ?pop .
      OPTIONAL {{ ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/{community}> }}
    }}"""
    row = httpx.get(f"{base}/sparql", params={"query": q}, timeout=30).json()["results"]["bindings"][0]
    return int(row["n"]["value"]), int(row["population"]["value"])


def test_kill_minus_nine_loses_no_acknowledged_upload(tmp_path):
    data_dir = tmp_path / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start(data_dir, port)
    admin = {"Authorization": "Bearer admin-secret"}
    tokens = {}
    for c in COMMUNITIES:
        assert httpx.post(f"{base}/communities", json={"id": c, "label": c}, headers=admin).status_code == 201
        tokens[c] = httpx.post(f"{base}/communities/{c}/tokens", headers=admin).json()["token"]
    acked: dict[str, int] = {c: 0 for c in COMMUNITIES}
    stop = threading.Event()

    def uploader(community: str) -> None:
        with httpx.Client(timeout=30) as http:
            for version in range(1, 200):  # bounded
                if stop.is_set():
                    return
                try:
                    r = http.put(f"{base}/communities/{community}/data", content=body(community, version),
                                 headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {tokens[community]}"})
                except httpx.HTTPError:
                    return
                if r.status_code != 200:
                    return
                acked[community] = version

    threads = [threading.Thread(target=uploader, args=(c,)) for c in COMMUNITIES]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while min(acked.values()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    stop.set()
    for t in threads:
        t.join(30)
    assert min(acked.values()) >= 3, f"too few uploads before the kill: {acked}"

    proc = start(data_dir, port)
    try:
        for c in COMMUNITIES:
            partners, population = count_and_population(base, c)
            assert population >= acked[c], f"{c}: acknowledged version {acked[c]} lost (found {population})"
            assert population <= acked[c] + 1
            assert partners == PARTNERS_PER_VERSION * population, f"{c}: partial graph"
            versions = httpx.get(f"{base}/communities/{c}/history",
                                 headers={"Authorization": f"Bearer {tokens[c]}"}).json()["versions"]
            assert [v["version"] for v in versions] == list(range(1, population + 1))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_concurrent_uploads_to_one_community_are_serialised(client):
    admin = {"Authorization": "Bearer admin-secret"}
    client.post("/communities", json={"id": "alpha", "label": "alpha"}, headers=admin)
    token = client.post("/communities/alpha/tokens", headers=admin).json()["token"]
    results = []

    def up(version):
        r = client.put("/communities/alpha/data", content=body("alpha", version),
                       headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"})
        results.append(r.status_code)

    threads = [threading.Thread(target=up, args=(v,)) for v in range(1, 7)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert results == [200] * 6
    versions = client.get("/communities/alpha/history", headers={"Authorization": f"Bearer {token}"}).json()["versions"]
    assert [v["version"] for v in versions] == [1, 2, 3, 4, 5, 6]
    q = ("PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(?p) AS ?n) (SAMPLE(?pop) AS ?v) WHERE { "
         "<https://w3id.org/lcc/communities/alpha> lcc:population ?pop . ?p a lcc:Partner ; lcc:community "
         "<https://w3id.org/lcc/communities/alpha> }")
    row = client.get("/sparql", params={"query": q}).json()["results"]["bindings"][0]
    assert int(row["n"]["value"]) == PARTNERS_PER_VERSION * int(row["v"]["value"])
