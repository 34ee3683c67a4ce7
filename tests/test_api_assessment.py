"""The assessment view: findings grouped by criterion, indicators relative to resources, peer bands."""

from __future__ import annotations

import pytest

from .test_api_remote import DATA

ADMIN = {"Authorization": "Bearer admin-secret"}


@pytest.fixture
def harbour(client):
    client.post("/communities", json={"id": "harbour", "label": "Harbour"}, headers=ADMIN)
    token = client.post("/communities/harbour/tokens", headers=ADMIN).json()["token"]
    r = client.put("/communities/harbour/data", content=DATA,
                   headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
    assert r.status_code == 200, r.text
    return r.json()


def test_assessment_of_a_known_community(client, harbour):
    body = client.get("/communities/harbour/assessment").json()
    # every finding the upload reported is in the assessment, grouped by criterion
    reported = harbour["report"]["counts"]
    assert body["findings"]["counts"].get("Warning", 0) == reported.get("Warning", 0)
    assert body["findings"]["counts"].get("Info", 0) == reported.get("Info", 0)
    slugs = {c["slug"] for c in body["findings"]["by_criterion"]}
    # community-level gaps it could act on: no infrastructure, policy, reflection, sharing, value debate
    assert slugs == {"infrastructures", "policy-making", "reflection", "sharing", "value-codes"}
    shapes = {s["shape"].rsplit("/", 1)[1] for c in body["findings"]["by_criterion"] for s in c["shapes"]}
    # the one partnership joins a public and a private partner, with a visible agenda; with no citizen
    # groups at all, "no partnership linked to citizens" is not raised (the relative principle)
    assert not any(s.startswith("partnerships-") for s in shapes)
    values = {i["slug"]: i["values"] for i in body["indicators"]}
    assert values["partnerships-cross-sector"]["raw"] == 1.0
    assert values["partnerships-cross-sector"]["per-1000-inhabitants"] == pytest.approx(1000 / 12000, abs=1e-6)
    assert values["partnerships-visible-agenda"]["raw"] == 1.0
    assert values["partnerships-citizen-links"]["raw"] == 0.0


def test_assessment_over_demo_names_no_other_community(client):
    communities = client.get("/communities").json()["communities"]
    first = communities[0]["id"]
    body = client.get(f"/communities/{first}/assessment").json()
    assert body["indicators"], "the demo communities are assessed when the demo is built"
    text = str(body)
    for other in communities[1:]:
        assert other["iri"] not in text
    for indicator in body["indicators"]:
        for peer in indicator["peers"].values():
            assert peer["band"] in {"too few peers", "bottom quarter", "second quarter", "third quarter", "top quarter"}


def test_assessment_of_unknown_community_is_404(client):
    assert client.get("/communities/nowhere/assessment").status_code == 404
    assert client.get("/communities/Bad!/assessment").status_code == 404


def test_a_browser_reads_the_assessment_on_the_community_page(client):
    first = client.get("/communities").json()["communities"][0]["id"]
    r = client.get(f"/communities/{first}/assessment?lang=he", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/communities/{first}?lang=he#findings"
