import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from articles.tests.factories import make_article
from articles.tests.isolation import BORROWED_REDIS
from comments import captcha as captcha_module
from comments import proof
from comments.models import BannedWord, CaptchaChallenge, Comment

pytestmark = pytest.mark.django_db

ANSWER = "HK7PX"


@pytest.fixture(autouse=True)
def known_answer(monkeypatch):
    monkeypatch.setattr(captcha_module, "random_answer", lambda: ANSWER)


@pytest.fixture
def article():
    return make_article(title="评论测试文章")


def new_captcha(age_seconds=10):
    """A challenge as if shown `age_seconds` ago; returns its key."""
    key, _ = captcha_module.captcha_create()
    CaptchaChallenge.objects.filter(key=key).update(
        created_at=timezone.now() - timedelta(seconds=age_seconds)
    )
    return key


def solved(article):
    """A proof of work for `article`'s form, as the browser's script sends it."""
    return proof.solve(proof.pow_create(article_id=article.pk))


def post(client, article, *, answer=ANSWER, key=None, ip="203.0.113.7", **fields):
    data = {"nickname": "老王", "body": "很有用的文章,谢谢分享!", "captcha": answer}
    data["captcha_key"] = new_captcha() if key is None else key
    data["altcha"] = solved(article)
    data.update(fields)
    return client.post(f"/comments/{article.pk}/post/", data, REMOTE_ADDR=ip)


def page(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


def heading_count(html):
    return int(re.search(r"留言与评论\(共有 (\d+) 条评论\)", html).group(1))


def test_accepted_comment_shows_at_once_with_the_right_count(client, article):
    response = post(client, article, body="第一行\n第二行")
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?comment=posted#comments"
    html = page(client, article, comment="posted")
    assert "评论已发表" in html
    assert heading_count(html) == 1
    assert "老王" in html and "第一行<br>第二行" in html
    comment = Comment.objects.get()
    assert re.search(comment.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), html)
    assert comment.ip == "203.0.113.7"


def test_empty_nickname_shows_as_anonymous(client, article):
    post(client, article, nickname="")
    assert "匿名网友" in page(client, article)


def test_count_follows_moderation(client, article, django_capture_on_commit_callbacks):
    for status in Comment.Status.values:
        Comment.objects.create(article=article, body=f"状态{status}", status=status)
    html = page(client, article)
    assert heading_count(html) == 1
    assert "状态approved" in html and "状态pending" not in html and "状态spam" not in html
    with django_capture_on_commit_callbacks(execute=True):  # as the moderator's save commits
        pending = Comment.objects.get(status=Comment.Status.PENDING)
        pending.status = Comment.Status.APPROVED
        pending.save()
    assert heading_count(page(client, article)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(body="状态approved").delete()
    assert heading_count(page(client, article)) == 1


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    '<a href="javascript:alert(1)">点我</a>',
    "<iframe src=javascript:alert(1)>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<scr<script>ipt>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)>",
    "'';!--\"<XSS>=&{()}",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<video><source onerror=alert(1)></video>",
    "</textarea><script>alert(1)</script>",
    "{{ 7|add:7 }}{% now 'Y' %}",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_comment_text_and_nickname_are_always_escaped(client, article, payload):
    Comment.objects.create(
        article=article, nickname=payload[:20], body=payload, status=Comment.Status.APPROVED
    )
    html = page(client, article)
    comment_html = html[html.index('class="comment-list"') : html.index('class="comment-form"')]
    # Exactly the text, escaped: nothing of it is markup.
    assert f'<p class="comment-body">{escape(payload)}</p>' in comment_html
    assert f'<strong class="comment-name">{escape(payload[:20])}</strong>' in comment_html
    assert "<script" not in comment_html.lower()
    assert "<img" not in comment_html and "<svg" not in comment_html
    assert "<iframe" not in comment_html and "<a href" not in comment_html
    assert re.search(r"<[^>]+\son\w+=", comment_html) is None
    if "{{" in payload:  # template syntax is shown, never evaluated
        assert "{{ 7|add:7 }}{% now &#x27;Y&#x27; %}" in comment_html


def test_article_get_writes_nothing_and_sets_no_cookie(client, article):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    writes = [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"], re.I)]
    assert writes == []
    assert "Set-Cookie" not in str(response.headers) and not response.cookies
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken" value=""' in html
    assert 'name="captcha_key" value=""' in html
    assert CaptchaChallenge.objects.count() == 0


def test_captcha_endpoint_gives_image_key_and_token_never_the_answer(client):
    response = client.get("/comments/captcha/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = response.json()
    assert data["image"].startswith("data:image/png;base64,")
    assert len(data["key"]) >= 40 and data["csrf_token"]
    everything = response.content.decode() + str(response.cookies)
    assert ANSWER not in everything and ANSWER.lower() not in everything
    challenge = CaptchaChallenge.objects.get()
    assert challenge.key == data["key"] and ANSWER not in challenge.answer_hash


def test_wrong_captcha_keeps_everything_typed(client, article):
    typed = {"nickname": "小李<店>", "body": "  第一段&amp;\n\n第二段 “引号” <b>粗</b>"}
    response = post(client, article, answer="WRONG", **typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "验证码错误或已过期" in html
    assert 'value="小李&lt;店&gt;"' in html
    assert "第一段&amp;amp;\n\n第二段 “引号” &lt;b&gt;粗&lt;/b&gt;</textarea>" in html
    assert re.search(r'name="captcha"[^>]*value="WRONG"', html) is None
    new_key = re.search(r'name="captcha_key" value="([^"]+)"', html).group(1)
    assert CaptchaChallenge.objects.filter(key=new_key).exists()
    assert Comment.objects.count() == 0


def test_an_accepted_answer_is_never_accepted_again(client, article):
    key = new_captcha()
    assert post(client, article, key=key).status_code == 302
    replay = post(client, article, key=key, body="再来一次的评论")
    assert replay.status_code == 400 and "验证码错误或已过期" in replay.content.decode()
    assert Comment.objects.count() == 1


def test_a_wrong_answer_uses_up_the_challenge(client, article):
    key = new_captcha()
    post(client, article, key=key, answer="WRONG")
    assert post(client, article, key=key).status_code == 400


@pytest.mark.parametrize(
    "fields",
    [
        {"captcha_key": "forged-key-that-was-never-issued"},
        {"captcha_key": ""},
        {"captcha": ""},
        {"captcha_key": "x" * 500},
    ],
    ids=["forged key", "missing key", "missing answer", "oversized key"],
)
def test_forged_or_missing_parts_are_rejected(client, article, fields):
    new_captcha()
    fields = dict(fields)  # the parametrize dict is shared between runs
    response = post(client, article, key=fields.pop("captcha_key", None), **fields)
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_missing_fields_entirely_are_rejected(client, article):
    response = client.post(f"/comments/{article.pk}/post/", {"body": "只有正文没有验证码"})
    assert response.status_code == 400
    assert "只有正文没有验证码" in response.content.decode()


def test_expired_challenge_is_rejected(client, article):
    key = new_captcha(age_seconds=11 * 60)
    assert post(client, article, key=key).status_code == 400


def test_submitting_sooner_than_three_seconds_is_rejected_like_a_wrong_answer(client, article):
    key = new_captcha(age_seconds=1)
    response = post(client, article, key=key)
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()


def test_answer_is_case_insensitive(client, article):
    assert post(client, article, answer=ANSWER.lower()).status_code == 302
    assert post(client, article, answer=f" {ANSWER} ").status_code == 302


def test_honeypot_gets_the_same_error_as_a_wrong_captcha(client, article):
    response = post(client, article, website="http://spam.example")
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()
    assert Comment.objects.count() == 0


def test_test_passphrase_only_in_test_mode(client, article, settings):
    assert post(client, article, answer="PASSED").status_code == 400
    settings.CAPTCHA_TEST_MODE = True
    assert post(client, article, answer="PASSED").status_code == 302


def test_deploy_check_warns_while_test_mode_is_on(settings, capsys):
    settings.CAPTCHA_TEST_MODE = True
    call_command("check", "--deploy", "--tag", "security")
    assert "comments.W001" in capsys.readouterr().err
    settings.CAPTCHA_TEST_MODE = False
    call_command("check", "--deploy", "--tag", "security")
    assert "comments.W001" not in capsys.readouterr().err


def test_deploy_check_warns_when_rate_limits_are_counted_per_process(settings, capsys):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    call_command("check", "--deploy", "--tag", "security")
    assert "comments.W002" in capsys.readouterr().err
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BORROWED_REDIS,  # never reached: the check reads the backend
        }
    }
    call_command("check", "--deploy", "--tag", "security")
    assert "comments.W002" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("好", "评论内容至少 2 个字"),
        ("长" * 1001, "评论内容最多 1000 个字"),
        ("看 http://a.cn 和 https://b.com 还有 www.c.net", "最多只能包含 2 个链接"),
        ("", "请填写评论内容"),
    ],
)
def test_bad_text_is_refused_with_a_clear_message_and_kept(client, article, body, message):
    response = post(client, article, body=body)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f">\n{body}</textarea>" in html
    assert Comment.objects.count() == 0


def test_long_nickname_is_refused(client, article):
    response = post(client, article, nickname="名" * 21)
    assert "昵称最多 20 个字" in response.content.decode()


def test_links_wait_for_moderation(client, article):
    response = post(client, article, body="参考 https://example.com/guide 这篇")
    assert response["Location"].endswith("?comment=pending#comments")
    assert Comment.objects.get().status == Comment.Status.PENDING
    html = page(client, article, comment="pending")
    assert "评论已提交,审核后显示" in html and heading_count(html) == 0


def test_banned_words_wait_for_moderation(client, article):
    BannedWord.objects.create(word="加微信")
    post(client, article, body="想要货源的加微信聊")
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_moderate_everything_setting(client, article, settings):
    settings.COMMENT_MODERATE_ALL = True
    post(client, article)
    assert Comment.objects.get().status == Comment.Status.PENDING


@pytest.mark.parametrize("hidden", ["draft", "scheduled"])
def test_no_comment_on_drafts_or_scheduled(client, hidden):
    if hidden == "draft":
        article = make_article(status=Article.Status.DRAFT)
    else:
        article = make_article(published_at=timezone.now() + timedelta(days=1))
    assert post(client, article).status_code == 404
    assert client.get(f"/comments/{article.pk}/").status_code == 404
    assert Comment.objects.count() == 0


def test_rate_limit_counts_every_submission_and_keeps_the_text(client, article, settings):
    settings.COMMENT_RATE_LIMIT = "3/600"
    post(client, article)
    post(client, article, answer="WRONG")
    post(client, article, answer="WRONG")
    response = post(client, article, body="第四次提交的内容")
    assert response.status_code == 429
    html = response.content.decode()
    assert "评论太频繁了,请" in html and "分钟后再试" in html
    assert "第四次提交的内容</textarea>" in html
    assert Comment.objects.count() == 1


def test_new_captchas_are_rate_limited_per_address(client, settings):
    settings.CAPTCHA_RATE_LIMIT = "2/600"
    assert client.get("/comments/captcha/").status_code == 200
    assert client.get("/comments/captcha/").status_code == 200
    response = client.get("/comments/captcha/")
    assert response.status_code == 429
    assert response.json() == {"error": "请求太频繁,请稍后再试。"}
    other = client.get("/comments/captcha/", REMOTE_ADDR="203.0.113.99")
    assert other.status_code == 200


def test_spoofed_forwarded_for_does_not_reset_the_limit(client, article, settings):
    settings.COMMENT_RATE_LIMIT = "2/600"
    for n in range(2):
        post(client, article, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = post(client, article, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_trusted_proxy_forwarded_for_tells_readers_apart(article, settings):
    settings.COMMENT_RATE_LIMIT = "1/600"
    settings.COMMENT_TRUSTED_PROXIES = ["10.0.0.1"]
    client = Client(REMOTE_ADDR="10.0.0.1")

    def send(forwarded):
        data = {"body": "经过代理的评论", "captcha": ANSWER, "captcha_key": new_captcha()}
        data["altcha"] = solved(article)
        return client.post(
            f"/comments/{article.pk}/post/",
            data,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert send("192.0.2.1").status_code == 302
    assert send("192.0.2.2").status_code == 302
    assert send("1.2.3.4, 192.0.2.1").status_code == 429  # the spoofed left part is ignored
    assert Comment.objects.filter(ip="192.0.2.2").exists()


def test_csrf_failure_keeps_the_text(article):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/comments/{article.pk}/post/",
        {"nickname": "老张", "body": "没有令牌的评论", "captcha": ANSWER, "captcha_key": "x"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "安全校验已失效" in html and "没有令牌的评论</textarea>" in html


def test_form_page_for_readers_without_javascript(client, article):
    response = client.get(f"/comments/{article.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken" value="' in html
    assert re.search(r'name="captcha_key" value="[^"]+"', html)
    assert 'src="data:image/png;base64,' in html


def test_moderation_in_the_admin(client, article):
    staff = get_user_model().objects.create_superuser("editor", "e@example.com", "x")
    client.force_login(staff)
    pending = Comment.objects.create(
        article=article, body="等待审核的评论", ip="198.51.100.5", user_agent="SpamBot/1.0"
    )
    listing = client.get("/admin/comments/comment/", {"status__exact": "pending"})
    html = listing.content.decode()
    assert "等待审核的评论" in html and "198.51.100.5" in html
    Comment.objects.create(article=article, body="别的评论")
    found = client.get("/admin/comments/comment/", {"q": "审核"}).content.decode()
    assert "等待审核" in found and "别的评论" not in found
    detail = client.get(f"/admin/comments/comment/{pending.pk}/change/").content.decode()
    assert "SpamBot/1.0" in detail
    client.post(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": [pending.pk]},
    )
    client.logout()
    assert heading_count(page(client, article)) == 1
    client.force_login(staff)
    client.post(
        "/admin/comments/comment/",
        {"action": "mark_spam", "_selected_action": [pending.pk]},
    )
    pending.refresh_from_db()
    assert pending.status == Comment.Status.SPAM


def test_comments_are_not_added_in_the_admin(client, article):
    """They come from readers; the add form had no article field and failed."""
    client.force_login(get_user_model().objects.create_superuser("ed", "e@example.com", "x"))
    assert client.get("/admin/comments/comment/add/").status_code == 403
    assert "/admin/comments/comment/add/" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("action", ["approve", "reject", "mark_spam"])
def test_staff_who_may_only_view_comments_cannot_moderate(client, article, action):
    from django.contrib.auth.models import Permission

    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_comment"))
    client.force_login(viewer)
    pending = Comment.objects.create(article=article, body="等待审核的评论")
    listing = client.get("/admin/comments/comment/").content.decode()
    assert "等待审核的评论" in listing and f'value="{action}"' not in listing
    client.post("/admin/comments/comment/", {"action": action, "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_every_way_to_a_captcha_image_shares_one_limit(client, article, settings):
    """The JSON endpoint, the page for readers without JavaScript and the
    form sent back after a CSRF failure all draw a new image."""
    settings.CAPTCHA_RATE_LIMIT = "2/600"
    assert 'src="data:image/png' in client.get(f"/comments/{article.pk}/").content.decode()
    assert client.get("/comments/captcha/").status_code == 200
    assert client.get("/comments/captcha/").status_code == 429
    html = client.get(f"/comments/{article.pk}/").content.decode()
    assert 'src="data:image/png' not in html
    assert "请求太频繁,请稍后再试。" in html
    strict = Client(enforce_csrf_checks=True)
    html = strict.post(f"/comments/{article.pk}/post/", {"body": "没带令牌的评论"}).content.decode()
    assert "没带令牌的评论" in html and 'src="data:image/png' not in html
    assert CaptchaChallenge.objects.count() == 2


# The way round the picture ("看不清图片?"): no captcha, a moderator decides.

HELD_WITHOUT_CAPTCHA = "未填写验证码,选择人工审核"


def post_without_captcha(client, article, **fields):
    """What the form sends with "看不清图片?" ticked: no answer typed."""
    return post(client, article, answer="", without_captcha="1", **fields)


def test_the_form_offers_a_way_without_the_picture(client, article):
    html = page(client, article)
    assert re.search(
        r'<label><input type="checkbox" name="without_captcha" value="1"> '
        r"看不清图片\?不填验证码提交,评论将由管理员审核后显示</label>",
        html,
    )
    no_js = client.get(f"/comments/{article.pk}/").content.decode()
    assert 'name="without_captcha"' in no_js


def test_without_the_captcha_the_comment_always_waits_for_a_moderator(client, article):
    # The address already has a shown comment, so no other rule holds it.
    assert post(client, article, body="第一条,图片看得清").status_code == 302
    response = post_without_captcha(client, article, body="图片看不清,选了人工审核")
    assert response["Location"] == f"{article.get_absolute_url()}?comment=pending#comments"
    held = Comment.objects.get(body="图片看不清,选了人工审核")
    assert held.status == Comment.Status.PENDING
    assert held.held_reason == HELD_WITHOUT_CAPTCHA
    html = page(client, article, comment="pending")
    assert "评论已提交,审核后显示。" in html
    assert heading_count(html) == 1 and "选了人工审核" not in html


def test_without_the_captcha_a_wrong_answer_typed_anyway_changes_nothing(client, article):
    response = post(client, article, answer="WRONG", without_captcha="1")
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_reason_is_shown_to_moderators_with_the_others(client, article):
    post_without_captcha(client, article, body="看不清验证码,详见 https://example.com")
    held = Comment.objects.get()
    assert held.held_reason == f"{HELD_WITHOUT_CAPTCHA};含链接"
    client.force_login(get_user_model().objects.create_superuser("ed", "e@example.com", "x"))
    listing = client.get("/admin/comments/comment/", {"status__exact": "pending"})
    assert f"{HELD_WITHOUT_CAPTCHA};含链接" in listing.content.decode()


@pytest.mark.parametrize(
    "altcha", ["", "bm90IGEgcHJvb2Y=", "forged"], ids=["missing", "not json", "garbage"]
)
def test_without_the_captcha_the_proof_of_work_is_still_required(client, article, altcha):
    typed = "看不清图片的读者写的评论"
    response = post_without_captcha(client, article, body=typed, altcha=altcha)
    assert response.status_code == 400
    html = response.content.decode()
    assert "防垃圾验证" in html and f"{typed}</textarea>" in html
    assert re.search(r'name="without_captcha" value="1" checked', html)
    assert Comment.objects.count() == 0


def test_without_the_captcha_a_proof_for_another_article_is_refused(client, article):
    other = make_article(title="另一篇文章")
    response = post_without_captcha(client, article, altcha=solved(other))
    assert response.status_code == 400
    assert "防垃圾验证与本文不符" in response.content.decode()
    assert Comment.objects.count() == 0


def test_without_the_captcha_a_proof_is_used_once(client, article):
    payload = solved(article)
    assert post_without_captcha(client, article, altcha=payload).status_code == 302
    replay = post_without_captcha(client, article, altcha=payload, body="同一个证明再发一次")
    assert replay.status_code == 400
    assert Comment.objects.count() == 1


def test_without_the_captcha_the_honeypot_still_refuses(client, article):
    response = post_without_captcha(client, article, website="http://spam.example")
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_without_the_captcha_counts_towards_the_comment_rate_limit(client, article, settings):
    settings.COMMENT_RATE_LIMIT = "2/600"
    post(client, article)
    post_without_captcha(client, article)
    response = post_without_captcha(client, article, body="第三次提交,超过了限制")
    assert response.status_code == 429
    html = response.content.decode()
    assert "评论太频繁了,请" in html and "第三次提交,超过了限制</textarea>" in html
    assert Comment.objects.count() == 2


def test_an_address_may_send_only_a_few_without_the_captcha(client, article, settings):
    """What one address can put in the moderation queue this way is
    limited; it can still answer the picture."""
    settings.COMMENT_WITHOUT_CAPTCHA_RATE_LIMIT = "2/3600"
    post_without_captcha(client, article, body="第一条,不填验证码")
    post_without_captcha(client, article, body="第二条,不填验证码")
    response = post_without_captcha(client, article, body="第三条,不填验证码")
    assert response.status_code == 429
    html = response.content.decode()
    assert "不填验证码的评论已提交太多次,请稍后再试,或填写图片中的验证码后提交。" in html
    assert "第三条,不填验证码</textarea>" in html
    assert Comment.objects.count() == 2
    other = post_without_captcha(client, article, body="别的地址", ip="203.0.113.99")
    assert other.status_code == 302
    assert post(client, article, body="这次填了验证码").status_code == 302
    assert Comment.objects.count() == 4


def test_the_way_without_the_captcha_closes_while_its_queue_is_full(client, article, settings):
    """Many addresses at once cannot fill the moderators' queue: past the
    limit the reader is asked to answer the picture, which still works;
    once a moderator has handled the waiting ones, the way opens again."""
    settings.COMMENT_WITHOUT_CAPTCHA_QUEUE = 2
    post_without_captcha(client, article, ip="198.51.100.1")
    post_without_captcha(client, article, ip="198.51.100.2")
    response = post_without_captcha(client, article, body="第三个地址的评论", ip="198.51.100.3")
    assert response.status_code == 429
    html = response.content.decode()
    assert "现在等待人工审核的评论太多,暂时不能不填验证码提交。" in html
    assert "第三个地址的评论</textarea>" in html
    assert Comment.objects.count() == 2
    assert post(client, article, body="填了验证码的评论", ip="198.51.100.3").status_code == 302
    Comment.objects.filter(status=Comment.Status.PENDING).update(status=Comment.Status.APPROVED)
    again = post_without_captcha(client, article, body="又能提交了", ip="198.51.100.4")
    assert again.status_code == 302
