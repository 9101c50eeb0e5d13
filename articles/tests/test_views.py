import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.utils import timezone

from articles.models import Article
from articles.reads import reads

from .factories import make_article, make_category

pytestmark = pytest.mark.django_db

READER = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari"}


def text_of(response):
    """The page as a reader sees it: tags removed, whitespace folded."""
    html = response.content.decode().split("<body>", 1)[-1]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def main_text(response):
    """Only the main column: no navigation bar, no sidebar."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def views_of(article):
    reads.flush()
    article.refresh_from_db()
    return article.views


@pytest.fixture
def article():
    category = make_category(name="淘宝开店", slug="tbkd")
    return make_article(
        category=category,
        title="淘宝新店前三个月怎么做流量",
        body='<h2>一、定位</h2><p>1、先选品</p><p class="tip">温馨提示:别刷单</p>',
        tags=["新手开店", "引流"],
        published_at=timezone.make_aware(timezone.datetime(2025, 3, 14, 9, 30, 5)),
        views=41,
    )


def test_article_page_shows_every_format_element_in_order(client, article):
    older = make_article(
        category=article.category,
        title="上一篇的标题",
        published_at=article.published_at - timedelta(days=1),
    )
    related = make_article(title="同标签的文章", tags=["引流"])
    response = client.get(article.get_absolute_url(), **READER)
    assert response.status_code == 200
    page = text_of(response)
    expected_in_order = [
        "当前位置: 首页 > 淘宝开店 > 正文",
        "淘宝新店前三个月怎么做流量",
        "2025-03-14 09:30:05",
        "阅读量:42",
        "一、定位",
        "温馨提示:别刷单",
        "相关标签: 新手开店 引流",
        "上一篇: 上一篇的标题",
        "下一篇: 没有了",
        "相关文章 同标签的文章",
        "热门内容",
        "回到顶部",
    ]
    positions = [page.find(item) for item in expected_in_order]
    assert -1 not in positions, dict(zip(expected_in_order, positions, strict=True))
    assert positions == sorted(positions)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'href="{older.get_absolute_url()}"' in html
    assert f'href="{related.get_absolute_url()}"' in html
    assert 'href="/tags/%E5%BC%95%E6%B5%81/"' in html
    assert 'href="#top"' in html and 'id="top"' in html


def test_article_page_seo_head(client, article):
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert "<title>淘宝新店前三个月怎么做流量 - " in html
    assert '<meta name="keywords" content="新手开店,引流">' in html
    assert f'<link rel="canonical" href="http://testserver/tbkd/{article.pk}.html">' in html
    assert '<meta name="description" content="一、定位 1、先选品 温馨提示:别刷单">' in html


def test_seo_fields_win_when_set(client, article):
    article.seo_title, article.seo_description, article.seo_keywords = "SEO标题", "SEO描述", "甲,乙"
    article.save()
    html = client.get(article.get_absolute_url(), **READER).content.decode()
    assert "<title>SEO标题 - " in html
    assert '<meta name="description" content="SEO描述">' in html
    assert '<meta name="keywords" content="甲,乙">' in html


def test_popular_sidebar_lists_top_ten_without_current(client, article):
    article.views = 10_000
    article.save()
    others = [make_article(views=100 + n, body="<p>" + "卖" * 90 + "</p>") for n in range(11)]
    response = client.get(article.get_absolute_url(), **READER)
    sidebar = response.content.decode().split("热门内容", 1)[1]
    titles = re.findall(r'class="popular-title" href="[^"]+">([^<]+)<', sidebar)
    assert titles == [a.title for a in sorted(others, key=lambda a: -a.views)[:10]]
    assert article.title not in titles
    assert "卖" * 80 + "..." in sidebar
    home_sidebar = client.get("/").content.decode().split("热门内容", 1)[1]
    assert article.title in home_sidebar


def test_wrong_category_path_redirects_permanently(client, article):
    make_category(slug="jd")
    response = client.get(f"/jd/{article.pk}.html")
    assert response.status_code == 301
    assert response["Location"] == f"/tbkd/{article.pk}.html"
    response = client.get(f"/nosuch/{article.pk}.html")
    assert response.status_code == 301


@pytest.mark.parametrize(
    "path",
    [
        "/tbkd/999999.html",
        "/tbkd/abc.html",
        "/tbkd/-1.html",
        "/tbkd/1.htm",
        "/nosuch/",
        "/tags/不存在/",
        "/tbkd/?page=99",
        "/tbkd/?page=abc",
        "/tbkd/?page=0",
        "/x/y/z/",
    ],
)
def test_unknown_addresses_get_the_chinese_404(client, article, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "您访问的页面不存在" in response.content.decode()


def test_drafts_and_scheduled_are_404_for_readers_and_previewed_by_staff(client, article):
    draft = make_article(category=article.category, status=Article.Status.DRAFT)
    scheduled = make_article(
        category=article.category, published_at=timezone.now() + timedelta(days=1)
    )
    for hidden in (draft, scheduled):
        assert client.get(hidden.get_absolute_url()).status_code == 404
    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    for hidden in (draft, scheduled):
        response = client.get(hidden.get_absolute_url())
        assert response.status_code == 200
        assert "预览" in text_of(response)
        assert views_of(hidden) == 0
    assert "预览" not in text_of(client.get(article.get_absolute_url()))


def test_hidden_articles_are_not_listed_anywhere(client, article):
    draft = make_article(
        category=article.category, title="草稿标题", tags=["引流"], status=Article.Status.DRAFT
    )
    scheduled = make_article(
        category=article.category,
        title="定时标题",
        tags=["引流"],
        published_at=timezone.now() + timedelta(days=1),
    )
    for path in [
        "/",
        "/tbkd/",
        "/tags/引流/",
        "/sitemap/",
        "/feed/",
        "/sitemap-articles.xml",
        "/search/?q=标题",
        article.get_absolute_url(),
    ]:
        page = client.get(path).content.decode()
        assert draft.title not in page and scheduled.title not in page, path


class ReadCounterTests(TestCase):
    def setUp(self):
        self.article = make_article()
        self.url = self.article.get_absolute_url()

    def test_each_reader_get_adds_exactly_one(self):
        for _ in range(3):
            self.client.get(self.url, **READER)
        assert views_of(self.article) == 3

    def test_head_crawlers_and_staff_do_not_count(self):
        self.client.head(self.url, **READER)
        for agent in [
            "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "Sogou web spider/4.0",
            "YisouSpider",
            "Mozilla/5.0 (compatible; AhrefsBot/7.0) crawler",
        ]:
            self.client.get(self.url, HTTP_USER_AGENT=agent)
        staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
        self.client.force_login(staff)
        self.client.get(self.url, **READER)
        assert views_of(self.article) == 0

    def test_redirect_does_not_count(self):
        make_category(slug="other")
        self.client.get(f"/other/{self.article.pk}.html", **READER)
        assert views_of(self.article) == 0


def test_home_lists_newest_and_a_block_per_category(client):
    tb, jd = make_category(name="淘宝开店", slug="tbkd"), make_category(name="京东", slug="jd")
    newest = make_article(category=jd, title="最新的京东文章", published_at=timezone.now())
    make_article(category=tb, title="淘宝文章")
    make_category(name="空分类", slug="empty")
    page = text_of(client.get("/"))
    assert page.index("最新文章") < page.index("最新的京东文章") < page.index("淘宝文章")
    assert "淘宝开店 更多" in page and "京东 更多" in page
    assert "空分类 更多" not in page
    assert "阅读量:" in page
    assert f'href="{newest.get_absolute_url()}"' in client.get("/").content.decode()


def test_navigation_marks_where_the_reader_is(client, article):
    """首页 on the home page, the article's category on its pages and lists
    (the navigation is a cached fragment; each place gets its own)."""

    def active(path):
        nav = client.get(path).content.decode().split('class="nav"')[1].split("</nav>")[0]
        return re.findall(r'<a href="[^"]*" class="active"[^>]*>([^<]+)</a>', nav)

    make_category(name="京东", slug="jd")
    assert active("/") == ["首页"]
    assert active(article.get_absolute_url()) == ["淘宝开店"]
    assert active("/jd/") == ["京东"]
    assert active("/tbkd/") == ["淘宝开店"]
    assert active("/sitemap/") == []


def test_lists_show_the_editors_summary_and_the_sidebar_the_body(client):
    make_article(
        title="有摘要的文章", summary="编辑写的摘要。", body="<p>正文的开头。</p>", views=9
    )
    make_article(title="没有摘要的文章", body="<p>只有正文的开头。</p>")
    home = client.get("/").content.decode()
    items = home[home.index("最新文章") : home.index('class="sidebar"')]
    assert '<p class="item-excerpt">编辑写的摘要。</p>' in items
    assert '<p class="item-excerpt">只有正文的开头。</p>' in items
    assert "<span>阅读量:9</span>" in items
    sidebar = home[home.index('class="sidebar"') :]
    assert "正文的开头。" in sidebar and "编辑写的摘要" not in sidebar


def test_home_meta_description_is_the_top_strip_sentence(client, settings):
    html = client.get("/").content.decode()
    assert f'<meta name="description" content="{settings.SITE_DESCRIPTION}">' in html
    assert f'<p class="topbar-desc">{settings.SITE_DESCRIPTION}</p>' in html
    assert '<a class="topbar-link" href="/sitemap/">网站地图</a>' in html


def test_category_list_paginates_by_twenty(client):
    category = make_category(name="拼多多", slug="pdd")
    articles = [make_article(category=category) for _ in range(25)]
    newest_first = sorted(articles, key=lambda a: a.published_at, reverse=True)
    first, second = client.get("/pdd/"), client.get("/pdd/?page=2")
    assert first.status_code == second.status_code == 200
    assert first.content.decode().count('class="item-title"') == 20
    assert second.content.decode().count('class="item-title"') == 5
    assert newest_first[0].title in text_of(first) and newest_first[20].title in text_of(second)
    assert '<h1 class="box-title">拼多多</h1>' in first.content.decode()
    assert "第 1 / 2 页" in text_of(first)
    assert '<link rel="canonical" href="http://testserver/pdd/?page=2">' in second.content.decode()
    assert '<link rel="next" href="http://testserver/pdd/?page=2">' in first.content.decode()
    assert '<link rel="prev" href="http://testserver/pdd/">' in second.content.decode()


def test_tag_page_lists_tagged_articles(client):
    tagged = make_article(title="直播带货入门", tags=["直播带货"])
    make_article(title="别的文章", tags=["选品"])
    response = client.get("/tags/直播带货/")
    assert response.status_code == 200
    page = main_text(response)
    assert "标签:直播带货" in page and tagged.title in page and "别的文章" not in page


def test_html_sitemap_lists_every_category_with_its_articles(client):
    tb, jd = make_category(name="淘宝开店", slug="tbkd"), make_category(name="京东", slug="jd")
    a, b = make_article(category=tb), make_article(category=jd)
    page = main_text(client.get("/sitemap/"))
    assert page.index("淘宝开店") < page.index(a.title) < page.index("京东") < page.index(b.title)


@override_settings(DEBUG=False)
def test_server_error_page_is_chinese(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器开小差了" in html and 'lang="zh-CN"' in html


def test_phone_viewport_and_language(client):
    html = client.get("/").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<html lang="zh-CN">' in html


def test_the_site_map_shows_each_category_s_newest_and_pages_the_rest(client, monkeypatch):
    """At 100,000 articles one page of every link would be megabytes: the
    网站地图 lists each category's newest, and its full list in pages."""
    from articles import views

    monkeypatch.setattr(views, "SITEMAP_PREVIEW", 3)
    monkeypatch.setattr(views, "SITEMAP_PAGE_SIZE", 10)
    big = make_category(name="大分类", slug="big")
    small = make_category(name="小分类", slug="small")
    titles = [make_article(category=big, title=f"大分类文章{n:02d}").title for n in range(25)]
    make_article(category=big, title="大分类草稿", status=Article.Status.DRAFT)
    make_article(category=small, title="小分类文章")
    page = client.get("/sitemap/").content.decode()
    html = page[page.index("<main") : page.index("</main>")]  # not the sidebars
    assert "(25 篇)" in html and "(1 篇)" in html
    # the newest three (the factory dates each article a minute before the last)
    assert all(title in html for title in titles[:3]) and titles[3] not in html
    assert 'href="/sitemap/big/">查看“大分类”全部 25 篇文章 ›</a>' in html
    assert "/sitemap/small/" not in html  # nothing more to see
    first = client.get("/sitemap/big/")
    assert [a.title for a in first.context["articles"]] == titles[:10]
    last = client.get("/sitemap/big/", {"page": 3})
    assert [a.title for a in last.context["articles"]] == titles[20:]
    assert "大分类草稿" not in first.content.decode() + last.content.decode()
    assert '<link rel="prev" href="http://testserver/sitemap/big/?page=2">' in last.content.decode()
    assert client.get("/sitemap/nope/").status_code == 404
