"""The editors' admin: writing, flags, scheduling, bulk actions, tags,
categories, history, the dashboard and the public pages they change."""

import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from articles import images, stats
from articles.models import Article, ArticleDailyReads, Category
from comments.models import Comment

from .factories import image_file, make_article, make_category

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")
UPLOAD = reverse("admin:articles_article_upload_image")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def form_data(category, **overrides):
    now = timezone.localtime()
    data = {
        "title": "直通车新手怎么开",
        "category": category.pk,
        "tags": "直通车, 推广",
        "body": "<h2>一、先看数据</h2><p>1、打开后台</p><p class='tip'>温馨提示:先小预算。</p>",
        "summary": "",
        "status": "draft",
        "published_at_0": now.strftime("%Y-%m-%d"),
        "published_at_1": now.strftime("%H:%M:%S"),
        "seo_title": "",
        "seo_keywords": "",
        "seo_description": "",
        "source_url": "",
    }
    data.update(overrides)
    return data


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Creating admin users with the production hasher costs seconds each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def category():
    return make_category(name="淘宝运营", slug="tbyy")


# --- Chinese, site name, dashboard -------------------------------------------


def test_admin_speaks_chinese_and_carries_the_site_name(admin_client, settings):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f"<title>内容管理 | {settings.SITE_NAME}</title>" in html
    assert f'<a href="/admin/">{settings.SITE_NAME}</a>' in html
    assert "最近动作" in html and "文章" in html


def test_dashboard_shows_reads_popular_pending_comments_and_scheduled(admin_client):
    read = make_article(title="本周最热的文章")
    other = make_article(title="读得少的文章")
    today = timezone.localdate()
    stats.record_reads({read.pk: 30, other.pk: 2})
    stats.record_reads({read.pk: 5}, day=today - timedelta(days=3))
    stats.record_reads({other.pk: 100}, day=today - timedelta(days=10))  # not this week
    Comment.objects.create(article=read, nickname="小王", body="等待审核的评论")
    Comment.objects.create(article=read, body="已通过", status=Comment.Status.APPROVED)
    later = make_article(title="明早发布的文章", published_at=timezone.now() + timedelta(hours=12))

    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<span class="number">32</span><span class="label">今日阅读</span>' in html
    assert '<span class="number">37</span><span class="label">近 7 天阅读</span>' in html
    popular = html[html.index('id="dashboard-popular"') :]
    assert popular.index("本周最热的文章") < popular.index("读得少的文章")
    assert "35 次" in popular and "2 次" in popular
    assert f'href="{change_url(read)}"' in popular
    assert '<span class="number">1</span><span class="label">条评论待审核</span>' in html
    assert "等待审核的评论" in html and "已通过" not in html
    assert "/admin/comments/comment/?status__exact=pending" in html
    scheduled = html[html.index('id="dashboard-scheduled"') :]
    assert "明早发布的文章" in scheduled and f'href="{change_url(later)}"' in scheduled
    assert '<span class="number">1</span><span class="label">篇定时发布</span>' in html


def test_dashboard_counts_every_scheduled_article_though_it_lists_ten(admin_client):
    for hours in range(1, 13):
        make_article(published_at=timezone.now() + timedelta(hours=hours))
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert '<span class="number">12</span><span class="label">篇定时发布</span>' in html
    listed = html[html.index('id="dashboard-scheduled"') :].split("</table>")[0]
    assert listed.count("<tr") == 10


def test_record_reads_adds_up_and_drops_deleted_articles():
    article = make_article()
    assert stats.record_reads({article.pk: 3, 999_999: 4}) == 3
    assert stats.record_reads({article.pk: 2}) == 2
    row = ArticleDailyReads.objects.get()
    assert (row.article, row.date, row.views) == (article, timezone.localdate(), 5)


# --- writing an article ------------------------------------------------------


def test_the_article_form_has_the_rich_text_editor(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert 'class="django_ckeditor_5"' in html
    assert "django_ckeditor_5/dist/bundle.js" in html
    assert "django_ckeditor_5/dist/translations/zh-cn.js" in html
    assert f'data-upload-url="{UPLOAD}"' in html
    assert "https://cdn" not in html  # everything is served by the site itself


def test_saving_fills_seo_author_and_thumbnail(admin_client, admin_user, category):
    upload = admin_client.post(UPLOAD, {"upload": image_file("shot.jpg", size=(2400, 1200))})
    url = upload.json()["url"]
    body = f'<h2>一、先看数据</h2><figure class="image"><img src="{url}" alt="后台"></figure><p>正文内容讲直通车。</p>'
    response = admin_client.post(ADD, form_data(category, body=body))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.seo_title == "直通车新手怎么开"
    assert article.seo_description == "一、先看数据 正文内容讲直通车。"
    assert article.seo_keywords == "推广,直通车"
    assert article.created_by == admin_user and article.updated_by == admin_user
    assert article.thumbnail.name.startswith("thumbs/")
    # The generated values are shown for the editor to adjust.
    html = admin_client.get(change_url(article)).content.decode()
    assert 'value="直通车新手怎么开"' in html and "推广,直通车" in html


def test_untouched_generated_seo_follows_the_content_but_edits_are_kept(admin_client, category):
    admin_client.post(ADD, form_data(category))
    article = Article.objects.get()
    data = form_data(category, title="改过的标题", seo_title=article.seo_title)
    data.update(seo_description=article.seo_description, seo_keywords=article.seo_keywords)
    admin_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.seo_title == "改过的标题"

    data = form_data(category, title="再改一次", seo_title="编辑自己写的 SEO 标题")
    admin_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.seo_title == "编辑自己写的 SEO 标题"


def test_history_shows_who_created_and_who_changed(admin_client, admin_user, django_user_model):
    category = make_category()
    admin_client.post(ADD, form_data(category))
    article = Article.objects.get()
    editor = django_user_model.objects.create_superuser("xiaoli", "li@example.com", "pw-12345")
    admin_client.force_login(editor)
    admin_client.post(change_url(article), form_data(category, title="小李改的标题"))
    article.refresh_from_db()
    assert (article.created_by, article.updated_by) == (admin_user, editor)
    html = admin_client.get(change_url(article)).content.decode()
    assert f"创建:{admin_user.username}" in html and "最后修改:xiaoli" in html
    history = admin_client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert [e.user for e in LogEntry.objects.order_by("pk")] == [admin_user, editor]
    assert "xiaoli" in history.content.decode()


def test_a_preview_link_opens_the_draft_with_its_banner(admin_client):
    draft = make_article(title="还没发布", status=Article.Status.DRAFT)
    html = admin_client.get(change_url(draft)).content.decode()
    assert f'<a href="{draft.get_absolute_url()}" class="preview-tool"' in html and ">预览<" in html
    page = admin_client.get(draft.get_absolute_url()).content.decode()
    assert "预览" in page and "这是一篇草稿,读者看不到。" in page


# --- images through the editor and the cover field ---------------------------


def test_editor_upload_returns_the_processed_image(admin_client):
    response = admin_client.post(UPLOAD, {"upload": image_file("a.jpg", size=(3200, 1600))})
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("/media/uploads/") and url.endswith(".jpg")
    assert response.json()["width"] == 1600
    stored = default_storage.open(url.removeprefix(settings.MEDIA_URL)).read()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (1600, 800)


def test_editor_upload_refuses_a_fake_image_in_chinese(admin_client):
    fake = SimpleUploadedFile("报价单.jpg", b"MZ\x90\x00 not really a picture")
    response = admin_client.post(UPLOAD, {"upload": fake})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "“报价单.jpg”上传失败:不是有效的图片:只能上传 JPG、PNG、GIF 或 WebP 格式的图片文件。"
    )


def test_editor_upload_is_for_staff_only(client):
    response = client.post(UPLOAD, {"upload": image_file()})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_refused_cover_keeps_everything_else_the_editor_typed(admin_client, category):
    fake = SimpleUploadedFile("cover.png", b"#!/bin/sh\necho not an image\n")
    data = form_data(category, title="我写了很久的标题", body="<p>很长的正文</p>", cover=fake)
    response = admin_client.post(ADD, data)
    assert response.status_code == 200 and not Article.objects.exists()
    html = response.content.decode()
    assert "封面图“cover.png”不是有效的图片" in html
    assert 'value="我写了很久的标题"' in html and "很长的正文" in html


def test_a_good_cover_is_processed_and_gives_the_thumbnail(admin_client, category):
    data = form_data(category, cover=image_file("c.jpg", size=(2000, 1000)))
    assert admin_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/") and article.cover_width == 1600
    assert article.thumbnail.name.startswith("thumbs/")


# --- scheduling and the flags on the public pages ------------------------------


def test_scheduled_articles_stay_hidden_until_their_time(client, category):
    soon = make_article(
        category=category, title="定时文章", published_at=timezone.now() + timedelta(hours=1)
    )
    assert client.get(soon.get_absolute_url()).status_code == 404
    assert "定时文章" not in client.get("/").content.decode()
    Article.objects.filter(pk=soon.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(soon.get_absolute_url()).status_code == 200
    assert "定时文章" in client.get("/").content.decode()


def test_scheduled_filter_in_the_article_list(admin_client):
    make_article(title="已经上线")
    make_article(title="明天上线", published_at=timezone.now() + timedelta(days=1))
    html = admin_client.get(CHANGELIST + "?state=scheduled").content.decode()
    assert "明天上线" in html and "已经上线" not in html
    assert '<span class="state state-scheduled">定时</span>' in html


def test_recommended_articles_get_the_home_page_block(client):
    make_article(title="普通文章")
    make_article(title="编辑推荐的文章", is_recommended=True)
    make_article(title="推荐但是草稿", is_recommended=True, status=Article.Status.DRAFT)
    html = client.get("/").content.decode()
    block = html[html.index("推荐阅读") : html.index("最新文章")]
    assert "编辑推荐的文章" in block
    assert "普通文章" not in block and "推荐但是草稿" not in block


def test_no_recommended_block_without_recommended_articles(client):
    make_article()
    assert "推荐阅读" not in client.get("/").content.decode()


def test_pinned_first_orders_pinned_articles_before_newer_ones(category):
    old = make_article(
        category=category, is_pinned=True, published_at=timezone.now() - timedelta(days=30)
    )
    new = make_article(category=category)
    assert list(Article.objects.published().pinned_first()) == [old, new]
    assert list(Article.objects.published().newest()) == [new, old]


def test_pinned_article_is_first_on_home_and_category_pages(client, category):
    make_article(
        category=category,
        title="置顶的老文章",
        is_pinned=True,
        published_at=timezone.now() - timedelta(days=30),
    )
    make_article(category=category, title="最新的文章")
    for url in ["/", category.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert html.index("置顶的老文章") < html.index("最新的文章"), url


def test_pinned_articles_carry_the_pinned_mark_in_lists(client, category):
    make_article(category=category, title="置顶文章", is_pinned=True)
    html = client.get(category.get_absolute_url()).content.decode()
    assert '<span class="item-flag">[置顶]</span> <a href=' in html


def test_list_thumbnail_comes_from_the_first_body_image(admin_client, client, category):
    first = admin_client.post(UPLOAD, {"upload": image_file("b.png", kind="PNG")}).json()["url"]
    second = admin_client.post(
        UPLOAD, {"upload": image_file("c.png", kind="PNG", color=(10, 120, 200))}
    ).json()["url"]
    assert first != second
    body = f'<p>正文</p><p><img src="{first}" alt="图"></p><p><img src="{second}" alt="图二"></p>'
    article = make_article(category=category, body=body)
    assert article.thumbnail.name.startswith("thumbs/")
    assert article.thumbnail.name == images.thumbnail_name(first.removeprefix(settings.MEDIA_URL))
    html = client.get(category.get_absolute_url()).content.decode()
    assert f'<img src="{article.thumbnail.url}" alt="" width="160" height="100"' in html


# --- the article list -----------------------------------------------------------


def test_changelist_columns_and_search_in_title_and_body(admin_client, category):
    hit = make_article(category=category, title="标题里没有", body="<p>正文里讲直通车</p>")
    Comment.objects.create(article=hit, body="一条", status=Comment.Status.APPROVED)
    Comment.objects.create(article=hit, body="两条")
    make_article(category=category, title="无关的文章")
    html = admin_client.get(CHANGELIST + "?q=直通车").content.decode()
    assert "标题里没有" in html and "无关的文章" not in html
    for header in ["缩略图", "标题", "分类", "状态", "发布时间", "阅读量", "评论"]:
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert "(1 条待审)" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("?state=draft", "草稿文章", "普通文章"),
        ("?flag=pinned", "置顶文章", "普通文章"),
        ("?flag=recommended", "推荐文章", "置顶文章"),
        ("?tag=zhitongche", "普通文章", "草稿文章"),
    ],
)
def test_changelist_filters(admin_client, query, shown, hidden):
    Tag.objects.create(name="直通车", slug="zhitongche")
    make_article(title="普通文章", tags=["直通车"])
    make_article(title="草稿文章", status=Article.Status.DRAFT)
    make_article(title="置顶文章", is_pinned=True)
    make_article(title="推荐文章", is_recommended=True)
    html = admin_client.get(CHANGELIST + query).content.decode()
    assert shown in html and hidden not in html


def changelist_queries(admin_client):
    admin_client.get(CHANGELIST)  # the session and permissions are cached after this
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    return len(queries), response


def test_changelist_makes_no_query_per_row(admin_client):
    categories = [make_category() for _ in range(3)]
    for n in range(5):
        article = make_article(category=categories[n % 3], tags=["甲", "乙"], cover=image_file())
        Comment.objects.create(article=article, body="评论")
    few, _ = changelist_queries(admin_client)
    for n in range(45):
        article = make_article(category=categories[n % 3], tags=["甲", "丙"], is_pinned=n % 5 == 0)
        Comment.objects.create(article=article, body="评论")
    many, response = changelist_queries(admin_client)
    assert len(response.context["cl"].result_list) == 50
    assert many == few


def test_changelist_does_not_count_every_row(admin_client):
    make_article()
    _, response = changelist_queries(admin_client)
    assert response.context["cl"].model_admin.show_full_result_count is False


# --- bulk actions ----------------------------------------------------------------


def run_action(admin_client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], "index": 0}
    data.update(extra)
    return admin_client.post(CHANGELIST, data, follow=True)


def test_bulk_publish_and_unpublish(admin_client, admin_user):
    drafts = [
        make_article(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=9))
        for _ in range(2)
    ]
    future = make_article(
        status=Article.Status.DRAFT, published_at=timezone.now() + timedelta(days=2)
    )
    response = run_action(admin_client, "publish", [*drafts, future])
    assert "已发布 3 篇文章。其中 1 篇的发布时间在将来,到时间后自动上线。" in messages_of(response)
    for draft in drafts:
        draft.refresh_from_db()
        assert draft.is_public and timezone.now() - draft.published_at < timedelta(minutes=1)
        assert draft.updated_by == admin_user
    future.refresh_from_db()
    assert future.status == Article.Status.PUBLISHED and not future.is_public

    response = run_action(admin_client, "unpublish", drafts)
    assert "已将 2 篇文章撤回为草稿,读者看不到了。" in messages_of(response)
    assert not Article.objects.published().filter(pk__in=[d.pk for d in drafts]).exists()


def test_bulk_move_to_category(admin_client):
    articles = [make_article() for _ in range(3)]
    target = make_category(name="拼多多")
    response = run_action(admin_client, "move_to_category", articles[:2], category=target.pk)
    assert "已将 2 篇文章移动到分类“拼多多”。" in messages_of(response)
    assert set(target.articles.all()) == set(articles[:2])
    response = run_action(admin_client, "move_to_category", articles[2:])
    assert "请先在操作旁边的“目标分类”里选择一个分类。" in messages_of(response)
    articles[2].refresh_from_db()
    assert articles[2].category != target


def test_bulk_add_tag(admin_client):
    tagged = make_article(tags=["双十一"])
    plain = make_article()
    response = run_action(admin_client, "add_tag", [tagged, plain], tag="双十一")
    assert "已给 1 篇文章添加标签“双十一”(1 篇原来就有)。" in messages_of(response)
    assert list(plain.tags.names()) == ["双十一"] and Tag.objects.count() == 1
    response = run_action(admin_client, "add_tag", [plain], tag="  ")
    assert "请先在操作旁边的“标签”框里填写要添加的标签。" in messages_of(response)


# --- tags ----------------------------------------------------------------------


def test_tag_list_shows_usage_counts(admin_client):
    make_article(tags=["直通车", "引力魔方"])
    make_article(tags=["直通车"])
    html = admin_client.get(reverse("admin:taggit_tag_changelist")).content.decode()
    assert html.index("直通车") < html.index("引力魔方")
    assert '<td class="field-usage">2</td>' in html and '<td class="field-usage">1</td>' in html


def test_merging_tags_moves_articles_and_deletes_the_others(admin_client, client):
    a = make_article(tags=["直通车", "ztc"])
    b = make_article(tags=["ztc"])
    c = make_article(tags=["直通车推广"])
    keep = Tag.objects.get(name="直通车")
    others = Tag.objects.filter(name__in=["ztc", "直通车推广"])
    response = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge", "_selected_action": [t.pk for t in others], "target": "直通车"},
        follow=True,
    )
    assert any("合并到“直通车”,涉及 2 篇文章" in m for m in messages_of(response))
    assert list(Tag.objects.values_list("name", flat=True)) == ["直通车"]
    for article in (a, b, c):
        assert list(article.tags.all()) == [keep]
    html = client.get(reverse("articles:tag", args=[keep.slug])).content.decode()
    assert all(x.title in html for x in (a, b, c))


def test_renaming_a_tag_keeps_its_articles(admin_client):
    article = make_article(tags=["ztc"])
    tag = Tag.objects.get()
    admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "直通车", "slug": tag.slug}
    )
    assert list(article.tags.names()) == ["直通车"]


# --- categories -------------------------------------------------------------------


def test_deleting_a_category_with_articles_is_refused_clearly(admin_client, category):
    make_article(category=category)
    make_article(category=category)
    url = reverse("admin:articles_category_delete", args=[category.pk])
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200
    assert messages_of(response) == [
        "不能删除分类“淘宝运营”:它下面还有 2 篇文章。请先在文章列表里选中这些文章,"
        "用批量操作“移动到分类”把它们移走,再删除这个分类。"
    ]
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert Category.objects.filter(pk=category.pk).exists()


def test_bulk_delete_removes_only_empty_categories(admin_client, category):
    make_article(category=category)
    empty = make_category(name="空分类")
    response = admin_client.post(
        reverse("admin:articles_category_changelist"),
        {"action": "delete_empty_categories", "_selected_action": [category.pk, empty.pk]},
        follow=True,
    )
    assert "已删除 1 个分类:空分类。" in messages_of(response)
    assert any("不能删除分类“淘宝运营”" in m for m in messages_of(response))
    assert list(Category.objects.all()) == [category]


def test_an_empty_category_can_be_deleted(admin_client):
    empty = make_category(name="空分类")
    url = reverse("admin:articles_category_delete", args=[empty.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Category.objects.exists()


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("淘宝", "只能使用小写英文字母、数字和连字符"),
        ("Tao Bao", "只能使用小写英文字母、数字和连字符"),
        ("admin", "是网站保留的地址"),
        ("tbyy", "具有 网址别名 的 分类 已存在"),
    ],
)
def test_category_slug_is_validated(admin_client, category, slug, message):
    response = admin_client.post(
        reverse("admin:articles_category_add"), {"name": "新分类", "slug": slug, "order": 0}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert Category.objects.count() == 1
