"""The article allow-list (articles/sanitize.py): hostile input is stripped
wherever it comes from, and what the editor produces survives untouched."""

import json

import pytest
from django.core.management import call_command

from articles.models import Article
from articles.sanitize import clean_html

from .factories import make_article

# (hostile body, text that must not survive in any form)
HOSTILE = [
    ("<p>hi</p><script>alert(1)</script>", "alert(1)"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT><p>x</p>", "evil.example"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<p onclick="steal()">点我</p>', "onclick"),
    ('<a href="javascript:alert(1)">链接</a>', "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">链接</a>', "alert"),
    ('<a href="&#106;avascript:alert(1)">链接</a>', "alert"),
    ('<a href="jav&#x09;ascript:alert(1)">链接</a>', "alert"),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', "data:"),
    ('<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">', "data:"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe"),
    ('<p style="position:fixed;top:0">遮罩</p>', "style"),
    ('<span style="background:url(javascript:alert(1))">x</span>', "javascript"),
    ('<form action="https://evil.example/"><input name="pw"></form>', "form"),
    ("<object data=\"x.swf\"></object><embed src='x.swf'>", "swf"),
    ('<svg onload="alert(1)"><circle r="5"/></svg>', "onload"),
    ("<math><mtext><script>alert(1)</script></mtext></math>", "alert"),
    ("<style>body{display:none}</style><p>x</p>", "display:none"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
    ('<link rel="stylesheet" href="https://evil.example/x.css">', "evil.example"),
    ('<base href="https://evil.example/">', "evil.example"),
    ("<!-- <script>alert(1)</script> --><p>注释</p>", "alert"),
    ('<p class="tip hidden-ad" id="x">温馨提示</p>', "hidden-ad"),
    ('<div class="tip" data-track="1">x</div>', "data-track"),
    ('<img src="/a.png" width="100%" height="expression(alert(1))">', "expression"),
    ('<a href="https://ok.example/" target="_blank" onmouseover="x()">外链</a>', "onmouseover"),
    ('<table background="javascript:alert(1)"><tr><td>x</td></tr></table>', "background"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', "onerror"),
    ('<textarea><img src="x" onerror="alert(1)"></textarea>', "textarea"),
    ('<button formaction="javascript:alert(1)">按钮</button>', "formaction"),
]


@pytest.mark.parametrize(("body", "forbidden"), HOSTILE)
def test_hostile_markup_is_stripped(body, forbidden):
    cleaned = clean_html(body)
    assert forbidden.lower() not in cleaned.lower(), cleaned
    assert "<script" not in cleaned.lower()


def test_there_are_at_least_twenty_hostile_cases():
    assert len(HOSTILE) >= 20


# What the rich-text editor (CKEditor 5, configured in settings) produces
# for the formatting the article page needs.
EDITOR_OUTPUT = [
    "<h2>一、开店前的准备</h2>",
    "<h3>1. 选品</h3>",
    "<h4>细节</h4>",
    "<p>先看<strong>规则</strong>,再看<i>数据</i>,<em>不要</em>刷单。</p>",
    "<ol><li>1、注册账号</li><li>2、提交资料</li></ol>",
    '<ol start="3"><li>接着第三步</li></ol>',
    "<ul><li>要点</li></ul>",
    "<blockquote><p>引用卖家的原话。</p></blockquote>",
    '<p class="tip">温馨提示:大促前一周不要改价。</p>',
    '<p><a href="https://www.taobao.com/" rel="noopener noreferrer">淘宝首页</a></p>',
    '<p><a href="/tbcxl/12.html" rel="noopener noreferrer">站内文章</a></p>',
    '<figure class="image"><img src="/media/uploads/ab/abc.jpg" alt="店铺后台截图" width="1600" height="900"><figcaption>店铺后台</figcaption></figure>',
    '<p><img src="/media/uploads/cd/cde.png" alt="图"></p>',
    '<figure class="table"><table><thead><tr><th>项目</th><th>费用</th></tr></thead><tbody><tr><td colspan="2">合计</td></tr></tbody></table></figure>',
    "<hr>",
    "<p>第一行<br>第二行</p>",
]


@pytest.mark.parametrize("html", EDITOR_OUTPUT)
def test_editor_formatting_survives_untouched(html):
    assert clean_html(html) == html


def test_editor_image_style_classes_are_reduced_to_the_allowed_ones():
    html = '<figure class="image image-style-side image_resized" style="width:50%"><img src="/m.jpg" alt="a" style="aspect-ratio:4/3"></figure>'
    assert clean_html(html) == '<figure class="image"><img src="/m.jpg" alt="a"></figure>'


@pytest.mark.django_db
def test_saving_an_article_anywhere_sanitizes_its_body():
    article = make_article(body='<p onclick="x()">正文</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>正文</p>"
    article.body = '<p>改</p><iframe src="https://evil.example/"></iframe>'
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body == "<p>改</p>"


@pytest.mark.django_db
def test_the_import_command_sanitizes_too(tmp_path):
    record = {
        "title": "导入",
        "category": "imp",
        "category_name": "导入分类",
        "body_html": '<h2>一、标题</h2><p class="tip" onclick="x()">温馨提示:好</p><script>alert(1)</script>',
        "published_at": "2025-05-01T10:00:00+08:00",
    }
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("import_articles", str(path))
    assert Article.objects.get().body == '<h2>一、标题</h2><p class="tip">温馨提示:好</p>'


# Tags nh3 keeps by default that an article body has no use for: the page
# has its own <h1>, and the rest is formatting the site's styles do not know.
@pytest.mark.parametrize(
    ("html", "cleaned"),
    [
        ("<h1>抢了页面的标题</h1>", "抢了页面的标题"),
        ("<h5>五级标题</h5>", "五级标题"),
        ("<center>居中</center>", "居中"),
        ("<p><small>小字</small><mark>高亮</mark><font>字体</font></p>", "<p>小字高亮字体</p>"),
        ("<dl><dt>词</dt><dd>解释</dd></dl>", "词解释"),
        ("<details><summary>展开</summary>内容</details>", "展开内容"),
    ],
)
def test_tags_outside_the_allow_list_go_and_their_text_stays(html, cleaned):
    assert clean_html(html) == cleaned


@pytest.mark.parametrize(
    "href", ["http://www.jd.com/", "https://www.taobao.com/", "mailto:kefu@example.com"]
)
def test_web_and_mail_links_keep_their_address(href):
    html = f'<p><a href="{href}" rel="noopener noreferrer">链接</a></p>'
    assert clean_html(html) == html


@pytest.mark.parametrize(
    "href", ["ftp://files.example/a.zip", "tel:10086", "sms:10086", "magnet:?xt=urn:btih:x"]
)
def test_links_of_other_schemes_lose_their_address(href):
    assert clean_html(f'<a href="{href}">链接</a>') == '<a rel="noopener noreferrer">链接</a>'


# Sizes, spans and list starts: whole numbers of at most five digits survive,
# anything else (percentages, CSS, script) takes the attribute away.
NUMERIC_ATTRIBUTES = [
    ('<img src="/a.png" {}>', "width"),
    ('<img src="/a.png" {}>', "height"),
    ("<table><tbody><tr><td {}>x</td></tr></tbody></table>", "colspan"),
    ("<table><tbody><tr><td {}>x</td></tr></tbody></table>", "rowspan"),
    ("<table><thead><tr><th {}>x</th></tr></thead></table>", "colspan"),
    ("<ol {}><li>x</li></ol>", "start"),
]


@pytest.mark.parametrize(("template", "attribute"), NUMERIC_ATTRIBUTES)
@pytest.mark.parametrize("value", ["1", "640", "12345"])
def test_numeric_attributes_keep_short_whole_numbers(template, attribute, value):
    html = template.format(f'{attribute}="{value}"')
    assert clean_html(html) == html


@pytest.mark.parametrize(("template", "attribute"), NUMERIC_ATTRIBUTES)
@pytest.mark.parametrize("value", ["100%", "123456", "-1", "1.5", "", "12px", "2 3"])
def test_numeric_attributes_with_anything_else_are_dropped(template, attribute, value):
    html = template.format(f'{attribute}="{value}"')
    assert clean_html(html) == template.format("").replace(" >", ">")


def test_every_allowed_class_of_an_element_is_kept():
    html = '<figure class="image table"><img src="/m.jpg" alt="a"></figure>'
    assert clean_html(html) == html
    assert clean_html('<div class="ad tip banner">x</div>') == '<div class="tip">x</div>'
    assert clean_html('<p class="ad banner">x</p>') == "<p>x</p>"


@pytest.mark.parametrize("body", ["", None])
def test_an_empty_body_stays_empty(body):
    assert clean_html(body) == ""
