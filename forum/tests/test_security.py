"""The attacks the replaced CMSes fell to (DedeCMS, PbootCMS), tried on this
site: template syntax and SQL through every place a visitor can type, and
POSTs without a CSRF token. Each test asserts what the attacker gets back.
`make test-security` runs this file alone; `make test` runs it too."""

import re
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils.html import escape

from articles.models import Article
from articles.tests.factories import make_article, make_category
from comments import captcha as captcha_module
from comments import proof
from comments.models import CaptchaChallenge, Comment
from comments.services import comment_create

pytestmark = [pytest.mark.security, pytest.mark.django_db]

TEMPLATE_PAYLOADS = [
    "{{7*7}}",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "{% now 'Y' %}",
    "{pboot:if(1)}PBOOT{/pboot:if}",
    "{dede:php}echo 'DEDE';{/dede:php}",
    "${7*7}",
    "<%= 7*7 %>",
    "{{request.META}}",
]
SQL_PAYLOADS = [
    "' OR '1'='1",
    "1' OR 1=1-- ",
    "1; DROP TABLE articles_article;--",
    '" UNION SELECT username, password FROM auth_user--',
    "＇ OR １＝１ --",  # full-width quotes and digits
    "%df' OR 1=1#",  # the GBK multi-byte quote trick
    "1 AND SLEEP(5)",
    "\\'; SELECT pg_sleep(5); --",
]
# What evaluated template code would put on the page ({% debug %}'s dump of
# the context and modules, {{request.META}}); the payload shown as typed
# proves the rest (an evaluated "{{ 7|add:7 }}" would leave "14" instead).
EVALUATED = ("HTTP_HOST", "sql_queries", "wsgi.input", "django.template", "SERVER_PORT")


@pytest.fixture
def site():
    category = make_category(name="店铺运营", slug="dpyy")
    article = make_article(category=category, title="直通车出价的三个步骤", tags=["直通车"])
    make_article(category=category, title="主图优化的方法", tags=["主图"])
    return article


def shown(html, payload):
    """The payload appears in the page exactly as typed, escaped as text."""
    return escape(payload) in html


def evaluated_markers(html):
    return [marker for marker in EVALUATED if marker in html]


# --- template syntax ------------------------------------------------------


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_a_search_comes_back_as_text(client, site, payload):
    response = client.get("/search/", {"q": payload})
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(html, payload), payload
    assert evaluated_markers(html) == []


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_suggestions_is_plain_json(client, site, payload):
    response = client.get("/search/suggest/", {"q": payload})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_a_comment_and_nickname_is_shown_as_text(client, site, payload):
    comment_create(
        article=site, nickname=payload[:20], body=f"评论:{payload}", ip="", user_agent=""
    )
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    html = client.get(site.get_absolute_url()).content.decode()
    assert shown(html, f"评论:{payload}")
    assert shown(html, payload[:20])
    assert evaluated_markers(html) == []


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_a_tag_name_is_shown_as_text(client, payload):
    article = make_article(title="标签测试", tags=[payload])
    tag = article.tags.get()
    listing = client.get(f"/tags/{tag.slug}/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert shown(html, payload) and evaluated_markers(html) == []
    page = client.get(article.get_absolute_url()).content.decode()
    assert shown(page, payload) and evaluated_markers(page) == []


def test_a_php_nickname_ends_up_only_as_escaped_text(client, site):
    nickname = "'.phpinfo();?>"
    comment_create(article=site, nickname=nickname, body="普通的评论内容", ip="", user_agent="")
    html = client.get(site.get_absolute_url()).content.decode()
    assert "&#x27;.phpinfo();?&gt;" in html
    assert nickname not in html


def test_script_in_a_comment_is_not_markup(client, site):
    body = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    comment_create(article=site, nickname="<b>x</b>", body=body, ip="", user_agent="")
    html = client.get(site.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html and 'onerror="alert(2)"' not in html
    assert "<b>x</b>" not in html


# --- SQL ------------------------------------------------------------------


def _counts():
    return (Article.objects.count(), Comment.objects.count(), get_user_model().objects.count())


def _found(html):
    """The search page's result count (0 for its no-result message)."""
    match = re.search(r"找到 (\d+) 篇相关文章", html)
    if match:
        return int(match.group(1))
    assert "没有找到相关文章" in html
    return 0


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_a_search_gives_an_ordinary_page(client, site, payload):
    """The quotes, comment marks and semicolons change nothing: the payload
    finds what its words alone find, and no row is added or lost."""
    before = _counts()
    response = client.get("/search/", {"q": payload})
    assert response.status_code == 200
    html = response.content.decode()
    typed = payload.strip()
    assert shown(html, typed) or shown(html, unicodedata.normalize("NFKC", typed))
    words_only = re.sub(r"['\"＇;#%\\-]", " ", payload)
    assert _found(html) == _found(client.get("/search/", {"q": words_only}).content.decode())
    assert _counts() == before


QUERY_URLS = [
    "/dpyy/?page={}",
    "/search/?q=直通车&page={}",
    "/search/suggest/?q={}",
    "/sitemap/dpyy/?page={}",
    "/?page={}",
    "/feed/?page={}",
    "/sitemap.xml?p={}",
]


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_query_parameters_never_breaks_a_page(client, site, payload):
    before = _counts()
    for url in QUERY_URLS:
        response = client.get(url.format(payload))
        assert response.status_code in (200, 404), (url, response.status_code)
    assert _counts() == before


def test_sql_in_a_page_number_gives_page_one_or_not_found(client, site):
    plain = client.get("/dpyy/").content.decode()
    for payload in SQL_PAYLOADS:
        response = client.get("/dpyy/", {"page": payload})
        if response.status_code == 200:
            titles = re.findall(r'class="item-title"><a [^>]*>([^<]+)<', response.content.decode())
            assert titles == re.findall(r'class="item-title"><a [^>]*>([^<]+)<', plain)
        else:
            assert response.status_code == 404


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_path_parts_is_a_not_found_page(client, site, payload):
    before = _counts()
    for url in (f"/tags/{payload}/", f"/dpyy/{payload}.html", f"/{payload}/"):
        response = client.get(url)
        assert response.status_code in (404, 301), (url, response.status_code)
    assert _counts() == before


@pytest.mark.parametrize("payload", SQL_PAYLOADS)
def test_sql_in_the_comment_form_is_stored_as_text(client, site, payload, monkeypatch):
    monkeypatch.setattr(captcha_module, "random_answer", lambda: "HK7PX")
    key, _ = captcha_module.captcha_create()
    CaptchaChallenge.objects.update(
        created_at=CaptchaChallenge.objects.get().created_at.replace(year=2000)
    )
    articles = Article.objects.count()
    data = {
        "nickname": payload[:20],
        "body": f"注入测试 {payload}",
        "captcha": "HK7PX",
        "captcha_key": key,
        "altcha": proof.solve(proof.pow_create(article_id=site.pk)),
    }
    response = client.post(f"/comments/{site.pk}/post/", data)
    # refused as an expired captcha (the challenge was made old), the text kept
    assert response.status_code == 400
    assert shown(response.content.decode(), f"注入测试 {payload}")
    assert Article.objects.count() == articles


# --- CSRF -----------------------------------------------------------------


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_a_comment_without_a_csrf_token_is_refused(strict_client, site):
    data = {"body": "没有令牌", "captcha": "X", "captcha_key": "x", "altcha": "x"}
    response = strict_client.post(f"/comments/{site.pk}/post/", data)
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_a_comment_with_the_csrf_token_gets_past_the_check(strict_client, site):
    """The other half: with the token the endpoint gives out, the same
    client gets to the form's own checks (a wrong captcha, not a 403)."""
    token = strict_client.get("/comments/captcha/").json()["csrf_token"]
    data = {"body": "带着令牌", "captcha": "X", "captcha_key": "x", "csrfmiddlewaretoken": token}
    data["altcha"] = proof.solve(proof.pow_create(article_id=site.pk))
    response = strict_client.post(f"/comments/{site.pk}/post/", data)
    assert response.status_code == 400
    assert "验证码错误或已过期" in response.content.decode()


def test_the_admin_login_without_a_csrf_token_is_refused(strict_client):
    get_user_model().objects.create_superuser("boss", "b@example.com", "secret-pass-1")
    response = strict_client.post(
        "/admin/login/", {"username": "boss", "password": "secret-pass-1"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict_client.session


def test_an_admin_action_without_a_csrf_token_is_refused(strict_client, site):
    staff = get_user_model().objects.create_superuser("mod", "m@example.com", "x")
    strict_client.force_login(staff)
    comment = comment_create(article=site, nickname="", body="一条评论", ip="", user_agent="")
    response = strict_client.post(
        "/admin/comments/comment/",
        {"action": "mark_spam", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dpyy/",
        "/search/?q=直通车",
        "/search/suggest/?q=直通车",
        "/comments/captcha/",
        "/sitemap/",
        "/feed/",
        "/robots.txt",
    ],
)
def test_no_reader_page_accepts_a_post_without_a_token(strict_client, site, url):
    response = strict_client.post(url, {"q": "x"})
    assert response.status_code in (403, 405), (url, response.status_code)
