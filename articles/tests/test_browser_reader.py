"""What a reader does, in Chromium: browse, follow links, paginate, get lost.

Every page visited is saved at 1280 and 390 px in artifacts/screenshots/.
The fixtures (browser, desktop_page, phone_page, shoot) are in conftest.py.
"""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from articles.models import Article, Category
from search import engine

from .factories import make_article, make_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = Path(settings.BASE_DIR) / "articles" / "demo" / "articles.jsonl"


@pytest.fixture
def demo(live_server):
    call_command("import_articles", str(DEMO), verbosity=0)
    return live_server.url


@pytest.fixture
def small_site(live_server):
    """Three categories with a few long articles: quicker than the demo."""
    paragraphs = "".join(f"<p>第{n}段:选品、主图、详情页和客服都要配合。</p>" for n in range(40))
    for number, name in enumerate(["淘宝开店", "拼多多运营", "亚马逊跨境"]):
        category = make_category(name=name, slug=f"small{number}")
        for index in range(3):
            make_article(
                category=category,
                title=f"{name}经验第{index + 1}篇",
                body=f"<h2>一、先说结论</h2>{paragraphs}",
                tags=["新手开店", name],
            )
    return live_server.url


def reaches_top(page, tries=50):
    """True once the page is scrolled to the very top (asked from outside the
    page, so it works with JavaScript off too)."""
    for _ in range(tries):
        if page.evaluate("window.scrollY") == 0:
            return True
        time.sleep(0.1)
    return False


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_a_reader_browses_from_home_to_search(demo, desktop_page, shoot):
    page = desktop_page
    page.goto(demo + "/")
    assert page.title().startswith("电商卖家知识库")
    shoot(page, "home")

    # Home -> a category from the navigation bar.
    category = Category.objects.order_by("order", "id").first()
    page.get_by_role("navigation", name="栏目导航").get_by_role("link", name=category.name).click()
    page.wait_for_url(demo + category.get_absolute_url())
    assert heading(page) == category.name
    nav_link = page.locator(".nav a.active")
    assert nav_link.inner_text() == category.name
    shoot(page, "category")

    # Category -> its newest article.
    newest = Article.objects.published().filter(category=category).newest().first()
    page.get_by_role("link", name=newest.title, exact=True).first.click()
    page.wait_for_url(demo + newest.get_absolute_url())
    assert heading(page) == newest.title
    breadcrumb = page.get_by_role("navigation", name="当前位置").inner_text()
    assert breadcrumb == f"当前位置:首页 > {category.name} > 正文"
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", page.locator(".article-meta").inner_text())
    shoot(page, "article")

    # Article -> one of its tags.
    tag = newest.tags.order_by("name").first()
    page.locator(".article-tags").get_by_role("link", name=tag.name, exact=True).click()
    page.wait_for_url("**/tags/*/")
    assert heading(page) == f"标签:{tag.name}"
    tagged = set(Article.objects.published().filter(tags=tag).values_list("title", flat=True))
    listed = set(page.locator(".item-title a").all_inner_texts())
    assert listed == tagged
    shoot(page, "tag")

    # Tag -> another article with that tag -> one of its related articles.
    other = Article.objects.published().filter(tags=tag).exclude(pk=newest.pk).newest().first()
    page.locator(".item-title").get_by_role("link", name=other.title, exact=True).click()
    page.wait_for_url(demo + other.get_absolute_url())
    related = page.locator(".related-list a")
    assert related.count() > 0
    related_title = related.first.inner_text()
    related.first.click()
    page.wait_for_load_state()
    assert heading(page) == related_title
    assert page.url != demo + other.get_absolute_url()

    # 回到顶部, from the bottom of a long page.
    page.locator(".footer").scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 500
    page.get_by_role("link", name="回到顶部").click()
    assert reaches_top(page)
    assert page.locator("#top").is_visible()

    # The 网站地图 in the top strip lists every category and every article.
    page.locator(".topbar").get_by_role("link", name="网站地图").click()
    page.wait_for_url(demo + "/sitemap/")
    assert heading(page) == "网站地图"
    section_titles = page.locator(".sitemap-section h2 a").all_inner_texts()
    assert section_titles == list(Category.objects.values_list("name", flat=True))
    # The demo's 45 articles, all published (a fixed number: counting them
    # with published() would pass whatever published() let through).
    assert page.locator(".sitemap-section li a").count() == 45
    shoot(page, "sitemap")

    # Search from the header box.
    box = page.get_by_role("combobox", name="搜索文章")
    box.fill("直通车")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    found = Article.objects.filter(pk__in=engine.run("直通车").ids)
    assert heading(page) == "搜索“直通车”"
    assert f"找到 {found.count()} 篇相关文章" in page.locator(".list-desc").inner_text()
    listed = page.locator(".search-list .item-title a").all_inner_texts()
    assert set(listed) == {a.title for a in found}
    assert page.get_by_role("combobox", name="搜索文章").input_value() == "直通车"
    shoot(page, "search")

    assert page.console_errors == []


def test_back_to_top_works_without_javascript(small_site, browser, shoot):
    # Reduced motion: the jump is instant instead of a smooth scroll.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, reduced_motion="reduce"
    )
    try:
        page = context.new_page()
        article = Article.objects.published().newest().first()
        page.goto(small_site + article.get_absolute_url())
        link = page.get_by_role("link", name="回到顶部")
        assert link.get_attribute("href") == "#top"
        link.scroll_into_view_if_needed()
        assert page.evaluate("window.scrollY") > 500
        link.click()
        page.wait_for_url("**#top")
        assert reaches_top(page)
        # The comment form says that commenting needs JavaScript.
        notice = page.locator(".comment-form noscript p")
        assert notice.is_visible()
        assert notice.inner_text().startswith("发表评论需要浏览器开启 JavaScript")
        shoot(page, "article-no-js")
    finally:
        context.close()


def test_a_reader_on_a_phone_reaches_an_article_through_the_nav(small_site, phone_page):
    page = phone_page
    page.goto(small_site + "/")
    last = Category.objects.order_by("order", "id").last()
    link = page.get_by_role("navigation", name="栏目导航").get_by_role("link", name=last.name)
    link.tap()  # on a phone the bar scrolls sideways when it is too long
    page.wait_for_url(small_site + last.get_absolute_url())
    first = page.locator(".item-title a").first
    title = first.inner_text()
    first.tap()
    page.wait_for_url("**/*.html")  # the load state alone can be the list's, before the tap lands
    assert heading(page) == title
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.console_errors == []


def test_pagination_goes_forward_and_back(live_server, desktop_page, shoot):
    category = make_category(name="翻页测试", slug="fanye")
    for number in range(settings.ARTICLES_PER_PAGE + 5):
        make_article(category=category, title=f"翻页文章{number:02d}")
    page = desktop_page
    page.goto(live_server.url + "/fanye/")
    assert page.locator(".item").count() == settings.ARTICLES_PER_PAGE
    assert page.locator(".pagination .current").inner_text() == "第 1 / 2 页"
    assert page.locator("link[rel=next]").get_attribute("href").endswith("/fanye/?page=2")
    assert page.locator("link[rel=prev]").count() == 0
    shoot(page, "category-page-1")

    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**/fanye/?page=2")
    assert page.locator(".item-title a").all_inner_texts() == [
        f"翻页文章{number}" for number in range(20, 25)
    ]
    assert page.locator(".pagination .current").inner_text() == "第 2 / 2 页"
    assert page.title().startswith("翻页测试 - 第2页")
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical == live_server.url + "/fanye/?page=2"
    assert page.locator("link[rel=prev]").get_attribute("href") == live_server.url + "/fanye/"
    assert page.locator("link[rel=next]").count() == 0
    shoot(page, "category-page-2")

    page.get_by_role("link", name="上一页").click()
    page.wait_for_url("**/fanye/")
    assert page.locator(".item-title a").first.inner_text() == "翻页文章00"  # newest first
    assert page.console_errors == []


def test_an_unknown_address_gets_the_chinese_404_page(live_server, desktop_page, shoot):
    make_article(title="还在的文章")
    page = desktop_page
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert heading(page) == "抱歉,您访问的页面不存在"
    shoot(page, "404")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="还在的文章").first.is_visible()
    # 404s of missing resources are console errors; the 404 page itself is
    # the only one the reader should meet.
    assert all("404" in error for error in page.console_errors), page.console_errors


def test_a_search_without_results_says_so(small_site, desktop_page, shoot):
    page = desktop_page
    page.goto(small_site + "/")
    box = page.get_by_role("combobox", name="搜索文章")
    box.fill("魑魅魍魉饕餮")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert heading(page) == "搜索“魑魅魍魉饕餮”"
    assert page.locator(".search-list .item-title").count() == 0  # 大家都在看 lists some
    main = page.locator("main").inner_text()
    assert "没有找到相关文章,换个关键词试试" in main
    assert "找到 0 篇" not in main  # said once, not twice
    assert box.input_value() == "魑魅魍魉饕餮"
    shoot(page, "search-empty")
    assert page.console_errors == []


def test_a_server_error_gets_the_chinese_500_page(live_server, desktop_page, shoot, settings):
    settings.ROOT_URLCONF = "articles.tests.urls_with_error"
    page = desktop_page
    response = page.goto(live_server.url + "/fail/")
    assert response.status == 500
    assert heading(page) == "抱歉,服务器开小差了"
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('.box')).borderRadius") != "0px"
    shoot(page, "500")
    page.get_by_role("link", name="返回首页").click()
    page.wait_for_url(live_server.url + "/")
