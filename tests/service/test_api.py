"""The v1 endpoints against a live server: same content as the CLI, strict money, problems with pointers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import polars as pl
from typer.testing import CliRunner

from medaid.batch import settle_batch
from medaid.cli import app
from tests.service.live import LiveServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "claims-small.csv"
REFORM = ROOT / "policies" / "reforms" / "low-income-outpatient-cap-3000.toml"
PERSON = {
    "categories": ["dibao"],
    "inpatient": "160000",
    "outpatient": "5500",
    "resident_insurance": True,
    "date": "2023-05-01",
}


def cli_json(*args: str) -> dict:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def cli_lines(*args: str) -> list[str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def claim(claim_id: str, person: str = "P-api", **changes) -> dict:
    return {
        "claim_id": claim_id,
        "person_id": person,
        "district": "minhang",
        "date": "2023-03-01",
        "category": "dibao",
        "kind": "outpatient",
        "self_pay": "5500",
        "resident_insurance": True,
        **changes,
    }


def test_health_stamps_body_and_headers(server: LiveServer) -> None:
    """Health names the engine, the policy hash (body and header) and an open ledger."""
    r = httpx.get(server.url + "/v1/health")
    body = r.json()
    assert r.status_code == 200 and body["ledger"] == {"enabled": True, "backend": "sqlite", "ok": True}
    assert r.headers["medaid-policy-hash"] == body["policy_hash"].strip() and body["policy_hash"].startswith("sha256:")
    assert r.headers["medaid-engine-version"] == body["engine_version"]


def test_assess_is_medaid_calc(server: LiveServer) -> None:
    """The assessment has the content of `medaid calc --format json`, and the text of `medaid calc`."""
    r = httpx.post(server.url + "/v1/assess", json=PERSON, headers={"accept-language": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    args = (
        "calc",
        "--category",
        "dibao",
        "--inpatient",
        "160000",
        "--outpatient",
        "5500",
        "--resident-insurance",
        "--date",
        "2023-05-01",
    )
    expected = cli_json(*args, "--format", "json")
    assert {k: v for k, v in body.items() if k not in ("explanation", "lang")} == expected
    assert body["total"] == "133100.00"
    assert body["explanation"] == cli_lines(*args, "--lang", "en")
    assert r.headers["medaid-engine-version"] == body["engine_version"]


def test_assess_in_chinese(server: LiveServer) -> None:
    """Accept-Language: zh gives the Chinese explanation of `medaid calc --lang zh`."""
    r = httpx.post(server.url + "/v1/assess", json=PERSON, headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    args = (
        "calc",
        "--category",
        "dibao",
        "--inpatient",
        "160000",
        "--outpatient",
        "5500",
        "--resident-insurance",
        "--date",
        "2023-05-01",
        "--lang",
        "zh",
    )
    assert r.json()["lang"] == "zh" and r.json()["explanation"] == cli_lines(*args)


def test_money_as_a_json_number_is_refused(server: LiveServer) -> None:
    """A JSON number for money is a 422 naming the field and the value: refused, never rounded."""
    for value in (160000, 1600.5):
        r = httpx.post(server.url + "/v1/assess", json={**PERSON, "inpatient": value})
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
        problem = r.json()
        assert problem["errors"][0]["pointer"] == "/inpatient" and problem["errors"][0]["value"] == value
        assert "never rounded" in problem["detail"] and problem["policy_hash"].startswith("sha256:")
    r = httpx.post(server.url + "/v1/assess", json={**PERSON, "outpatient": "5500.005"})
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "pointer": "/outpatient",
        "detail": r.json()["errors"][0]["detail"],
        "value": "5500.005",
    }


def test_strict_types_and_chinese_problems(server: LiveServer) -> None:
    """0 is not false, unknown keys are refused, and a zh client gets a Chinese title and message."""
    r = httpx.post(
        server.url + "/v1/assess", json={**PERSON, "resident_insurance": 0}, headers={"accept-language": "zh"}
    )
    problem = r.json()
    assert r.status_code == 422 and problem["title"] == "字段无效"
    assert problem["errors"] == [
        {"pointer": "/resident_insurance", "detail": "应为 bool 类型，收到的是 int", "value": 0}
    ]
    r = httpx.post(server.url + "/v1/assess", json={**PERSON, "colour": "red"})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/colour"
    r = httpx.post(server.url + "/v1/assess", json={**PERSON, "date": "1990-01-01"})
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "pointer": "/date",
        "detail": r.json()["errors"][0]["detail"],
        "value": "1990-01-01",
    }
    r = httpx.post(server.url + "/v1/assess", content=b'{"categories": [', headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["type"] == "urn:medaid:problem:invalid-json"


def test_inline_reform_is_the_reform_file(server: LiveServer) -> None:
    """An inline reform gives what `medaid calc --reform FILE --format json` gives for the same reform file."""
    reform = {
        "extends": "medical-assistance-2024",
        "id": "reform-low-income-outpatient-cap-3000",
        "title_zh": "假设：低收入对象门急诊年度限额3000元（2024年起）",
        "title_en": "What-if: low-income outpatient cap 3 000 (from 2024)",
        "categories": {"low_income": {"outpatient": {"cap": 3000}}},
    }
    person = {"categories": ["low_income"], "outpatient": "7000", "resident_insurance": True, "date": "2024-05-01"}
    r = httpx.post(server.url + "/v1/assess", json={**person, "reform": reform})
    assert r.status_code == 200, r.text
    body = r.json()
    expected = cli_json(
        "calc",
        "--category",
        "low_income",
        "--outpatient",
        "7000",
        "--resident-insurance",
        "--date",
        "2024-05-01",
        "--reform",
        REFORM,
        "--format",
        "json",
    )
    assert (
        body["difference"]
        == expected["difference"]
        == {"inpatient": "0.00", "outpatient": "200.00", "deductible_subsidy": "0.00", "total": "200.00"}
    )
    assert body["changed_parameters"] == expected["changed_parameters"]
    for side in ("baseline", "reform"):
        drop = ("explanation", "lang", "policy_hash", "steps")
        assert {k: v for k, v in body[side].items() if k not in drop} == {
            k: v for k, v in expected[side].items() if k not in drop
        }


def test_inline_reform_validated_like_a_file(server: LiveServer) -> None:
    """Every problem of a bad inline reform is named by its JSON pointer; a number is read exactly."""
    reform = {
        "extends": "medical-assistance-2024",
        "categories": {"low_income": {"outpatient": {"cap": -3, "ratio": 0.3333333}}},
        "colour": 1,
    }
    r = httpx.post(server.url + "/v1/assess", json={**PERSON, "date": "2024-05-01", "reform": reform})
    assert r.status_code == 422 and r.json()["type"] == "urn:medaid:problem:invalid-reform"
    pointers = {e["pointer"] for e in r.json()["errors"]}
    assert pointers == {
        "/reform/categories/low_income/outpatient/cap",
        "/reform/categories/low_income/outpatient/ratio",
        "/reform/colour",
    }
    r = httpx.post(server.url + "/v1/assess", json={**PERSON, "reform": {"extends": "no-such-policy"}})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/reform/extends"


def test_policies_are_medaid_policy_show(server: LiveServer) -> None:
    """The policy list, one policy's values with sources and provisional marks, and a diff."""
    listed = httpx.get(server.url + "/v1/policies").json()["policies"]
    assert "medical-assistance-2023" in [p["id"] for p in listed]
    shown = httpx.get(server.url + "/v1/policies/medical-assistance-2023").json()
    expected = cli_json("policy", "show", "medical-assistance-2023", "--format", "json")
    assert shown["parameters"] == expected["parameters"] and shown["policy"]["policy_hash"] == expected["policy_hash"]
    diff = httpx.get(server.url + "/v1/policies/medical-assistance-2018-07/diff/medical-assistance-2023").json()
    assert {"key": "categories.dibao.outpatient.cap", "old": "2500.00", "new": "2800.00"} in [
        {"key": c["key"], "old": c["old"]["value"], "new": c["new"]["value"]} for c in diff["changes"]
    ]
    r = httpx.get(server.url + "/v1/policies/nope")
    assert r.status_code == 404 and r.json()["errors"][0] == {
        "parameter": "policy_id",
        "detail": r.json()["errors"][0]["detail"],
        "value": "nope",
    }


def test_settle_is_medaid_claims(server: LiveServer) -> None:
    """JSON rows and a CSV body give the rows and summary of medaid.settle_batch on the file."""
    expected = settle_batch(EXAMPLE)
    csv_answer = httpx.post(
        server.url + "/v1/settle", content=EXAMPLE.read_bytes(), headers={"content-type": "text/csv"}
    ).json()
    rows = pl.read_csv(EXAMPLE, infer_schema=False).to_dicts()
    json_rows = [{**row, "resident_insurance": row["resident_insurance"] == "true"} for row in rows]
    json_answer = httpx.post(server.url + "/v1/settle", json={"claims": json_rows}).json()
    for answer in (csv_answer, json_answer):
        assert [r["assistance"] for r in answer["rows"]] == [f"{v:.2f}" for v in expected.table["assistance"]]
        assert (
            answer["summary"]["total"] == f"{expected.summary.total_fen // 100}.{expected.summary.total_fen % 100:02d}"
        )
        assert answer["summary"]["rows_in"] == expected.summary.rows_in and answer["rejects"] == []


def test_settle_rejects_a_bad_row_like_the_file(server: LiveServer) -> None:
    """A bad value rejects its row with its number and reason; the other rows settle."""
    rows = [claim("s1"), claim("s2", self_pay="-5"), claim("s3", category="nobody")]
    answer = httpx.post(server.url + "/v1/settle", json={"claims": rows}).json()
    assert answer["summary"]["rows_in"] == 3 and answer["summary"]["settled"] == 1
    assert [(r["line"], r["claim_id"]) for r in answer["rejects"]] == [(3, "s2"), (4, "s3")]
    assert "negative" in answer["rejects"][0]["reason"]
    r = httpx.post(server.url + "/v1/settle", json={"claims": [claim("s4", self_pay=5500)]})
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/claims/0/self_pay"


def test_settle_reasons_in_the_clients_language(server: LiveServer) -> None:
    """``Accept-Language: zh``: each rejected row's reason in Chinese (JSON and CSV bodies, and a ledger claim's
    problem); without it, English as before."""
    rows = [claim("z1"), claim("z2", self_pay="-5")]
    zh = {"accept-language": "zh-CN,zh;q=0.9"}
    body = "claim_id,person_id,district,date,category,kind,self_pay,resident_insurance\nz3,P,闵行,2023-03-01,低保,住院,-5,是\n"
    for answer in (
        httpx.post(server.url + "/v1/settle", json={"claims": rows}, headers=zh).json(),
        httpx.post(server.url + "/v1/settle", content=body.encode(), headers={**zh, "content-type": "text/csv"}).json(),
    ):
        assert answer["rejects"][0]["reason"] == "自负金额不能为负数，实际为 '-5'"
    en = httpx.post(server.url + "/v1/settle", json={"claims": rows}).json()
    assert en["rejects"][0]["reason"] == "self_pay must not be negative, got '-5'"
    problem = httpx.post(server.url + "/v1/ledger/claims", json=claim("z4", "P-z", district="atlantis"), headers=zh)
    assert problem.status_code == 422 and "区不是本市 16 个区之一" in problem.json()["detail"]


def test_ledger_round_trip(server: LiveServer) -> None:
    """Settle, repeat (duplicate), conflict (409), read back with steps, usage, reverse, clear."""
    url = server.url + "/v1/ledger"
    first = httpx.post(url + "/claims", json=claim("L1", "P-ledger")).json()["settlements"][0]
    assert (first["status"], first["assistance"], first["deductible_subsidy"], first["cap_left"]) == (
        "settled",
        "2800.00",
        "300.00",
        "0.00",
    )
    again = httpx.post(url + "/claims", json=[claim("L1", "P-ledger")]).json()["settlements"][0]
    assert (
        again["status"] == "duplicate"
        and again["assistance"] == "2800.00"
        and again["settled_at"] == first["settled_at"]
    )
    conflict = httpx.post(url + "/claims", json=[claim("L2", "P-ledger"), claim("L1", "P-ledger", self_pay="5501")])
    assert conflict.status_code == 409 and conflict.json()["errors"][0]["pointer"] == "/1/claim_id"
    assert httpx.get(url + "/claims/L2").status_code == 404  # the whole list was refused: nothing written
    stored = httpx.get(url + "/claims/L1").json()
    assert stored["settlement"]["assistance"] == "2800.00"
    cap = [s for s in stored["steps"] if s["code"] == "cap"][0]
    assert (cap["amount"], cap["cap_left"]) == ("2800.00", "0.00") and stored["explanation"]
    inpatient = httpx.post(url + "/claims", json=claim("L3", "P-ledger", kind="inpatient", self_pay="100000")).json()[
        "settlements"
    ][0]
    usage = httpx.get(url + "/persons/P-ledger/years/2023").json()
    assert usage["inpatient"] == {"paid": "90000.00", "category": "dibao", "cap": "130000.00", "remaining": "40000.00"}
    assert inpatient["assistance"] == "90000.00" and usage["claims"] == 2
    reversal = httpx.post(url + "/claims/L3/reversal", json={"reason": "entered twice"}).json()
    assert reversal["assistance"] == "90000.00"
    assert httpx.get(url + "/persons/P-ledger/years/2023").json()["inpatient"]["remaining"] == "130000.00"
    assert httpx.post(url + "/claims/L3/reversal", json={"reason": "again"}).status_code == 409
    assert httpx.post(url + "/claims/nope/reversal", json={"reason": "x"}).status_code == 404
    clearing = httpx.post(url + "/persons/P-ledger/years/2023/clearing", json={"apply": True}).json()
    assert clearing["adjustment"] == "0.00" and [c["claim_id"] for c in clearing["claims"]] == ["L1"]
    bad_year = httpx.get(url + "/persons/P-ledger/years/20x3")
    assert bad_year.status_code == 422 and bad_year.json()["errors"][0]["parameter"] == "year"


def test_ledger_claim_errors_name_the_field(server: LiveServer) -> None:
    """A bad claim in a list is named by its index and field; nothing of the list is written."""
    r = httpx.post(
        server.url + "/v1/ledger/claims", json=[claim("E1", "P-err"), claim("E2", "P-err", district="atlantis")]
    )
    assert (
        r.status_code == 422
        and r.json()["errors"][0]["pointer"] == "/1/district"
        and r.json()["errors"][0]["value"] == "atlantis"
    )
    r = httpx.post(server.url + "/v1/ledger/claims", json=claim("E3", "P-err", self_pay=12.5))
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "/self_pay"
    assert httpx.get(server.url + "/v1/ledger/claims/E1").status_code == 404


def test_unknown_route_method_and_size(server: LiveServer) -> None:
    """Routing errors and oversize bodies are problems too, stamped like every answer."""
    r = httpx.get(server.url + "/v2/anything")
    assert (
        r.status_code == 404
        and r.headers["content-type"] == "application/problem+json"
        and "medaid-policy-hash" in r.headers
    )
    assert httpx.delete(server.url + "/v1/assess").status_code == 405
    r = httpx.post(
        server.url + "/v1/assess", content=b" " * (5 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413 and r.json()["type"] == "urn:medaid:problem:too-large"
    r = httpx.post(server.url + "/v1/settle", content=b"x", headers={"content-type": "image/png"})
    assert r.status_code == 415


def test_access_log_holds_no_personal_data(server: LiveServer) -> None:
    """The access log names routes, not persons, claims or amounts."""
    secret = claim("CLAIM-SECRET-7431", "PERSON-SECRET-9922", self_pay="987654.32")
    httpx.post(server.url + "/v1/ledger/claims", json=secret)
    httpx.get(server.url + "/v1/ledger/persons/PERSON-SECRET-9922/years/2023")
    httpx.get(server.url + "/v1/ledger/claims/CLAIM-SECRET-7431")
    log = server.log.read_text()
    assert "GET /v1/ledger/persons/{person_id}/years/{year} 200" in log
    assert "SECRET" not in log and "987654" not in log


def test_token_guards_everything_but_health_and_policies(tmp_path: Path) -> None:
    """With --token-file, the ledger (and assess, settle) need the bearer token; health and policies do not."""
    token = tmp_path / "token"
    token.write_text("s3cr3t-token-0123456789\n")
    with LiveServer(tmp_path, "--db", str(tmp_path / "l.db"), "--token-file", str(token)) as live:
        body = claim("T1", "P-token")
        assert httpx.get(live.url + "/v1/policies").status_code == 200
        for headers in (
            {},
            {"authorization": "Bearer wrong-token-0123456789"},
            {"authorization": "Basic s3cr3t-token-0123456789"},
        ):
            r = httpx.post(live.url + "/v1/ledger/claims", json=body, headers=headers)
            assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert httpx.get(live.url + "/v1/ledger/persons/P-token/years/2023").status_code == 401
        r = httpx.post(
            live.url + "/v1/ledger/claims", json=body, headers={"authorization": "Bearer s3cr3t-token-0123456789"}
        )
        assert r.status_code == 200 and r.json()["settlements"][0]["status"] == "settled"


def test_other_addresses_need_a_token(tmp_path: Path) -> None:
    """Binding beyond loopback without --token-file exits 2 before listening; a short token is refused too."""
    result = subprocess.run(
        [sys.executable, "-m", "medaid", "serve", "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "--token-file" in result.stderr and "Traceback" not in result.stderr
    short = tmp_path / "short"
    short.write_text("abc")
    result = subprocess.run(
        [sys.executable, "-m", "medaid", "serve", "--token-file", str(short)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "at least 16 characters" in result.stderr


def test_calc_does_not_import_the_service() -> None:
    """`medaid calc` keeps its cold start: the CLI imports no server module."""
    code = "import sys, medaid.cli; print(sorted(m for m in ('medaid.service', 'starlette', 'uvicorn', 'msgspec') if m in sys.modules))"
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
    )


def test_a_body_offered_an_h2c_upgrade_is_read(server: LiveServer) -> None:
    """Java's HttpClient offers an h2c upgrade on every http:// request: the body must still arrive."""
    headers = {"connection": "Upgrade, HTTP2-Settings", "upgrade": "h2c", "http2-settings": "AAMAAABkAARAAAAAAAIAAAAA"}
    r = httpx.post(server.url + "/v1/assess", json=PERSON, headers=headers)
    assert r.status_code == 200 and r.json()["total"] == "133100.00"


def test_assess_without_the_text(server: LiveServer) -> None:
    """?explain=false gives the same numbers and steps without the text; another value is a 422."""
    full = httpx.post(server.url + "/v1/assess", json=PERSON).json()
    bare = httpx.post(server.url + "/v1/assess", params={"explain": "false"}, json=PERSON).json()
    assert bare["explanation"] == [] and full["explanation"]
    assert {k: v for k, v in bare.items() if k != "explanation"} == {
        k: v for k, v in full.items() if k != "explanation"
    }
    r = httpx.post(server.url + "/v1/assess", params={"explain": "no"}, json=PERSON)
    assert r.status_code == 422 and r.json()["errors"][0]["parameter"] == "explain"


def test_without_a_ledger_the_ledger_endpoints_say_so(tmp_path: Path) -> None:
    """Started without --db, health says the ledger is off and the ledger endpoints answer 404 ledger-off."""
    with LiveServer(tmp_path) as live:
        assert httpx.get(live.url + "/v1/health").json()["ledger"] == {"enabled": False, "backend": None, "ok": False}
        r = httpx.post(live.url + "/v1/ledger/claims", json=claim("X1"))
        assert (
            r.status_code == 404
            and r.json()["type"] == "urn:medaid:problem:ledger-off"
            and "--db" in r.json()["detail"]
        )
        assert httpx.post(live.url + "/v1/assess", json=PERSON).status_code == 200


def _raw(server: LiveServer, *parts: bytes) -> bytes:
    """Send ``parts`` on one connection (a pause between them, so they arrive as separate packets); all answers."""
    import socket
    import time

    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        for part in parts:
            sock.sendall(part)
            time.sleep(0.2)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


UPGRADE = b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"


def test_an_upgrade_offer_with_a_split_or_chunked_body_then_keep_alive(server: LiveServer) -> None:
    """The body of an h2c-offering request arrives whole, in pieces or chunked, and the next request on the
    same connection is answered too."""
    body = json.dumps(PERSON).encode()
    head = b"POST /v1/assess HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + UPGRADE
    split = head + b"Content-Length: %d\r\n\r\n" % len(body) + body[:20]
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (20, body[:20])
    rest = b"%x;ext=1\r\n%s\r\n0\r\n\r\n" % (len(body) - 20, body[20:])
    after = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    for answer in (_raw(server, split, body[20:], after), _raw(server, chunked, rest + after)):
        assert answer.count(b"HTTP/1.1 200 OK") == 2, answer[:600]
        assert b'"total":"133100.00"' in answer and b'"status":"ok"' in answer


def test_chinese_category_and_kind_names(server: LiveServer) -> None:
    """低保 and 住院 are read as dibao and inpatient, in /v1/assess and in a ledger claim; a bad kind is named."""
    by_id = httpx.post(server.url + "/v1/assess", json=PERSON).json()
    by_name = httpx.post(server.url + "/v1/assess", json={**PERSON, "categories": ["低保"]}).json()
    assert by_name["total"] == by_id["total"] == "133100.00" and by_name["categories"] == ["dibao"]
    url = server.url + "/v1/ledger/claims"
    chinese = httpx.post(url, json=claim("Z1", "P-zh", category="低保", kind="住院", self_pay="1000")).json()
    settled = chinese["settlements"][0]
    assert (settled["kind"], settled["category_applied"], settled["assistance"]) == ("inpatient", "dibao", "900.00")
    bad = httpx.post(url, json=claim("Z2", "P-zh", kind="牙科"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/kind"


def test_library_errors_in_the_clients_language(server: LiveServer) -> None:
    """A library error (no policy in force on the date) is a 422 whose detail is the error's message id,
    translated by Accept-Language, as the CLI prints it under --lang."""
    person = {**PERSON, "date": "2017-05-01"}
    zh = httpx.post(server.url + "/v1/assess", json=person, headers={"accept-language": "zh-CN"}).json()
    en = httpx.post(server.url + "/v1/assess", json=person, headers={"accept-language": "en"}).json()
    assert en["status"] == zh["status"] == 422 and en["type"] == zh["type"] == "urn:medaid:problem:no-policy"
    assert en["detail"] == "no medical-assistance policy in force on 2017-05-01; versions cover 2018-01-01 to now"
    assert zh["detail"] == "2017-05-01 没有有效的医疗救助政策；现有版本覆盖 2018-01-01 至今"
    assert zh["errors"][0]["pointer"] == "/date" and zh["errors"][0]["detail"] == zh["detail"]
