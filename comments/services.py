"""Writing comments, and the rules around it: rate limit, links, banned
words, and the other reasons a comment waits for moderation."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from articles.limits import count_attempt

from . import bayes
from .models import BannedWord, Comment, SpamModel
from .rules import contact_details, repeat_fingerprint, repeat_length

LINK_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|vip|cc|shop|info|me)\b",
    re.IGNORECASE,
)
BANNED_WORDS_CACHE_KEY = "comments:banned-words"
# Why a comment sent without the captcha ("看不清图片?") waits, as the
# moderators read it.
HELD_WITHOUT_CAPTCHA = "未填写验证码,选择人工审核"


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


def without_captcha_queue_full() -> bool:
    """Whether COMMENT_WITHOUT_CAPTCHA_QUEUE comments sent without the
    captcha in the last hour still wait for a moderator (0: no such limit).
    Bots on many addresses could otherwise fill the moderation queue."""
    limit = settings.COMMENT_WITHOUT_CAPTCHA_QUEUE
    if not limit:
        return False
    waiting = Comment.objects.filter(
        status=Comment.Status.PENDING,
        created_at__gte=timezone.now() - timedelta(hours=1),
        held_reason__startswith=HELD_WITHOUT_CAPTCHA,
    )
    return waiting.count() >= limit


def hold_reasons(*, article, nickname: str, body: str, ip: str, fingerprint: str) -> list[str]:
    """Why a new comment must wait for moderation, in Chinese for the
    moderators (empty: it shows at once). Each rule has its setting."""
    reasons = []
    if settings.COMMENT_MODERATE_ALL:
        reasons.append("全部评论需审核")
    text = f"{nickname}\n{body}"
    reasons += content_reasons(
        text,
        banned=banned_words(),
        new_address=lambda: not _known_address(ip),
        score=spam_score(text),
    )
    if settings.COMMENT_HOLD_REPEATS and fingerprint:
        others = _same_text_elsewhere(article, fingerprint)
        if others:
            reasons.append(f"与其他文章下的 {others} 条评论内容相同")
    return reasons


def content_reasons(text: str, *, banned, new_address, score) -> list[str]:
    """The reasons found in the text itself: links, banned words, contact
    details when `new_address()` says the address is new, a spam `score`
    at or over the threshold. (Also what `make spam-eval` measures.)"""
    reasons = []
    if count_links(text):
        reasons.append("含链接")
    lowered = text.lower()
    found = [word for word in banned if word in lowered]
    if found:
        reasons.append("含敏感词:" + "、".join(found[:3]))
    if settings.COMMENT_HOLD_CONTACT_FROM_NEW:
        contact = contact_details(text)
        if contact and new_address():
            reasons.append("新地址首次评论含联系方式:" + "、".join(contact))
    if score is not None and score >= settings.COMMENT_SPAM_THRESHOLD:
        reasons.append(f"垃圾评分 {score:.2f}")
    return reasons


_loaded_model = {"id": None, "counts": None}


def spam_score(text: str) -> float | None:
    """The naive Bayes score of `text` under the newest SpamModel (None
    without one, or with the score switched off). One small query; the
    counts are read again only when a new model was trained."""
    if not settings.COMMENT_SPAM_SCORE:
        return None
    newest = SpamModel.objects.values_list("id", "trained_at").first()
    if newest is None:
        return None
    if _loaded_model["id"] != newest:
        _loaded_model.update(id=newest, counts=SpamModel.objects.get(pk=newest[0]).counts)
    return bayes.spam_probability(_loaded_model["counts"], text)


def train_spam_model() -> SpamModel:
    """A new SpamModel from the moderators' decisions: approved comments
    are the good ones, spam and rejected ones the bad."""
    bad = {Comment.Status.SPAM, Comment.Status.REJECTED}
    decided = Comment.objects.exclude(status=Comment.Status.PENDING)
    rows = decided.values_list("nickname", "body", "status").iterator()
    counts = bayes.train((f"{nickname}\n{body}", status in bad) for nickname, body, status in rows)
    return SpamModel.objects.create(
        counts=counts, spam_comments=counts["spam_docs"], approved_comments=counts["ham_docs"]
    )


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


def comment_create(
    *, article, nickname: str, body: str, ip: str, user_agent: str, hold=()
) -> Comment:
    """A new comment, shown at once unless a rule holds it; `hold`: reasons
    the caller already has (the comment then always waits)."""
    long_enough = repeat_length(body) >= settings.COMMENT_REPEAT_MIN_LENGTH
    fingerprint = repeat_fingerprint(body) if long_enough else ""
    reasons = list(hold) + hold_reasons(
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
