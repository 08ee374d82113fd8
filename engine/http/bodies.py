"""Request bodies, read with a size limit and decoded strictly, and the error answers.

Contract:
- `read_body(request, limit)` returns the body or raises `HttpProblem(413)` as soon as the
  declared or received size passes `limit` (the rest is not read into memory).
- `decode_json(body)` returns the decoded JSON or raises `HttpProblem(422)` saying where
  it is broken. It applies `engine.files.strict_json` (the rule for files too): no NaN or
  Infinity, no nesting past its depth, no giant integers, no NUL or lone surrogate in
  text (PostgreSQL cannot store NUL; nothing can encode a lone surrogate): better a clear
  422 now than a server error at the database. The literal text backslash-u-0000 is fine.
- `HttpProblem(status, message, errors)` is answered as
  `{"detail": [{"loc": [...], "msg": ..., "type": ...}]}` (FastAPI's shape for 422) or
  `{"detail": message}`; `problem_response` makes that response.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from engine.files import strict_json

MAX_ERRORS = 50


class HttpProblem(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers


def problem_response(problem: HttpProblem) -> JSONResponse:
    detail: Any = problem.errors[:MAX_ERRORS] if problem.errors else problem.message
    return JSONResponse({"detail": detail}, status_code=problem.status, headers=problem.headers)


def field_error(loc: list[Any], message: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": loc, "msg": message, "type": kind}


def too_large(limit: int) -> HttpProblem:
    return HttpProblem(413, f"the body is larger than {limit:,} bytes; send smaller batches")


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def decode_json(body: bytes) -> Any:
    if not body.strip():
        raise HttpProblem(422, "empty body", [field_error(["body"], "the body is empty: send JSON")])
    try:
        # JSON over HTTP is UTF-8 (RFC 8259); json.loads would also guess UTF-16 and -32
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = "the body is not UTF-8 text"
        raise HttpProblem(422, message, [field_error(["body"], message, "json_invalid")]) from None
    try:
        data = strict_json.loads(text)
    except strict_json.JsonProblem as problem:
        reason = problem.reason.removeprefix("not valid JSON: ")
        message = (f"the body is not valid JSON: {reason} "
                   f"(line {problem.line}, column {problem.column})")
        raise HttpProblem(422, message, [field_error(["body"], message, "json_invalid")]) from None
    # The rule the CLI applies to files too (engine.files.strict_json): no NUL, no lone surrogate.
    found = strict_json.text_problem(data)
    if found is not None:
        where, reason = found
        message = f"{where}: {reason}" if where else reason
        raise HttpProblem(422, message, [field_error(["body", where] if where else ["body"],
                                                     message)])
    return data
