"""Writing comments, and the rules around it: rate limit, links, banned
words, and the other reasons a comment waits for moderation."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from articles.limits import count_attempt

from .models import BannedWord, Comment
from .rules import contact_details, repeat_fingerprint, repeat_length

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


def hold_reasons(*, article, nickname: str, body: str, ip: str, fingerprint: str) -> list[str]:
    """Why a new comment must wait for moderation, in Chinese for the
    moderators (empty: it shows at once). Each rule has its setting."""
    reasons = []
    if settings.COMMENT_MODERATE_ALL:
        reasons.append("全部评论需审核")
    if count_links(body) or count_links(nickname):
        reasons.append("含链接")
    text = f"{nickname}\n{body}"
    lowered = text.lower()
    banned = [word for word in banned_words() if word in lowered]
    if banned:
        reasons.append("含敏感词:" + "、".join(banned[:3]))
    if settings.COMMENT_HOLD_CONTACT_FROM_NEW:
        contact = contact_details(text)
        if contact and not _known_address(ip):
            reasons.append("新地址首次评论含联系方式:" + "、".join(contact))
    if settings.COMMENT_HOLD_REPEATS and fingerprint:
        others = _same_text_elsewhere(article, fingerprint)
        if others:
            reasons.append(f"与其他文章下的 {others} 条评论内容相同")
    return reasons


def _known_address(ip: str) -> bool:
    """Whether a comment from `ip` was shown before (approved by the rules
    or by a moderator)."""
    return bool(ip) and Comment.objects.visible().filter(ip=ip).exists()


def _same_text_elsewhere(article, fingerprint: str) -> int:
    """How many comments of the last COMMENT_REPEAT_DAYS under other
    articles say the same (whatever became of them)."""
    since = timezone.now() - timedelta(days=settings.COMMENT_REPEAT_DAYS)
    same = Comment.objects.filter(fingerprint=fingerprint, created_at__gte=since)
    return same.exclude(article=article).count()


def comment_create(*, article, nickname: str, body: str, ip: str, user_agent: str) -> Comment:
    long_enough = repeat_length(body) >= settings.COMMENT_REPEAT_MIN_LENGTH
    fingerprint = repeat_fingerprint(body) if long_enough else ""
    reasons = hold_reasons(
        article=article, nickname=nickname, body=body, ip=ip, fingerprint=fingerprint
    )
    return Comment.objects.create(
        article=article,
        nickname=nickname,
        body=body,
        ip=ip or None,
        user_agent=user_agent[:300],
        status=Comment.Status.PENDING if reasons else Comment.Status.APPROVED,
        held_reason=";".join(reasons)[:200],
        fingerprint=fingerprint,
    )
