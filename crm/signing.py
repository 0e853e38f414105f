"""The webhook signature: HMAC-SHA256 over "<timestamp>.<raw body>" with the destination's secret.

Headers sent with every request (README, "CRM webhooks", shows how a CRM verifies them):
  Plaidoyer-Event-Id    the event's UUID, the same on every attempt and replay (deduplicate on it)
  Plaidoyer-Event-Type  action, confirmation, consent or erasure
  Plaidoyer-Timestamp   when this attempt was signed, in Unix seconds
  Plaidoyer-Signature   "v1=" and the hex HMAC-SHA256 of f"{timestamp}." + body, keyed with the secret
"""

import hashlib
import hmac
import time

EVENT_ID_HEADER = "Plaidoyer-Event-Id"
EVENT_TYPE_HEADER = "Plaidoyer-Event-Type"
TIMESTAMP_HEADER = "Plaidoyer-Timestamp"
SIGNATURE_HEADER = "Plaidoyer-Signature"
TOLERANCE = 300  # how old a timestamp a receiver should accept, in seconds


def signature(secret, timestamp, body):
    message = f"{timestamp}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def headers(secret, event_id, event_type, body, now=None):
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Plaidoyer-Webhooks/1",
        EVENT_ID_HEADER: str(event_id),
        EVENT_TYPE_HEADER: event_type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(secret, headers, body, now=None, tolerance=TOLERANCE):
    """What a receiver does: True if the signature is the secret's and the timestamp recent."""
    try:
        timestamp = int(headers[TIMESTAMP_HEADER])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), headers.get(SIGNATURE_HEADER, ""))
