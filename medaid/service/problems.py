"""RFC 9457 problem details: every client error a 4xx naming the field (JSON pointer) and the bad value, zh or en.

A :class:`ProblemError` raised anywhere in a handler becomes one ``application/problem+json`` response. The
library's own errors (:class:`medaid.errors.MedaidError`) are mapped by kind: a conflict is 409, an unknown
claim 404, anything else the input got wrong 422. Anything else is a bug: a 500 that says nothing about
the input, with the traceback in the server's log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import msgspec

from medaid.contract.claims import COLUMNS
from medaid.errors import (
    N_,
    AlreadyReversedError,
    ConflictError,
    InternalError,
    MedaidError,
    Message,
    NoPolicyError,
    PolicyError,
    UnknownCategoryError,
    UnknownClaimError,
)

__all__ = ["ProblemError", "TITLES", "from_validation", "from_medaid", "pointer_of", "translate"]

#: Problem types: slug -> (status, English title, Chinese title).
TITLES: dict[str, tuple[int, str, str]] = {
    "invalid-json": (400, "The body is not valid JSON", "请求体不是有效的 JSON"),
    "unauthorized": (401, "A bearer token is required", "需要持有者令牌（Bearer）"),
    "not-found": (404, "No such resource", "资源不存在"),
    "unknown-claim": (404, "No such claim in the ledger", "台账中没有该笔结算"),
    "unknown-policy": (404, "No such policy version", "没有该政策版本"),
    "ledger-off": (404, "The ledger is not enabled on this server", "本服务未启用台账"),
    "method-not-allowed": (405, "Method not allowed", "不允许的请求方法"),
    "not-acceptable": (406, "Not acceptable", "无法提供所要求的格式"),
    "conflict": (409, "The claim_id is already settled with different content", "该 claim_id 已按不同内容结算"),
    "already-reversed": (409, "The claim is already reversed", "该笔结算已冲正"),
    "too-large": (413, "The body is too large", "请求体过大"),
    "unsupported-media-type": (415, "Unsupported media type", "不支持的媒体类型"),
    "invalid-field": (422, "A field is invalid", "字段无效"),
    "invalid-reform": (422, "The reform does not validate", "改革方案未通过校验"),
    "invalid-input": (422, "The input cannot be used", "输入无法使用"),
    "no-policy": (422, "No policy version is in force on that date", "该日期没有有效的政策版本"),
    "internal": (
        500,
        "Internal error (a bug in medaid; the input is not at fault)",
        "内部错误（medaid 的缺陷，与输入无关）",
    ),
}
TYPE_BASE = "urn:medaid:problem:"


class ProblemError(Exception):
    """A problem to answer with: its type slug, a detail, and the bad fields (pointer, message, value)."""

    def __init__(
        self,
        slug: str,
        detail: str,
        errors: Iterable[dict[str, Any]] = (),
        *,
        headers: dict[str, str] | None = None,
        error: MedaidError | None = None,
    ) -> None:
        super().__init__(detail)
        self.slug = slug
        self.detail = detail
        self.errors = list(errors)
        self.headers = headers or {}
        #: The library error this problem answers, rendered in the client's language (its message id and fields).
        self.error = error

    @property
    def status(self) -> int:
        return TITLES[self.slug][0]

    def body(self, lang: str, instance: str | None, stamp: dict[str, str]) -> dict[str, Any]:
        """The problem as a JSON object in ``lang``."""
        status, title_en, title_zh = TITLES[self.slug]
        out: dict[str, Any] = {
            "type": TYPE_BASE + self.slug,
            "title": title_zh if lang == "zh" else title_en,
            "status": status,
            "detail": self.error.render(lang) if self.error is not None else self._detail(self.detail, lang),
            **stamp,
        }
        if instance:
            out["instance"] = instance
        if self.errors:
            out["errors"] = [{**e, "detail": self._detail(e["detail"], lang)} for e in self.errors]
        return out

    def _detail(self, detail: str, lang: str) -> str:
        """A detail in ``lang``: the library error's own message or a validator's problem translated by its
        message id, else the service's own text."""
        if isinstance(detail, Message):
            return detail.render(lang)
        if self.error is not None and detail == self.error.message:
            return self.error.message_in(lang)
        return translate(str(detail), lang)


# -- msgspec validation errors -----------------------------------------------------------------------

_AT = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.S)
_PART = re.compile(r"\.([^.\[]+)|\[(\d+)\]")


def pointer_of(path: str | None) -> str:
    """A msgspec path (``$.claims[3].self_pay``) as a JSON pointer (``/claims/3/self_pay``); ``$`` is ``""``.

    >>> pointer_of("$.claims[3].self_pay"), pointer_of("$"), pointer_of("$[0].a~b")
    ('/claims/3/self_pay', '', '/0/a~0b')
    """
    if not path or path == "$":
        return ""
    return "".join("/" + (key or index).replace("~", "~0").replace("/", "~1") for key, index in _PART.findall(path[1:]))


def value_at(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in a decoded JSON document, or ``None`` if it is not there."""
    node = document
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def from_validation(exc: msgspec.ValidationError, body: bytes, prefix: str = "") -> ProblemError:
    """A 422 naming the field msgspec refused, with the value sent; a number sent as money says so."""
    match = _AT.match(str(exc))
    if match is None:
        raise InternalError(N_("{name} is unset"), name="match")
    message, pointer = match["message"], prefix + pointer_of(match["path"])
    document = _any(body)
    unknown = re.match(r"Object contains unknown field `(.+)`", message)
    if unknown:
        pointer += "/" + unknown[1].replace("~", "~0").replace("/", "~1")
        message = f"unknown field {unknown[1]!r}"
    value = value_at(document, pointer[len(prefix) :])
    field = pointer.rsplit("/", 1)[-1]
    if field in _money_fields() and isinstance(value, (int, float)) and not isinstance(value, bool):
        message = f'{field} is money: a string of yuan with at most two decimals (e.g. "5500.00"); a JSON number is refused, never rounded'
    error = {"pointer": pointer, "detail": message}
    if value is not None and not isinstance(value, (dict, list)):
        error["value"] = value
    return ProblemError("invalid-field", f"{pointer or '(the body)'}: {message}", [error])


def _money_fields() -> frozenset[str]:
    from medaid.service.schemas import MONEY_FIELDS

    return MONEY_FIELDS


def _any(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None


# -- library errors ----------------------------------------------------------------------------------

#: The field an error message of the readers and rules is about, from its first word: a claims column (as the
#: contract declares them), a reversal's reason, or a year.
_FIELD_WORDS = (*COLUMNS, "reason", "year")


def from_medaid(
    exc: MedaidError, pointer_prefix: str = "", *, field: str | None = None, value: Any = None
) -> ProblemError:
    """The problem for a library error: 409 conflict, 404 unknown claim, else 422 naming the field."""
    if isinstance(exc, ConflictError):
        slug = "conflict"
        field = field or "claim_id"
    elif isinstance(exc, AlreadyReversedError):
        slug = "already-reversed"
    elif isinstance(exc, UnknownClaimError):
        slug = "unknown-claim"
    elif isinstance(exc, NoPolicyError):
        slug, field = "no-policy", field or "date"
    elif isinstance(exc, UnknownCategoryError):
        slug, field = "invalid-input", field or "categories"
    elif isinstance(exc, PolicyError):
        slug = "invalid-input"
    else:
        slug = "invalid-input"
        if field is None:
            first = exc.message.split(" ", 1)[0]
            field = (
                first
                if first in _FIELD_WORDS
                else "category"
                if exc.message.startswith("unknown category")
                else ("district" if exc.message.startswith("unknown district") else None)
            )
    errors = []
    if field is not None and slug not in ("unknown-claim", "already-reversed"):
        error: dict[str, Any] = {"pointer": f"{pointer_prefix}/{field}", "detail": exc.message}
        if value is not None:
            error["value"] = value
        errors.append(error)
    return ProblemError(slug, str(exc), errors, error=exc)


def from_reform(exc: PolicyError, prefix: str = "/reform") -> ProblemError:
    """Every problem of an inline reform, each with the pointer of its key (``categories.x.cap`` →
    ``/reform/categories/x/cap``)."""
    errors = []
    for _file, key, message in exc.problems:
        pointer = prefix
        if key:
            for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", key):
                pointer += "/" + (name or index).replace("~", "~0").replace("/", "~1")
        errors.append({"pointer": pointer, "detail": message})
    # The first five problems, each shown in the client's language (the joining templates need no translation).
    shown = {
        f"p{i}": Message("{pointer}: {detail}", pointer=e["pointer"], detail=e["detail"])
        for i, e in enumerate(errors[:5])
    }
    listed = Message("; ".join("{" + name + "}" for name in shown), **shown)
    detail = Message(
        N_("1 problem in the reform: {problems}")
        if len(errors) == 1
        else N_("{count} problems in the reform: {problems}"),
        count=len(errors),
        problems=listed,
    )
    return ProblemError("invalid-reform", detail, errors)


# -- Chinese ------------------------------------------------------------------------------------------

_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), zh)
    for p, zh in (
        (r"^Expected `(.+?)`, got `(.+?)`$", r"应为 \1 类型，收到的是 \2"),
        (r"^Expected `str` matching regex (.+)$", r"格式不符（应匹配 \1）"),
        (r"^Object missing required field `(.+)`$", r"缺少必填字段 \1"),
        (r"^unknown field '(.+)'$", r"未知字段 \1"),
        (r"^Invalid enum value (.+)$", r"无效的取值 \1"),
        (r"^Invalid RFC3339 encoded date$", "日期无效，应为 2023-05-01 这样的格式"),
        (r"^Expected `(.+?)` of length >= (\d+)$", r"\1 长度至少为 \2"),
        (r"^Expected `(.+?)` of length <= (\d+)$", r"\1 长度至多为 \2"),
        (
            r"^(\w+) is money: .*$",
            r"\1 是金额：应为最多两位小数的元字符串（如 \"5500.00\"）；不接受 JSON 数字，也不会取整",
        ),
    )
)


def translate(message: str, lang: str) -> str:
    """The message in ``lang``: the service's own messages have a Chinese form; the library's messages
    (file rows, policy keys) are English and kept as they are, after the pointer."""
    if lang != "zh":
        return message
    head, sep, rest = message.partition(": ")
    if sep and head.startswith("/"):
        return f"{head}：{translate(rest, lang)}"
    for pattern, zh in _ZH:
        if pattern.match(message):
            return pattern.sub(zh, message)
    return message
