"""The legacy v1.0 error shape, for clients pinned to `/v1.x/` (the SDKs still parse it:
the Python SDK's `exception.py`): `{"error", "message", "code", "statusCode", "requestId"}`.

Smartcar's v1 types were snake-case names with their own codes (`VS_000`); mockcar maps
each v2 type to the v1 name that covered it and keeps the v2 code, which the SDKs only
pass through. Python's SDK reads the status from the body's `statusCode`, so it is
always sent.
"""

from __future__ import annotations

import re
from typing import Any

from mockcar.errors import SmartcarError

LEGACY_PATH = re.compile(r"/v1\.\d+(/|$)")

V1_TYPES = {
    "AUTHENTICATION": "authentication_error",
    "PERMISSION": "permission_error",
    "VALIDATION": "validation_error",
    "RESOURCE_NOT_FOUND": "not_found_error",
    "BILLING": "monthly_limit_exceeded",
    "COMPATIBILITY": "vehicle_not_capable_error",
    "CONNECTED_SERVICES_ACCOUNT": "vehicle_owner_action_required",
    "RATE_LIMIT": "rate_limiting_error",
    "SERVER": "server_error",
    "UPSTREAM": "gateway_timeout_error",
    "VEHICLE_STATE": "vehicle_state_error",
}


def is_legacy(path: str) -> bool:
    return LEGACY_PATH.match(path) is not None


def v1_type(error: SmartcarError) -> str:
    if (error.type, error.code) == ("COMPATIBILITY", "SMARTCAR_NOT_CAPABLE"):
        return "smartcar_not_capable_error"
    return V1_TYPES.get(error.type, error.type.lower() + "_error")


def error_body(error: SmartcarError, request_id: str, status: int) -> dict[str, Any]:
    return {
        "error": v1_type(error),
        "message": error.description,
        "code": error.code,
        "statusCode": status,
        "requestId": request_id,
    }
