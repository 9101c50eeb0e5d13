"""The captcha's server side (comments/captcha.py): a challenge is accepted
once, for the right answer, between 3 seconds and 10 minutes after it was
shown; junk is turned away before it costs a database query.

The clock is a stand-in, so the limits are tested to the microsecond and
nothing depends on how fast the test runs.
"""

import base64
import io
import random
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.db.models import QuerySet
from PIL import Image

from comments import captcha as captcha_module
from comments.captcha import TTL, captcha_check, captcha_create
from comments.captcha_image import HEIGHT, WIDTH, render_png
from comments.models import CaptchaChallenge

pytestmark = pytest.mark.django_db

ANSWER = "HK7PX"
SHOWN_FOR = timedelta(seconds=10)  # how long a reader looks at the image


@pytest.fixture(autouse=True)
def known_answer(monkeypatch):
    monkeypatch.setattr(captcha_module, "random_answer", lambda: ANSWER)


@pytest.fixture
def clock(monkeypatch):
    """comments.captcha's view of the time, moved by the test."""
    clock = SimpleNamespace(moment=datetime(2025, 5, 1, 2, 0, tzinfo=UTC))
    clock.now = lambda: clock.moment
    monkeypatch.setattr(captcha_module, "timezone", clock)
    return clock


def issue():
    key, _ = captcha_create()
    return key


def test_the_right_answer_is_accepted_once(clock):
    key = issue()
    clock.moment += SHOWN_FOR
    assert captcha_check(key=key, answer=ANSWER) is True
    assert captcha_check(key=key, answer=ANSWER) is False
    assert not CaptchaChallenge.objects.exists()


@pytest.mark.parametrize("typed", ["hk7px", " HK7PX ", "hk7 px"])
def test_case_and_spaces_do_not_matter(clock, typed):
    key = issue()
    clock.moment += SHOWN_FOR
    assert captcha_check(key=key, answer=typed) is True


def test_a_wrong_answer_is_refused_and_uses_the_challenge_up(clock):
    key = issue()
    clock.moment += SHOWN_FOR
    assert captcha_check(key=key, answer="HK7PY") is False
    assert captcha_check(key=key, answer=ANSWER) is False


def test_each_challenge_has_its_own_key_and_stores_no_answer(clock):
    first, second = issue(), issue()
    assert first != second
    for challenge in CaptchaChallenge.objects.all():
        assert ANSWER not in challenge.answer_hash
        assert ANSWER.lower() not in challenge.answer_hash
        # an HMAC-SHA256 keyed with SECRET_KEY (SHA-1 is not what we promise)
        assert len(challenge.answer_hash) == 64
        assert int(challenge.answer_hash, 16) >= 0


def test_the_image_is_a_png_data_url_of_the_captcha_size(clock):
    _, image = captcha_create()
    prefix = "data:image/png;base64,"
    assert image.startswith(prefix)
    with Image.open(io.BytesIO(base64.b64decode(image.removeprefix(prefix)))) as png:
        assert png.format == "PNG" and png.size == (WIDTH, HEIGHT)


def test_the_image_stays_a_few_kilobytes():
    """It travels inline in the JSON of every comment form a phone opens
    (about 4 KB; a full 256-colour palette would double it)."""
    for seed in range(5):
        assert len(render_png(ANSWER, rng=random.Random(seed))) < 5_000


@pytest.mark.parametrize("answer", [None, "", "  "])
def test_there_is_no_picture_of_no_answer(answer):
    with pytest.raises(ValueError):
        render_png(answer)


def test_an_answer_is_accepted_from_three_seconds_to_ten_minutes(clock):
    shown = clock.moment
    too_soon, earliest, latest, too_late = (issue() for _ in range(4))  # shown together
    clock.moment = shown + timedelta(seconds=3) - timedelta(microseconds=1)
    assert captcha_check(key=too_soon, answer=ANSWER) is False
    clock.moment = shown + timedelta(seconds=3)
    assert captcha_check(key=earliest, answer=ANSWER) is True
    clock.moment = shown + TTL
    assert captcha_check(key=latest, answer=ANSWER) is True
    clock.moment = shown + TTL + timedelta(microseconds=1)
    assert captcha_check(key=too_late, answer=ANSWER) is False


def test_a_new_challenge_clears_out_expired_ones_only(clock):
    expired = issue()
    clock.moment += TTL / 2
    live = issue()
    clock.moment += TTL / 2 + timedelta(microseconds=1)
    issue()
    keys = set(CaptchaChallenge.objects.values_list("key", flat=True))
    assert expired not in keys
    assert live in keys and len(keys) == 2


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("", ANSWER),
        (None, ANSWER),
        ("a-key", ""),
        ("a-key", None),
        ("k" * 65, ANSWER),  # longer than any key the site issues (64 at most)
        ("k" * 100_000, ANSWER),
    ],
    ids=["no key", "key None", "no answer", "answer None", "key of 65", "key of 100000"],
)
def test_junk_is_refused_without_a_database_query(key, answer, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert captcha_check(key=key, answer=answer) is False


def test_a_key_of_the_longest_stored_length_is_still_checked(clock):
    CaptchaChallenge.objects.create(
        key="k" * 64, answer_hash=captcha_module._digest(ANSWER), created_at=clock.moment
    )
    clock.moment += SHOWN_FOR
    assert captcha_check(key="k" * 64, answer=ANSWER) is True


def test_an_unknown_key_is_refused(clock):
    issue()
    clock.moment += SHOWN_FOR
    assert captcha_check(key="forged-key-that-was-never-issued", answer=ANSWER) is False
    assert CaptchaChallenge.objects.count() == 1


def test_of_two_requests_racing_with_one_answer_only_one_is_accepted(clock, monkeypatch):
    """The other request deletes the challenge between this one's lookup
    and its own delete: this one must not accept it too."""
    key = issue()
    clock.moment += SHOWN_FOR
    lookup = QuerySet.first
    raced = []

    def lookup_while_the_other_request_wins(queryset):
        challenge = lookup(queryset)
        if challenge is not None and not raced:
            raced.append(True)
            assert captcha_check(key=key, answer=ANSWER) is True  # the other request
        return challenge

    with monkeypatch.context() as race:
        race.setattr(QuerySet, "first", lookup_while_the_other_request_wins)
        assert captcha_check(key=key, answer=ANSWER) is False


def test_test_mode_accepts_the_passphrase_and_still_checks_real_answers(clock, settings):
    keys = [issue() for _ in range(4)]
    clock.moment += SHOWN_FOR
    assert captcha_check(key=keys[0], answer="PASSED") is False
    settings.CAPTCHA_TEST_MODE = True
    assert captcha_check(key=keys[1], answer="passed") is True
    assert captcha_check(key=keys[2], answer=ANSWER) is True
    assert captcha_check(key=keys[3], answer="WRONG") is False
