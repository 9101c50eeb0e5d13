"""Template syntax (Django's, PbootCMS's {pboot:if}, DedeCMS's {dede:php})
through the places an editor or an old site's files put text: the admin's
title, a JSON Lines import and a WordPress export. The page shows it as
typed, escaped, and nothing evaluates it."""

import html
import io
import json

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.tests.admin import ADD, form_data
from articles.tests.factories import make_category
from forum.tests.test_security import EVALUATED, TEMPLATE_PAYLOADS, shown

pytestmark = [pytest.mark.security, pytest.mark.django_db]


def page_of(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def assert_inert(page, payload, *, in_body=True):
    assert shown(page, payload), payload  # the title, escaped by the template
    if in_body:  # the body as the sanitizer serialised it, read back as text
        assert payload in html.unescape(page), payload
    assert not any(marker in page for marker in EVALUATED), payload
    assert "PBOOT</" not in page.replace("PBOOT{/pboot", "")  # {pboot:if} not run
    assert "DEDE</" not in page


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_an_admin_title_is_text(admin_client, client, payload):
    category = make_category()
    data = form_data(
        category, title=f"标题{payload}", body=f"<p>正文{payload}</p>", status="published"
    )
    assert admin_client.post(ADD, data).status_code == 302
    assert_inert(page_of(client, Article.objects.get()), payload)


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_a_json_lines_import_is_text(client, tmp_path, payload):
    line = {
        "title": f"导入{payload}",
        "category": "dpyy",
        "category_name": "店铺运营",
        "body_html": f"<p>正文{payload}</p>",
        "summary": payload,
        "tags": ["直通车"],
        "published_at": "2024-03-01T08:00:00+08:00",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False), encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO())
    assert_inert(page_of(client, Article.objects.get()), payload)


def cdata(text):
    return f"<![CDATA[{text}]]>"


@pytest.mark.parametrize("payload", TEMPLATE_PAYLOADS)
def test_template_syntax_in_a_wordpress_export_is_text(client, tmp_path, payload):
    export = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<wp:base_site_url>http://old.example</wp:base_site_url>
<item><title>{cdata("旧文" + payload)}</title><link>http://old.example/?p=3</link>
<content:encoded>{cdata("<p>正文" + payload + "</p>")}</content:encoded>
<wp:post_id>3</wp:post_id><wp:post_date_gmt>2024-03-01 00:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="dpyy">{cdata("店铺运营")}</category>
</item></channel></rss>"""
    path = tmp_path / "export.xml"
    path.write_text(export, encoding="utf-8")
    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert_inert(page_of(client, Article.objects.get()), payload)
