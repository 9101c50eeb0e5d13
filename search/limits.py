"""A per-address limit on searches and suggestions, counted in the cache
like the comment form's (articles/limits.py)."""

from articles.limits import client_ip, count_attempt


def over_limit(request, *, scope: str, limit: str) -> int:
    """Counts one request of `scope` from the client. Returns 0 while the
    client stays within `limit` ("count/seconds"), else the seconds until
    it may search again."""
    return count_attempt(f"search:rate:{scope}", client_ip(request), limit)
