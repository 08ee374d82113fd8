"""The OpenAPI description of the request bodies and answers (served at /openapi.json).

The routes read their bodies themselves (size limit first, then strict JSON, then the
same checks as every other intake path), so the schema is declared here rather than
derived from pydantic models; it documents exactly what engine.intake.events accepts.
"""

from __future__ import annotations

from typing import Any

EVENT: dict[str, Any] = {
    "type": "object",
    "required": ["contact", "name"],
    "additionalProperties": False,
    "properties": {
        "contact": {"type": "string", "format": "email", "description": "the contact's email; "
                    "an unknown one creates the contact", "example": "ana@example.com"},
        "name": {"type": "string", "minLength": 1, "maxLength": 100, "example": "order_placed"},
        "properties": {"type": "object", "additionalProperties": True,
                       "example": {"total": 42.5}},
        "at": {"type": "string", "format": "date-time",
               "description": "when it happened, with Z or an offset (default: now)"},
    },
}

CONTACT: dict[str, Any] = {
    "type": "object",
    "required": ["email"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "format": "email"},
        "first_name": {"type": ["string", "null"]},
        "last_name": {"type": ["string", "null"]},
        "timezone": {"type": ["string", "null"], "example": "Europe/Paris"},
        "locale": {"type": ["string", "null"], "example": "fr-FR"},
        "country": {"type": ["string", "null"], "example": "FR"},
        "attributes": {"type": "object", "additionalProperties": {
            "type": ["string", "number", "boolean", "null"]}},
        "consent": {
            "type": "object", "required": ["granted"], "additionalProperties": False,
            "properties": {"granted": {"type": "boolean"}, "source": {"type": "string"},
                           "evidence": {"type": "object"}},
        },
    },
}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


EVENTS_BODY = _json_body({"oneOf": [EVENT, {"type": "array", "items": EVENT}]})
CONTACT_BODY = _json_body(CONTACT)

_DETAIL = {"content": {"application/json": {"schema": {
    "type": "object", "properties": {"detail": {}}}}}}
INTAKE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "no API key, or a wrong one", **_DETAIL},
    413: {"description": "the body is over the size limit", **_DETAIL},
    422: {"description": "bad JSON or bad fields; each error names its index and field",
          **_DETAIL},
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "the token is forged, altered or unknown; nothing was changed"},
}
