"""The search in Chromium: results, nothing found, and the header box's
suggestions on a phone (screenshots in artifacts/screenshots/)."""

import pytest
from django.core.management import call_command

from articles.tests.test_browser_reader import DEMO

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server):
    call_command("import_articles", str(DEMO), verbosity=0)
    return live_server.url


def test_results_page_and_nothing_found(demo, desktop_page, shoot):
    page = desktop_page
    page.goto(demo + "/search/?q=淘宝店铺被降权怎么办")
    assert page.locator(".search-list .item").count() > 0
    assert page.locator(".search-list mark").count() > 0
    assert "找到" in page.locator(".list-desc").inner_text()
    shoot(page, "search-results")

    page.goto(demo + "/search/?q=魑魅魍魉饕餮")
    main = page.locator("main").inner_text()
    assert "没有找到相关文章" in main and "大家都在看" in main
    shoot(page, "search-nothing")
    assert page.console_errors == []


def test_suggestions_on_a_phone_with_the_keyboard(demo, phone_page):
    page = phone_page
    page.goto(demo + "/")
    box = page.get_by_role("combobox", name="搜索文章")
    box.tap()
    box.type("直通车", delay=60)
    listbox = page.get_by_role("listbox", name="搜索建议")
    listbox.wait_for()
    options = listbox.get_by_role("option")
    assert options.count() >= 2
    assert box.get_attribute("aria-expanded") == "true"
    first = options.first.inner_text()
    assert "直通车" in first
    page.screenshot(path=str(_shots() / "search-suggestions-390.png"))
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    box.press("Enter")
    page.wait_for_url("**/*.html")
    assert page.get_by_role("heading", level=1).inner_text() == first
    assert page.console_errors == []


def _shots():
    from conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
