"""Webhook signatures (https://smartcar.com/docs/integrations/webhooks/payload-verification,
https://smartcar.com/docs/integrations/webhooks/callback-verification).

Smartcar keys every webhook HMAC with the application management token (AMT): a
delivery's `SC-Signature` header is the lower-case hex HMAC-SHA256 of the raw request
body, and the answer to a VERIFY challenge is the same digest of the challenge string.
The official SDKs check both locally (`hash_challenge`, `verify_payload`), so whatever
mockcar sends must be signed exactly this way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any


def sign(amt: str, body: str | bytes) -> str:
    """Lower-case hex HMAC-SHA256 of `body` keyed by `amt`, both UTF-8."""
    message = body.encode() if isinstance(body, str) else body
    return hmac.new(amt.encode(), message, hashlib.sha256).hexdigest()


def challenge_response(amt: str, challenge: str) -> str:
    """What a webhook receiver answers to Smartcar's VERIFY event: `{"challenge": ...}`
    with this digest (the SDKs' `hash_challenge`)."""
    return sign(amt, challenge)


def verify(amt: str, signature: str, body: str | bytes) -> bool:
    """Whether `signature` is `body`'s signature, compared in constant time."""
    return hmac.compare_digest(sign(amt, body), signature.strip().lower())


def compact_json(payload: Any) -> str:
    """The body a sender must sign: compact, key order kept, non-ASCII unescaped, so
    that Node's `JSON.stringify(JSON.parse(raw))` gives back the very bytes signed
    (its `verifyPayload` re-serialises the parsed body)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
