"""8 concurrent clients, overlapping claims with repeats, two server workers: no cap exceeded, no claim paid
twice, totals equal the batch result."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

from medaid.money import parse_yuan
from tests.ledger.helpers import settled_amounts, usage_mismatches
from tests.service import claims as data
from tests.service.live import LiveServer

CLIENTS = 8


def send_all(url: str, bodies: list[dict], results: list, errors: list) -> None:
    with httpx.Client(base_url=url, timeout=60) as client:
        for body in bodies:
            answer = client.post("/v1/ledger/claims", json=body)
            if answer.status_code != 200:
                errors.append((answer.status_code, answer.text))
                continue
            results.extend(answer.json()["settlements"])


def test_concurrent_clients_never_pay_twice_nor_past_a_cap(tmp_path: Path) -> None:
    """Each client sends a random 60 % of the claims (some twice, some in lists) in its own order."""
    claims = data.dataset(200, 16, seed=5, prefix="CC-", order_free=True)
    batch = data.batch(data.write_file(tmp_path / "claims.csv", claims))
    bodies = data.as_json(claims)
    rng = random.Random(8)
    plans = []
    for _ in range(CLIENTS):
        mine = rng.sample(bodies, int(len(bodies) * 0.6)) + rng.sample(bodies, 20)  # repeats
        rng.shuffle(mine)
        plan = [mine[i] if i % 10 else mine[i : i + 3] for i in range(len(mine))]  # every tenth request a list of three
        plans.append(plan)
    sent = {b["claim_id"] for plan in plans for item in plan for b in (item if isinstance(item, list) else [item])}
    everyone = [b for b in bodies if b["claim_id"] not in sent]
    plans[0].extend(everyone)  # every claim is sent at least once
    db = tmp_path / "ledger.db"
    with LiveServer(tmp_path, "--db", str(db), "--workers", "2") as live:
        results: list = []
        errors: list = []
        threads = [threading.Thread(target=send_all, args=(live.url, plan, results, errors)) for plan in plans]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        # Both workers log each request (the line is written just after the answer is sent).
        deadline = time.monotonic() + 10
        while (
            live.log.read_text().count("POST /v1/ledger/claims 200") < sum(len(plan) for plan in plans)
            and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        assert live.log.read_text().count("POST /v1/ledger/claims 200") == sum(len(plan) for plan in plans)
        usage = {}
        with httpx.Client(base_url=live.url) as client:
            for person, year in {(c.person_id, c.date.year) for c in claims}:
                usage[(person, year)] = client.get(f"/v1/ledger/persons/{person}/years/{year}").json()
    # No claim paid twice: one "settled" answer per claim, every other answer a duplicate with the same amounts.
    by_claim = defaultdict(list)
    for s in results:
        by_claim[s["claim_id"]].append(s)
    assert set(by_claim) == {c.claim_id for c in claims}
    for claim_id, answers in by_claim.items():
        assert [a["status"] for a in answers].count("settled") == 1, claim_id
        assert {(a["assistance"], a["deductible_subsidy"], a["settled_at"]) for a in answers} == {
            (answers[0]["assistance"], answers[0]["deductible_subsidy"], answers[0]["settled_at"])
        }
    stored = settled_amounts(db)
    assert len(stored) == len(claims) and usage_mismatches(db) == []
    # No cap exceeded, and the totals are the batch's.
    for u in usage.values():
        for kind in ("inpatient", "outpatient"):
            if u[kind]["cap"] is not None:
                assert parse_yuan(u[kind]["paid"]) <= parse_yuan(u[kind]["cap"])
    paid = {cid: (a, s) for cid, (a, s, _status) in stored.items()}
    assert data.totals(claims, paid) == data.totals(claims, batch)
    assert sum(Counter(data.totals(claims, batch)).values()) > 0
