"""Fuzzing (hypothesis) of what reads text from outside: the body
sanitizer, the WordPress export reader and the two import commands. Each
property is what the site relies on: the sanitizer's output holds nothing
outside the allow-list and is stable; a file, however broken, is either
imported or refused with a Chinese message, never a traceback.

Deterministic and bounded: derandomize=True (the same examples in every
run, on CI as here), no example database written, FUZZ_EXAMPLES examples a
property (default 60; `FUZZ_EXAMPLES=2000 make test-security` for a long
run)."""

import io
import os
import re
from html.parser import HTMLParser

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article
from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, clean_html
from legacy import wordpress

pytestmark = pytest.mark.security

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Pieces attackers and old CMSes put in bodies and titles.
PIECES = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>",
    "<svg onload=alert(1)>", "<iframe src=//evil.example>", "<style>*{}</style>", "<!--",
    "-->", "<![CDATA[", "]]>", "<p class='tip x'>", "</p>", "<div>", "</div>", "<a href=",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<form action=x>",
    "{{7*7}}", "{% debug %}", "{pboot:if(1)}1{/pboot:if}", "{dede:php}echo 1;{/dede:php}",
    "<?php phpinfo(); ?>", "&lt;", "&#x3C;script&#x3E;", "&", "\"", "'", "<", ">", "\x00",
    "直通车", "温馨提示:", "\n\n", "<br>", "<h2>一、</h2>", "<td colspan=99999999>",
    "<img src='data:text/html,<script>alert(1)</script>'>", "<a href='vbscript:x'>",
    "<p style='x:expression(alert(1))'>", "<object data=x>", "<base href=//evil.example>",
]  # fmt: skip
html_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=25).map(
    "".join
)


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@FUZZ
@given(html_text)
def test_the_sanitizer_keeps_only_the_allow_list(html):
    cleaned = clean_html(html)
    parser = Tags()
    parser.feed(cleaned)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, (html, cleaned)
        extra = set(attrs) - ALLOWED_ATTRIBUTES.get(tag, set()) - {"rel"}
        assert not extra, (html, cleaned)
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript:", "vbscript:", "data:")), (html, cleaned)
    assert clean_html(cleaned) == cleaned  # stable: saving twice changes nothing


def wxr(title, content, date, extra):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:base_site_url>http://old.example</wp:base_site_url>
<wp:category><wp:category_nicename>a</wp:category_nicename><wp:cat_name>{title}</wp:cat_name></wp:category>
<item><title>{title}</title><link>http://old.example/?p=5</link>
<content:encoded>{content}</content:encoded><wp:post_id>5</wp:post_id>
<wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="a">{title}</category>{extra}
<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_date_gmt>{date}</wp:comment_date_gmt>
<wp:comment_content>{content}</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item></channel></rss>"""


xml_text = st.one_of(
    html_text.map(lambda s: f"<![CDATA[{s.replace(']]>', '')}]]>"),
    html_text,  # raw: often not well-formed XML at all
)
dates = st.one_of(
    st.sampled_from(["2024-03-01 08:00:00", "0000-00-00 00:00:00", "", "2024-13-45 99:99:99"]),
    st.text(max_size=20),
)
extras = st.sampled_from(
    ["", "<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>x</wp:meta_value></wp:postmeta>",
     "<wp:postmeta><wp:meta_key>views</wp:meta_key><wp:meta_value>-5</wp:meta_value></wp:postmeta>",
     "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>9</wp:meta_value></wp:postmeta>",
     "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "&a;", "<wp:post_id>x</wp:post_id>"]
)  # fmt: skip
wxr_files = st.one_of(
    st.builds(wxr, xml_text, xml_text, dates, extras).map(str.encode),
    st.binary(max_size=300),
    st.builds(wxr, xml_text, xml_text, dates, extras)
    .map(str.encode)
    .flatmap(lambda data: st.integers(0, max(0, len(data) - 1)).map(lambda n: data[:n])),
)


@FUZZ
@given(wxr_files)
def test_the_wxr_reader_yields_entries_or_refuses_in_chinese(data):
    try:
        entries = list(wordpress.read(io.BytesIO(data)))
    except wordpress.WxrError as error:
        assert re.search(r"[\u4e00-\u9fff]", str(error))
        return
    for entry in entries:
        assert isinstance(entry, (tuple, wordpress.Term, wordpress.Item))


def run(command, path, *extra):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(command, str(path), *extra, stdout=out, stderr=err)
    except CommandError as error:
        assert re.search(r"[\u4e00-\u9fff]", str(error)), str(error)
        return False
    return True


@pytest.mark.django_db
@FUZZ
@given(data=wxr_files)
def test_import_wordpress_imports_or_refuses_never_crashes(tmp_path, data):
    path = tmp_path / "export.xml"
    path.write_bytes(data)
    run("import_wordpress", path)
    for article in Article.objects.all():
        assert "<script" not in article.body.lower()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | html_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "title": st.one_of(html_text, json_values),
        "category": st.one_of(st.sampled_from(["tbyy", "bad slug", "", "a" * 80]), json_values),
        "category_name": st.one_of(html_text, json_values),
        "body_html": st.one_of(html_text, json_values),
        "published_at": st.one_of(
            st.sampled_from(["2024-03-01T08:00:00+08:00", "2024-03-01", "昨天", ""]), json_values
        ),
        "tags": st.one_of(st.lists(html_text, max_size=4), json_values),
        "views": st.one_of(st.integers(), json_values),
        "status": st.one_of(st.sampled_from(["published", "draft", "x"]), json_values),
        "source_url": st.one_of(html_text, json_values),
        "cover_image": st.one_of(
            st.sampled_from(["../../etc/passwd", "/etc/hostname", "x.jpg"]), json_values
        ),
    },
)


def jsonl(lines):
    import json

    out = []
    for line in lines:
        out.append(
            line if isinstance(line, bytes) else json.dumps(line, ensure_ascii=False).encode()
        )
    return b"\n".join(out)


@pytest.mark.django_db
@FUZZ
@given(
    lines=st.lists(st.one_of(records, st.binary(max_size=40), json_values), min_size=1, max_size=4)
)
def test_import_articles_imports_or_names_the_bad_lines_never_crashes(tmp_path, lines):
    path = tmp_path / "articles.jsonl"
    path.write_bytes(jsonl(lines))
    run("import_articles", path)
    for article in Article.objects.all():
        assert "<script" not in article.body.lower()
        assert not article.cover or "passwd" not in article.cover.name
