"""The captcha's server side: issue a challenge, check an answer once.

A challenge is a database row holding a random key and an HMAC of the
answer; the image goes to the reader inline and is never stored. Checking
deletes the row first, so an answer is accepted at most once, and every
doubt (no key, unknown key, expired, too fast, no answer) is a rejection.
"""

import base64
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .captcha_image import normalize, random_answer, render_png
from .models import CaptchaChallenge

TTL = timedelta(minutes=10)
# A person needs a few seconds between seeing the form and sending it.
MIN_SECONDS = 3
TEST_PASSPHRASE = "PASSED"


def _digest(answer: str) -> str:
    return salted_hmac("comments.captcha", normalize(answer), algorithm="sha256").hexdigest()


def captcha_create() -> tuple[str, str]:
    """Returns (key, image as a data: URL) of a new challenge."""
    now = timezone.now()
    CaptchaChallenge.objects.filter(created_at__lt=now - TTL).delete()
    answer = random_answer()
    key = secrets.token_urlsafe(32)
    CaptchaChallenge.objects.create(key=key, answer_hash=_digest(answer), created_at=now)
    image = base64.b64encode(render_png(answer)).decode()
    return key, f"data:image/png;base64,{image}"


def captcha_check(*, key: str, answer: str) -> bool:
    """True once for the right answer to a live challenge; the challenge is
    used up by any attempt, right or wrong."""
    if not key or not answer or len(key) > 64:
        return False
    challenge = CaptchaChallenge.objects.filter(key=key).first()
    if challenge is None:
        return False
    deleted, _ = CaptchaChallenge.objects.filter(pk=challenge.pk).delete()
    if not deleted:
        return False  # another request used it first
    age = timezone.now() - challenge.created_at
    if age > TTL or age < timedelta(seconds=MIN_SECONDS):
        return False
    if settings.CAPTCHA_TEST_MODE and normalize(answer) == TEST_PASSPHRASE:
        return True
    return hmac.compare_digest(challenge.answer_hash, _digest(answer))
