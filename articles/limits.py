"""Who is asking, and how often: the client's address behind trusted
proxies, and a per-address counter in the cache (a fixed window). Used by
the comment form and the search, which both limit what one address may do."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The connecting address. X-Forwarded-For is believed only when the
    connection comes from a proxy listed in COMMENT_TRUSTED_PROXIES (the
    site's one list of them), and then only up to the first address that is
    not such a proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.COMMENT_TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",")]
    for address in reversed(forwarded):
        if address and address not in trusted:
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote
    return remote


def count_attempt(scope: str, ip: str, limit: str) -> int:
    """Counts one attempt of `scope` (e.g. "comments:rate:post") from `ip`.
    Returns 0 while the attempts stay within `limit` ("count/seconds"),
    else the seconds until the address may try again."""
    count, seconds = (int(part) for part in limit.split("/"))
    window = int(time.time() // seconds)
    key = f"{scope}:{ip}:{window}"
    cache.add(key, 0, seconds + 5)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, seconds + 5)
        attempts = 1
    if attempts <= count:
        return 0
    return max(1, int((window + 1) * seconds - time.time()))
