"""The lcc command line, run as a real program."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lcc_graph.store import EmbeddedStore

LCC = [sys.executable, "-m", "lcc_graph.cli"]


def lcc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*LCC, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_demo_load_query_export(tmp_path):
    data = str(tmp_path / "data")
    r = lcc("demo", "--communities", "3", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    assert "loaded 3 communities" in r.stderr
    r = lcc("query", "PREFIX lcc: <https://w3id.org/lcc#> SELECT (COUNT(*) AS ?n) { ?c a lcc:Community }",
            "--data-dir", data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["n", "3"]
    mine = tmp_path / "mine.ttl"
    partner = "<partners/1> a lcc:Partner ; lcc:community <../mine> ; rdfs:label \"Mill School\"@en"
    mine.write_text("@prefix lcc: <https://w3id.org/lcc#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    "<../mine> a lcc:Community ; lcc:population 900 .\n" + partner + " .\n")
    r = lcc("load", str(mine), "--community", "mine", "--data-dir", data)
    assert r.returncode == 1, r.stderr  # a partner needs its sector, field and level: rejected, nothing stored
    assert "REJECTED" in r.stderr and "sector" in r.stderr
    mine.write_text(mine.read_text().replace(partner, partner + " ; lcc:sector <https://w3id.org/lcc/sectors/public> ;"
                    " lcc:field <https://w3id.org/lcc/fields/education> ; lcc:level <https://w3id.org/lcc/levels/municipal>"))
    r = lcc("load", str(mine), "--community", "mine", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    assert "as version 1" in r.stderr
    r = lcc("query", "PREFIX lcc: <https://w3id.org/lcc#> SELECT ?p { ?p a lcc:Partner ; lcc:community <https://w3id.org/lcc/communities/mine> }",
            "--data-dir", data)
    assert r.stdout.splitlines() == ["p", "https://w3id.org/lcc/communities/mine/partners/1"]
    out = tmp_path / "all.nq"
    r = lcc("export", "--output", str(out), "--data-dir", data)
    assert r.returncode == 0, r.stderr
    assert "<https://w3id.org/lcc/communities/mine/partners/1>" in out.read_text()


def test_load_refuses_foreign_subjects(tmp_path):
    data = str(tmp_path / "data")
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix lcc: <https://w3id.org/lcc#> .\n<../other/p> lcc:community <../mine> .\n")
    r = lcc("load", str(bad), "--community", "mine", "--data-dir", data)
    assert r.returncode == 1
    assert "namespace of another community" in r.stderr


def test_a_held_store_gets_one_clear_line(tmp_path):
    data = tmp_path / "data"
    holder = EmbeddedStore(data / "public")
    try:
        r = lcc("query", "ASK {}", "--data-dir", str(data))
    finally:
        holder.close()
    assert r.returncode == 1
    assert "in use by another process" in r.stderr
    assert "Traceback" not in r.stderr


def test_demo_output_file_is_deterministic(tmp_path):
    a, b = tmp_path / "a.nq", tmp_path / "b.nq"
    assert lcc("demo", "-n", "2", "--output", str(a)).returncode == 0
    assert lcc("demo", "-n", "2", "--output", str(b)).returncode == 0
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 1000
