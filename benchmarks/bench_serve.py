"""Service benchmarks on loopback: ``POST /v1/assess``, ``POST /v1/ledger/claims`` (one claim per request,
SQLite) and ``POST /v1/settle`` with 100 000 claims against ``medaid claims`` on the same rows.

Run from the repository root with medaid installed in the active environment and ``wrk`` on the PATH
(Debian: ``apt-get install wrk``)::

    python benchmarks/bench_serve.py [--workers 2] [--connections 32] [--seconds 10] [--claims 100000] [--runs 3]

Load generator: wrk 4 (C, one event loop per thread; two threads), with a Lua script that sends the body
(and, for the ledger, a new claim_id per request, spread over 20 000 persons). It runs on the same 2 cores
as the server, so the CPU it uses is taken from the server; the script reports the CPU seconds of each
side (server processes from /proc, wrk from the children's rusage). Each figure checks its result: every
wrk response must be a 200 (non-2xx counted), the ledger must hold one settlement per request answered,
and the settle answer must have the CLI's total.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ASSESS = {
    "categories": ["dibao"],
    "inpatient": "160000",
    "outpatient": "5500",
    "resident_insurance": True,
    "date": "2023-05-01",
}
LEDGER_LUA = r"""
local counter = 0
local threads = 0
thread_id = 0  -- a global: setup() sets it in each thread's own Lua state
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end
request = function()
  counter = counter + 1
  local person = (counter * 7 + thread_id * 13) % 20000
  local body = string.format('{"claim_id":"b-%d-%d","person_id":"p%05d","district":"minhang","date":"2023-%02d-%02d","category":"dibao","kind":"%s","self_pay":"%d.%02d","resident_insurance":true}',
    thread_id, counter, person, (counter % 12) + 1, (counter % 28) + 1, (counter % 3 == 0) and "inpatient" or "outpatient",
    (counter * 37) % 20000, counter % 100)
  return wrk.format("POST", "/v1/ledger/claims", {["Content-Type"] = "application/json"}, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its child processes (uvicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


class Server:
    def __init__(self, workers: int, db: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            ["medaid", "serve", "--port", str(self.port), "--db", str(db), "--workers", str(workers)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        import urllib.request

        for _ in range(600):
            try:
                with urllib.request.urlopen(self.url + "/v1/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not start")
        time.sleep(1)  # every worker up

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
        self.log.close()


def wrk(url: str, path: str, script: str, connections: int, seconds: int) -> dict:
    """Run wrk; requests/s, p50/p99 latency (ms), non-2xx responses, requests and wrk's CPU seconds."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", handle.name, url + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(handle.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50_ms": ms("50"),
        "p99_ms": ms("99"),
        "requests": int(re.search(r"(\d+) requests in", out)[1]),
        "non2xx": int(non2xx[1]) if non2xx else 0,
        "wrk_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "output": out,
    }


def post_script(path: str, body: dict) -> str:
    return f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\nwrk.headers["Content-Type"] = "application/json"\n'


def load(server: Server, label: str, path: str, script: str, args) -> dict:
    cpu = cpu_seconds(server.process.pid)
    result = wrk(server.url, path, script, args.connections, args.seconds)
    result["server_cpu_s"] = cpu_seconds(server.process.pid) - cpu
    print(
        f"{label}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
        f"{result['requests']} requests, non-2xx {result['non2xx']}; CPU s over {args.seconds} s: server "
        f"{result['server_cpu_s']:.1f}, wrk {result['wrk_cpu_s']:.1f}",
        flush=True,
    )
    return result


def settle_vs_cli(server: Server, claims: int, runs: int, tmp: Path) -> None:
    import httpx

    path = tmp / "claims.csv"
    subprocess.run(
        ["medaid", "synth", "claims", "--claims", str(claims), "--seed", "3", "--output", str(path)],
        check=True,
        capture_output=True,
    )
    body = path.read_bytes()
    cli, csv_body, json_body = [], [], []
    import csv

    with path.open(encoding="utf-8") as handle:
        rows = [{**row, "resident_insurance": row["resident_insurance"] == "true"} for row in csv.DictReader(handle)]
    payload = json.dumps({"claims": rows}).encode()
    cli_total = None
    with httpx.Client(base_url=server.url, timeout=600) as client:
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                ["medaid", "claims", str(path), "--output", str(tmp / "out.csv")], capture_output=True, text=True
            )
            cli.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stderr
            cli_total = re.search(r"^total\s+\d+\s+\d+\s+([\d.]+)$", done.stdout, re.M)[1]
            start = time.perf_counter()
            answer = client.post("/v1/settle", content=body, headers={"content-type": "text/csv"})
            csv_body.append(time.perf_counter() - start)
            assert answer.status_code == 200 and answer.json()["summary"]["total"] == cli_total, answer.text[:300]
            start = time.perf_counter()
            answer = client.post("/v1/settle", content=payload, headers={"content-type": "application/json"})
            json_body.append(time.perf_counter() - start)
            assert answer.status_code == 200 and answer.json()["summary"]["total"] == cli_total
    c, v, j = statistics.median(cli), statistics.median(csv_body), statistics.median(json_body)
    print(
        f"settle {claims} claims: medaid claims {c:.2f} s (process start, CSV written); POST /v1/settle CSV body "
        f"{v:.2f} s ({v / c:.2f}x), JSON body {j:.2f} s ({j / c:.2f}x) (medians of {runs}; request, settle and the "
        f"whole JSON answer, {len(answer.content) / 1e6:.0f} MB); total {cli_total} yuan both ways",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    print(
        f"{os.cpu_count()} CPUs, load average before: {os.getloadavg()[0]:.1f}; {args.workers} server workers, "
        f"{args.connections} connections, {args.seconds} s each",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = tmp / "ledger.db"
        server = Server(args.workers, db, tmp / "serve.log")
        try:
            assessed = load(
                server,
                "POST /v1/assess (with the explanation text)",
                "/v1/assess",
                post_script("/v1/assess", ASSESS),
                args,
            )
            assert assessed["non2xx"] == 0
            bare = load(
                server,
                "POST /v1/assess?explain=false",
                "/v1/assess?explain=false",
                post_script("/v1/assess", ASSESS),
                args,
            )
            assert bare["non2xx"] == 0
            ledger = load(
                server, "POST /v1/ledger/claims (one claim per request, SQLite)", "/v1/ledger/claims", LEDGER_LUA, args
            )
            assert ledger["non2xx"] == 0
            import sqlite3

            with sqlite3.connect(db) as conn:
                stored = conn.execute("SELECT count(*) FROM settlements").fetchone()[0]
            # wrk counts the requests it completed; a request cut at the end of the run may still have settled.
            assert ledger["requests"] <= stored <= ledger["requests"] + args.connections, (stored, ledger["requests"])
            print(f"ledger holds {stored} settlements for {ledger['requests']} answered requests", flush=True)
            settle_vs_cli(server, args.claims, args.runs, tmp)
        finally:
            server.stop()
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
