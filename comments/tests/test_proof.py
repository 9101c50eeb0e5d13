"""The proof of work in front of every comment post (comments/proof.py):
each way a proof is refused, through the form as a bot would send it."""

import base64
import json
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.tests.factories import make_article
from comments import captcha as captcha_module
from comments import proof
from comments.models import CaptchaChallenge, Comment
from comments.views import POW_REFUSED

pytestmark = pytest.mark.django_db

ANSWER = "HK7PX"
TEXT = "请问直通车的出价要怎么调?"


@pytest.fixture(autouse=True)
def known_answer(monkeypatch):
    monkeypatch.setattr(captcha_module, "random_answer", lambda: ANSWER)


@pytest.fixture
def article():
    return make_article(title="工作量证明测试文章")


def captcha_key():
    key, _ = captcha_module.captcha_create()
    CaptchaChallenge.objects.filter(key=key).update(
        created_at=timezone.now() - timedelta(seconds=10)
    )
    return key


def send(client, article, altcha):
    data = {"nickname": "小周", "body": TEXT, "captcha": ANSWER, "captcha_key": captcha_key()}
    if altcha is not None:
        data["altcha"] = altcha
    return client.post(f"/comments/{article.pk}/post/", data, REMOTE_ADDR="203.0.113.9")


def edited(payload, **changes):
    data = json.loads(base64.b64decode(payload))
    data.update(changes)
    return base64.b64encode(json.dumps(data).encode()).decode()


def assert_refused(response, reason):
    assert response.status_code == 400
    html = response.content.decode()
    assert POW_REFUSED[reason] in html
    # what the reader typed is still there, and a new challenge comes with it
    assert f"{TEXT}</textarea>" in html and 'value="小周"' in html
    assert re.search(r'data-pow="[^"]*challenge', html)
    assert Comment.objects.count() == 0


def test_a_solved_proof_lets_the_comment_through(client, article):
    payload = proof.solve(proof.pow_create(article_id=article.pk))
    assert send(client, article, payload).status_code == 302
    assert Comment.objects.get().body == TEXT


@pytest.mark.parametrize("altcha", [None, ""], ids=["no field", "empty field"])
def test_a_missing_proof_is_refused(client, article, altcha):
    response = send(client, article, altcha)
    assert_refused(response, proof.MISSING)
    assert "JavaScript" in POW_REFUSED[proof.MISSING]


def test_a_proof_is_accepted_once(client, article):
    payload = proof.solve(proof.pow_create(article_id=article.pk))
    assert send(client, article, payload).status_code == 302
    response = send(client, article, payload)
    assert response.status_code == 400
    assert POW_REFUSED[proof.REUSED] in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_proof_for_another_article_is_refused(client, article):
    other = make_article(title="另一篇文章")
    payload = proof.solve(proof.pow_create(article_id=other.pk))
    assert_refused(send(client, article, payload), proof.OTHER_ARTICLE)


def test_an_expired_proof_is_refused(client, article, settings):
    issued = time.time() - settings.COMMENT_POW_SECONDS - 5
    payload = proof.solve(proof.pow_create(article_id=article.pk, now=issued))
    assert_refused(send(client, article, payload), proof.EXPIRED)


def test_a_proof_just_in_time_is_accepted(article, settings):
    issued = time.time() - settings.COMMENT_POW_SECONDS + 30
    payload = proof.solve(proof.pow_create(article_id=article.pk, now=issued))
    assert proof.pow_verify(payload, article_id=article.pk) is None


def test_a_wrong_number_is_refused(client, article):
    """The work not done: a number that does not hash to the challenge."""
    challenge = proof.pow_create(article_id=article.pk)
    payload = proof.solve(challenge)
    number = json.loads(base64.b64decode(payload))["number"]
    wrong = edited(payload, number=(number + 1) % (challenge["maxnumber"] + 1))
    assert_refused(send(client, article, wrong), proof.FORGED)


def test_a_challenge_of_the_bots_own_is_refused(client, article, settings):
    """A bot makes an easy challenge itself (number 0): without the server's
    signature it is worthless."""
    salt = f"abc?article={article.pk}&expires={int(time.time()) + 600}"
    challenge = proof._hash(salt, 0)
    payload = {
        "algorithm": "SHA-256",
        "challenge": challenge,
        "number": 0,
        "salt": salt,
        "signature": "0" * 64,
    }
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert_refused(send(client, article, forged), proof.FORGED)


def test_a_salt_changed_to_another_article_or_time_is_refused(client, article):
    """The article and the expiry are in the salt, which the signed challenge
    covers: changing them breaks the proof."""
    other = make_article(title="另一篇")
    payload = proof.solve(proof.pow_create(article_id=other.pk))
    salt = json.loads(base64.b64decode(payload))["salt"]
    moved = salt.replace(f"article={other.pk}", f"article={article.pk}")
    assert_refused(send(client, article, edited(payload, salt=moved)), proof.FORGED)
    later = re.sub(r"expires=\d+", f"expires={int(time.time()) + 10**6}", salt)
    assert proof.pow_verify(edited(payload, salt=later), article_id=other.pk) == proof.FORGED


def test_a_number_beyond_the_limit_is_refused(article, settings, monkeypatch):
    """The server's limit holds even for a proof it signed when the limit
    was higher (a setting lowered since)."""
    monkeypatch.setattr(proof.secrets, "randbelow", lambda n: 1000)
    payload = proof.solve(proof.pow_create(article_id=article.pk))
    settings.COMMENT_POW_MAX_NUMBER = 999
    assert proof.pow_verify(payload, article_id=article.pk) == proof.FORGED
    settings.COMMENT_POW_MAX_NUMBER = 1000
    assert proof.pow_verify(payload, article_id=article.pk) is None


@pytest.mark.parametrize(
    "payload",
    [
        "not base64 at all!",
        base64.b64encode(b"[1, 2, 3]").decode(),
        base64.b64encode(b"{broken json").decode(),
        "A" * 2000,
    ],
    ids=["not base64", "not an object", "not json", "long zeros"],
)
def test_garbage_is_refused(client, article, payload):
    assert_refused(send(client, article, payload), proof.FORGED)


@pytest.mark.parametrize(
    "changes",
    [{"algorithm": "SHA-1"}, {"number": -1}, {"number": "7"}, {"number": True}, {"salt": 5}],
    ids=["algorithm", "negative", "number as text", "boolean", "salt not text"],
)
def test_malformed_fields_are_refused(article, changes):
    payload = proof.solve(proof.pow_create(article_id=article.pk))
    assert proof.pow_verify(edited(payload, **changes), article_id=article.pk) == proof.FORGED


def test_an_oversized_payload_is_refused_before_it_is_decoded(article):
    payload = proof.solve(proof.pow_create(article_id=article.pk))
    padded = edited(payload, padding="x" * 1000)
    assert proof.pow_verify(padded, article_id=article.pk) == proof.FORGED
    assert proof.pow_verify(edited(payload, padding="x"), article_id=article.pk) is None


def test_a_salt_without_its_article_or_expiry_is_refused(article):
    """A signed challenge whose salt says nothing about where and until when
    (as another ALTCHA server might issue) is not a proof for this form."""
    salt = "0123abcd"
    challenge = proof._hash(salt, 3)
    payload = {
        "algorithm": "SHA-256",
        "challenge": challenge,
        "number": 3,
        "salt": salt,
        "signature": proof._sign(challenge),
    }
    raw = base64.b64encode(json.dumps(payload).encode()).decode()
    assert proof.pow_verify(raw, article_id=article.pk) == proof.FORGED


def test_the_captcha_endpoint_issues_a_challenge_for_the_article(client, article):
    data = client.get("/comments/captcha/", {"article": article.pk}).json()
    challenge = data["pow"]
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert f"article={article.pk}&" in challenge["salt"]
    assert challenge["maxnumber"] == 50_000
    # solvable, and good for this article's form only
    payload = proof.solve(challenge)
    assert proof.pow_verify(payload, article_id=article.pk + 1) == proof.OTHER_ARTICLE
    assert proof.pow_verify(payload, article_id=article.pk) is None


def test_challenges_differ_and_do_not_give_the_number_away(client, article):
    first = client.get("/comments/captcha/", {"article": article.pk}).json()["pow"]
    second = client.get("/comments/captcha/", {"article": article.pk}).json()["pow"]
    assert first["salt"] != second["salt"] and first["challenge"] != second["challenge"]
    assert "number" not in first


def test_the_article_page_stays_cacheable(client, article):
    """The challenge comes from the captcha endpoint: the article's HTML
    carries none, only the address to ask."""
    html = client.get(article.get_absolute_url()).content.decode()
    assert "data-pow=" not in html
    assert f'data-captcha-url="/comments/captcha/?article={article.pk}"' in html
    assert 'name="altcha" value=""' in html


def test_without_javascript_the_form_says_it_is_needed(client, article):
    for url in (article.get_absolute_url(), f"/comments/{article.pk}/"):
        html = client.get(url).content.decode()
        noscript = re.search(r"<noscript>(.*?)</noscript>", html, re.S).group(1)
        assert "发表评论需要浏览器开启 JavaScript" in noscript


def test_the_form_page_carries_its_own_challenge(client, article):
    html = client.get(f"/comments/{article.pk}/").content.decode()
    assert re.search(rf"data-pow=\"[^\"]*article={article.pk}&amp;expires=", html)


def test_switched_off_no_proof_is_asked(client, article, settings):
    settings.COMMENT_POW = False
    assert send(client, article, None).status_code == 302
    assert client.get("/comments/captcha/").json()["pow"] is None
