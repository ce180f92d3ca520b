"""SIGKILL the server in the middle of a load, restart it, resend everything: the ledger equals the batch."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from tests.ledger.helpers import settled_amounts, usage_mismatches
from tests.service import claims as data
from tests.service.live import LiveServer

CLIENTS = 4


def hammer(url: str, bodies: list[dict], done: list, stop: threading.Event) -> None:
    with httpx.Client(base_url=url, timeout=30) as client:
        for body in bodies:
            if stop.is_set():
                return
            try:
                if client.post("/v1/ledger/claims", json=body).status_code == 200:
                    done.append(body["claim_id"])
            except httpx.TransportError:  # the server died under us
                return


def test_killed_mid_load_then_resent_equals_the_batch(tmp_path: Path) -> None:
    """Four clients settle; the server is SIGKILLed after some answers; a restarted server gets everything again."""
    claims = data.dataset(240, 20, seed=21, prefix="KL-", order_free=True)
    batch = data.batch(data.write_file(tmp_path / "claims.csv", claims))
    bodies = data.as_json(claims)
    db = tmp_path / "ledger.db"
    live = LiveServer(tmp_path, "--db", str(db)).start()
    done: list = []
    stop = threading.Event()
    try:
        threads = [
            threading.Thread(target=hammer, args=(live.url, bodies[i::CLIENTS], done, stop)) for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        while len(done) < len(bodies) // 3 and any(t.is_alive() for t in threads):
            threading.Event().wait(0.002)
        live.kill()  # mid-load: requests are in flight
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        live.stop()
    assert 0 < len(done) < len(bodies)
    before = settled_amounts(db)
    assert set(done) <= set(before) and usage_mismatches(db) == []  # every answered claim survived, usage consistent
    with LiveServer(tmp_path, "--db", str(db)) as again, httpx.Client(base_url=again.url) as client:
        statuses = [client.post("/v1/ledger/claims", json=body).json()["settlements"][0]["status"] for body in bodies]
    assert statuses.count("duplicate") == len(before) and statuses.count("settled") == len(bodies) - len(before)
    stored = settled_amounts(db)
    assert usage_mismatches(db) == [] and len(stored) == len(claims)
    assert {cid: before[cid] for cid in before} == {
        cid: stored[cid] for cid in before
    }  # nothing settled twice or changed
    assert data.totals(claims, {cid: (a, s) for cid, (a, s, _st) in stored.items()}) == data.totals(claims, batch)
