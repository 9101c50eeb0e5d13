"""Writing comments, and the rules around it: rate limit, links, banned words."""

import re

from django.conf import settings
from django.core.cache import cache

from articles.limits import count_attempt

from .models import BannedWord, Comment

LINK_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|vip|cc|shop|info|me)\b",
    re.IGNORECASE,
)
BANNED_WORDS_CACHE_KEY = "comments:banned-words"


def count_links(text: str) -> int:
    return len(LINK_RE.findall(text))


def banned_words() -> list[str]:
    words = cache.get(BANNED_WORDS_CACHE_KEY)
    if words is None:
        words = [w.lower() for w in BannedWord.objects.values_list("word", flat=True)]
        cache.set(BANNED_WORDS_CACHE_KEY, words, 300)
    return words


def forget_banned_words():
    cache.delete(BANNED_WORDS_CACHE_KEY)


def rate_limit_attempt(ip: str, *, scope: str = "post", limit: str = "") -> int:
    """Counts one attempt from `ip`. Returns 0 while the attempts stay within
    `limit` ("count/seconds", COMMENT_RATE_LIMIT by default), else the
    seconds until the reader may try again."""
    return count_attempt(f"comments:rate:{scope}", ip, limit or settings.COMMENT_RATE_LIMIT)


def needs_moderation(body: str, nickname: str) -> bool:
    if settings.COMMENT_MODERATE_ALL or count_links(body) or count_links(nickname):
        return True
    text = f"{nickname}\n{body}".lower()
    return any(word in text for word in banned_words())


def comment_create(*, article, nickname: str, body: str, ip: str, user_agent: str) -> Comment:
    pending = needs_moderation(body, nickname)
    return Comment.objects.create(
        article=article,
        nickname=nickname,
        body=body,
        ip=ip or None,
        user_agent=user_agent[:300],
        status=Comment.Status.PENDING if pending else Comment.Status.APPROVED,
    )
