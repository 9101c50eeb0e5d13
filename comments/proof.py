"""Proof of work in front of every comment post (the ALTCHA protocol's
SHA-256 challenge, written with hashlib).

The server picks a secret number n <= COMMENT_POW_MAX_NUMBER and sends
`challenge = sha256(salt + str(n))` with the salt and an HMAC signature of
the challenge; the reader's browser (static/js/comments.js) tries numbers
from 0 until it finds n, which takes about a second on a phone, and sends
`base64(JSON {algorithm, challenge, number, salt, signature})` with the
form. A bot pays that second for every comment it sends.

The salt carries the article the form belongs to and an expiry time
(`<random>?article=<id>&expires=<unix time>`), covered by the signature
through the challenge, so a proof is refused on another article, after it
expires, or when any part of it was changed. Each salt is accepted once:
used salts are kept in the cache until they expire.
"""

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import parse_qs

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

ALGORITHM = "SHA-256"
USED_KEY = "comments:pow:used:"

# Why a proof is refused (the view turns these into the reader's message).
MISSING = "missing"
FORGED = "forged"
EXPIRED = "expired"
OTHER_ARTICLE = "other-article"
REUSED = "reused"


def _sign(challenge: str) -> str:
    return salted_hmac("comments.pow", challenge, algorithm="sha256").hexdigest()


def _hash(salt: str, number: int) -> str:
    return hashlib.sha256(f"{salt}{number}".encode()).hexdigest()


def pow_create(*, article_id: int, now: float | None = None) -> dict:
    """A new challenge for the comment form of article `article_id`."""
    now = time.time() if now is None else now
    expires = int(now) + settings.COMMENT_POW_SECONDS
    salt = f"{secrets.token_hex(12)}?article={int(article_id)}&expires={expires}"
    maximum = settings.COMMENT_POW_MAX_NUMBER
    challenge = _hash(salt, secrets.randbelow(maximum + 1))
    return {
        "algorithm": ALGORITHM,
        "challenge": challenge,
        "maxnumber": maximum,
        "salt": salt,
        "signature": _sign(challenge),
    }


def solve(challenge: dict) -> str:
    """The payload a browser would send for `challenge` (for tests and the
    load bench: the same search as static/js/comments.js)."""
    for number in range(challenge["maxnumber"] + 1):
        if _hash(challenge["salt"], number) == challenge["challenge"]:
            fields = ("algorithm", "challenge", "salt", "signature")
            payload = {key: challenge[key] for key in fields} | {"number": number}
            return base64.b64encode(json.dumps(payload).encode()).decode()
    raise ValueError("no solution")


def _decode(payload: str):
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    salt, challenge, signature = (data.get(k) for k in ("salt", "challenge", "signature"))
    number = data.get("number")
    if not all(isinstance(v, str) for v in (salt, challenge, signature)):
        return None
    if not isinstance(number, int):
        return None
    if data.get("algorithm") != ALGORITHM:
        return None
    return salt, challenge, signature, number


def pow_verify(payload: str, *, article_id: int, now: float | None = None) -> str | None:
    """None when `payload` proves the work for this article's form, for the
    first time and in time; else why not (MISSING, FORGED, EXPIRED,
    OTHER_ARTICLE, REUSED). A good proof is used up."""
    if not payload:
        return MISSING
    if len(payload) > 1000:
        return FORGED
    decoded = _decode(payload)
    if decoded is None:
        return FORGED
    salt, challenge, signature, number = decoded
    if not hmac.compare_digest(signature, _sign(challenge)):
        return FORGED
    if number > settings.COMMENT_POW_MAX_NUMBER or _hash(salt, number) != challenge:
        return FORGED
    params = parse_qs(salt.partition("?")[2])
    try:
        expires = int(params["expires"][0])
        bound_to = int(params["article"][0])
    except (KeyError, ValueError):
        return FORGED
    now = time.time() if now is None else now
    if now > expires:
        return EXPIRED
    if bound_to != int(article_id):
        return OTHER_ARTICLE
    # add() writes only when the key is absent: one success per salt, also
    # between processes sharing the cache (Redis).
    if not cache.add(USED_KEY + hashlib.sha256(salt.encode()).hexdigest(), 1, expires - now + 60):
        return REUSED
    return None
