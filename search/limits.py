"""A per-address limit on searches, counted in the cache (the same counting
as comments' rate limit: a counter per address and fixed window)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The connecting address; X-Forwarded-For is believed only from the
    proxies in COMMENT_TRUSTED_PROXIES (the site's one list of them)."""
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


def over_limit(request, *, scope: str, limit: str) -> int:
    """Counts one request of `scope` from the client. Returns 0 while the
    client stays within `limit` ("count/seconds"), else the seconds until
    it may search again."""
    count, seconds = (int(part) for part in limit.split("/"))
    window = int(time.time() // seconds)
    key = f"search:rate:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, seconds + 5)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, seconds + 5)
        attempts = 1
    if attempts <= count:
        return 0
    return max(1, int((window + 1) * seconds - time.time()))
