"""End to end in Chromium: an editor writes, illustrates, previews and
publishes an article in the admin, then finds it on the site.

Screenshots of the admin at 1280 px go to artifacts/screenshots/admin/.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from PIL import Image

from articles.models import Article

from .factories import make_article, make_category

# Playwright's sync API runs an event loop in this thread; the test's own
# database access is still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "admin"
PASSWORD = "编辑的密码-2024"


@pytest.fixture
def admin_page(browser):
    """A desktop page in the session's Chromium (the `browser` fixture in the
    root conftest.py skips loudly when Chromium is missing)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "console",
        lambda m: m.type == "error" and page.errors.append(m.text),
    )
    yield page
    context.close()


def shoot(page, name):
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def photo(path, color, size=(2400, 1350)):
    """A camera-sized photo with EXIF, as an editor would upload."""
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 200):
        image.paste((255, 255, 255), (x, 0, x + 20, size[1]))
    exif = Image.Exif()
    exif[0x0110] = "Editor Phone"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    path.write_bytes(buffer.getvalue())
    return path


def upload_through_editor(page, path):
    before = page.locator(".ck-content img").count()
    with page.expect_response(re.compile(r"/admin/articles/article/upload-image/")) as upload:
        page.locator(".ck-toolbar input[type=file]").first.set_input_files(str(path))
    assert upload.value.status == 200
    page.wait_for_function(
        "n => [...document.querySelectorAll('.ck-content img')]"
        ".filter(i => i.src.includes('/media/uploads/')).length > n",
        arg=before,
    )


def test_editor_writes_illustrates_previews_and_publishes(
    admin_page, live_server, tmp_path, django_user_model
):
    page = admin_page
    get_user_model().objects.create_superuser("xiaowang", "wang@example.com", PASSWORD)
    category = make_category(name="淘宝运营", slug="tbyy")
    make_category(name="拼多多", slug="pdd")
    make_article(category=category, title="已有的文章", tags=["直通车"])
    base = live_server.url

    # Log in.
    page.goto(f"{base}/admin/")
    page.fill("#id_username", "xiaowang")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard-popular")
    assert page.locator("#site-name").inner_text() == "电商卖家知识库"
    shoot(page, "01-dashboard")

    # Write an article with the rich-text editor.
    page.goto(f"{base}/admin/articles/article/add/")
    page.wait_for_selector(".ck-editor__editable")
    shoot(page, "02-add-empty")
    page.fill("#id_title", "直通车新手入门:三步开出第一个计划")
    page.select_option("#id_category", label="淘宝运营")
    page.fill("#id_tags", "直通车, 新手入门")
    editor = page.locator(".ck-editor__editable")
    editor.click()
    page.keyboard.type("开车之前,先把店铺基础做好。")
    page.keyboard.press("Enter")
    page.locator(".ck-heading-dropdown button").first.click()
    page.get_by_role("menuitemradio", name=re.compile("一级小标题")).click()
    page.keyboard.type("一、设置计划")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="项目编号列表", exact=True).first.click()
    page.keyboard.type("选好推广的宝贝")
    page.keyboard.press("Enter")
    page.keyboard.type("设置日限额")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # leave the list
    page.keyboard.press("Control+b")
    page.keyboard.type("关键词出价不要太高")
    page.keyboard.press("Control+b")
    page.keyboard.press("Enter")
    upload_through_editor(page, photo(tmp_path / "后台截图.jpg", (40, 90, 200)))
    page.keyboard.press("Enter")  # the new image is selected: Enter adds a paragraph after it
    page.keyboard.type("二、看报表")
    page.keyboard.press("Enter")
    upload_through_editor(page, photo(tmp_path / "报表.jpg", (200, 80, 30), size=(1200, 900)))
    page.keyboard.press("Enter")

    # A renamed executable is refused with a Chinese message; nothing is lost.
    fake = tmp_path / "病毒.jpg"
    fake.write_bytes(b"MZ\x90\x00 definitely not a picture")
    alerts = []
    page.once("dialog", lambda dialog: (alerts.append(dialog.message), dialog.accept()))
    with page.expect_response(re.compile(r"/upload-image/")) as refused:
        page.locator(".ck-toolbar input[type=file]").first.set_input_files(str(fake))
    assert refused.value.status == 400
    page.wait_for_function("() => true")
    page.wait_for_timeout(300)  # let the editor show its notification
    assert alerts and "不是有效的图片" in alerts[0]
    assert page.locator(".ck-content img").count() == 2
    shoot(page, "03-add-written")

    # Save as a draft and preview it.
    page.get_by_role("button", name="保存并继续编辑").first.click()
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title="直通车新手入门:三步开出第一个计划")
    assert article.status == Article.Status.DRAFT
    assert article.body.count('<img src="/media/uploads/') == 2
    assert "<h2>一、设置计划</h2>" in article.body
    assert "<ol><li>选好推广的宝贝</li><li>设置日限额</li></ol>" in article.body
    assert "<strong>关键词出价不要太高</strong>" in article.body
    assert sorted(article.tags.names()) == ["新手入门", "直通车"]
    assert article.seo_title and article.seo_description and article.seo_keywords
    assert article.created_by.username == "xiaowang"
    assert article.thumbnail
    page.wait_for_selector(".ck-editor__editable")
    shoot(page, "04-draft-saved")

    with page.context.expect_page() as preview_info:
        page.get_by_role("link", name="预览").first.click()
    preview = preview_info.value
    preview.wait_for_load_state()
    assert "这是一篇草稿,读者看不到。" in preview.locator(".preview-banner").inner_text()
    assert preview.locator(".article-body img").count() == 2
    assert preview.evaluate(
        "[...document.querySelectorAll('.article-body img')].every(i => i.naturalWidth > 0)"
    )
    preview.close()

    # Readers cannot see it yet.
    reader = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    reader_page = reader.new_page()
    assert reader_page.goto(f"{base}{article.get_absolute_url()}").status == 404

    # Publish it.
    page.select_option("#id_status", "published")
    page.get_by_role("button", name="保存并继续编辑").first.click()
    page.wait_for_selector(".messagelist .success")
    article.refresh_from_db()
    assert article.is_public

    # The article list shows it with its thumbnail, and the reader sees it.
    page.goto(f"{base}/admin/articles/article/")
    row = page.locator("#result_list tbody tr", has_text="直通车新手入门")
    assert row.locator("img.article-thumb").count() == 1
    assert "已发布" in row.inner_text()
    shoot(page, "05-changelist")

    response = reader_page.goto(f"{base}{article.get_absolute_url()}")
    assert response.status == 200
    assert reader_page.locator("h1").inner_text() == "直通车新手入门:三步开出第一个计划"
    assert reader_page.locator(".preview-banner").count() == 0
    assert reader_page.locator(".article-body h2").first.inner_text() == "一、设置计划"
    assert reader_page.locator(".article-body img").count() == 2
    reader_page.goto(f"{base}/")
    assert reader_page.get_by_role("link", name="直通车新手入门:三步开出第一个计划").count() >= 1
    reader.close()

    # The other screens an editor uses.
    page.goto(f"{base}/admin/taggit/tag/")
    shoot(page, "06-tags")
    page.goto(f"{base}/admin/articles/category/")
    shoot(page, "07-categories")
    page.goto(f"{base}/admin/")
    shoot(page, "08-dashboard-after")
    unexpected = [e for e in page.errors if "400" not in e and "Bad Request" not in e]
    assert unexpected == []
