"""``POST /v1/settle``: a batch of claims, stateless, through the same reader and engine as ``medaid claims``.

JSON rows become a table of text columns, as a claims file is read; a CSV or xlsx body is written to a
temporary file and read by the same reader as the command (:func:`medaid.settle_batch` on a path). The
answer is ``medaid claims``' settled rows, rejects and summary. The work runs in a thread (polars
releases the GIL), so one big batch does not hold up the other requests of the worker.
"""

from __future__ import annotations

import os
import tempfile

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from medaid.errors import MedaidError
from medaid.service._http import check_media, decode, lang_of, read_body, require_token, state_of
from medaid.service.problems import from_medaid
from medaid.service.schemas import SettleRequest

__all__ = ["settle", "MEDIA_SUFFIX"]

#: Accepted request media types, and the file suffix the reader recognises for the file ones.
MEDIA_SUFFIX = {
    "application/json": None,
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}
COLUMNS = ("claim_id", "person_id", "district", "date", "category", "kind", "self_pay", "resident_insurance")
_decoder = msgspec.json.Decoder(SettleRequest)
_encoder = msgspec.json.Encoder()


async def settle(request: Request) -> Response:
    require_token(request)
    state = state_of(request)
    media = check_media(request, tuple(MEDIA_SUFFIX))
    body = await read_body(request, state.config.max_settle_body)
    lang = lang_of(request)  # the rejects' reasons: English unless Accept-Language asks for zh
    if media == "application/json":
        claims = decode(body, _decoder).claims
        content = await run_in_threadpool(_settle_rows, claims, state.stamp, lang)
    else:
        content = await run_in_threadpool(_settle_file, body, MEDIA_SUFFIX[media], state.stamp, lang)
    return Response(content, media_type="application/json")


def _settle_rows(claims: list, stamp: dict, lang: str = "en") -> bytes:
    import polars as pl

    columns = {name: [getattr(c, name) for c in claims] for name in COLUMNS[:-1]}
    columns["resident_insurance"] = ["true" if c.resident_insurance else "false" for c in claims]
    frame = pl.DataFrame({name: pl.Series(name, values, pl.String) for name, values in columns.items()})
    return _run(frame, stamp, lang=lang)


def _settle_file(body: bytes, suffix: str, stamp: dict, lang: str = "en") -> bytes:
    handle, path = tempfile.mkstemp(prefix="medaid-settle-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        return _run(path, stamp, name="the request body", lang=lang)
    finally:
        os.unlink(path)


def _run(source, stamp: dict, name: str | None = None, lang: str = "en") -> bytes:
    import polars as pl

    from medaid.batch import settle_batch
    from medaid.money import fen_to_yuan_str as yuan

    try:
        # Reasons are rendered to plain text in ``lang`` inside settle_batch: the rejects reach the JSON
        # writer as strings (an encoder is never handed a medaid.errors.Message).
        result = settle_batch(source, lang=lang)
    except MedaidError as exc:
        if name and isinstance(source, str):
            exc = type(exc)(str(exc).replace(source, name))
        raise from_medaid(exc) from None
    s = result.summary
    summary = {
        "rows_in": s.rows_in,
        "settled": s.settled,
        "rejected": s.rejected,
        "persons": s.persons,
        "claims": s.claims,
        "assistance": {k: yuan(v) for k, v in s.assistance_fen.items()},
        "deductible_subsidy": yuan(s.deductible_subsidy_fen),
        "total": yuan(s.total_fen),
        "cap_bound_claims": s.cap_bound_claims,
        "cap_bound_persons": s.cap_bound_persons,
        "policy_ids": list(s.policy_ids),
    }
    as_text = [pl.col(pl.Decimal).cast(pl.String), pl.col(pl.Categorical).cast(pl.String)]
    rows = result.lazy().with_columns(as_text).collect().write_json().encode()
    rejects = result.rejects.with_columns(as_text).write_json().encode()
    return b"".join(
        (
            b'{"rows":',
            rows,
            b',"rejects":',
            rejects,
            b',"summary":',
            _encoder.encode(summary),
            b',"engine_version":',
            _encoder.encode(stamp["engine_version"]),
            b',"policy_hash":',
            _encoder.encode(stamp["policy_hash"]),
            b"}",
        )
    )
