"""Upload attacks (DedeCMS fell to `litpic` uploads), tried through the
editor's upload endpoint and the cover field: double extensions, PHP inside
a JPEG, SVG with script, GIF/HTML polyglots, oversize files and pixel bombs
are refused or re-encoded, stored under content-hashed names (nothing of
the uploaded name survives), and served with `nosniff`. Also: no view but
the CSP report endpoint takes a POST without a CSRF token."""

import io
import re
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from articles.models import Article
from articles.tests.admin import ADD, UPLOAD, form_data
from articles.tests.factories import make_category

pytestmark = [pytest.mark.security, pytest.mark.django_db]

PHP = b"<?php system($_GET['c']); ?>"
HTML = b"<html><script>alert(document.cookie)</script></html>"
STORED_NAME = re.compile(r"\A(uploads|covers)/[0-9a-f]{2}/[0-9a-f]{24}\.(jpg|png|webp)\Z")


def jpeg(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, "JPEG")
    return buffer.getvalue()


def jpeg_with_php():
    """A real JPEG with PHP in a comment segment and after the end marker:
    `include`d by a PHP site, or served as .php, it would run."""
    data = jpeg()
    comment = b"\xff\xfe" + struct.pack(">H", len(PHP) + 2) + PHP
    return data[:2] + comment + data[2:] + PHP


def gif_html_polyglot():
    """A valid GIF whose comment extension holds an HTML page: a browser
    sniffing the type would run the script."""
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 3).save(buffer, "GIF")
    data = buffer.getvalue()
    block = b"\x21\xfe" + bytes([len(HTML)]) + HTML + b"\x00"
    return data[:-1] + block + data[-1:]


def png_bomb(side=60000):
    """A tiny PNG whose header claims side x side pixels."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
REFUSED = {
    "svg-script.svg": (SVG, "不是有效的图片"),
    "svg-as.png": (SVG, "不是有效的图片"),
    "shell.php": (PHP, "不是有效的图片"),
    "page.html.gif": (b"GIF89a" + HTML, "不是有效的图片"),
    "bomb.png": (png_bomb(), "图片尺寸太大"),
}
# The cover field checks the file's extension first (Django's ImageField).
COVER_MESSAGE = {
    "svg-script.svg": "文件扩展“svg”是不被允许",
    "shell.php": "文件扩展“php”是不被允许",
}
REENCODED = {
    "x.php.jpg": jpeg(),
    "x.php": jpeg(),
    "x.jpg.php": jpeg(),
    "php-inside.jpg": jpeg_with_php(),
    "polyglot.gif": gif_html_polyglot(),
}


def upload(client, name, content):
    return client.post(UPLOAD, {"upload": SimpleUploadedFile(name, content, "image/jpeg")})


def stored_files():
    found = []

    def walk(folder):
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{f}".lstrip("/") for f in files)
        for d in dirs:
            walk(f"{folder}/{d}".lstrip("/"))

    if default_storage.exists(""):
        walk("")
    return found


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_editor_upload_refuses_what_is_not_an_image(admin_client, name):
    content, message = REFUSED[name]
    response = upload(admin_client, name, content)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert name in response.json()["error"]["message"]  # the editor sees which file
    assert stored_files() == []


@pytest.mark.parametrize("name", sorted(REENCODED))
def test_the_editor_upload_re_encodes_and_renames(admin_client, name):
    response = upload(admin_client, name, REENCODED[name])
    assert response.status_code == 200
    stored = response.json()["url"].removeprefix("/media/")
    assert STORED_NAME.match(stored), stored
    data = default_storage.open(stored).read()
    assert b"<?php" not in data and b"<script" not in data and b"<html" not in data
    assert Image.open(io.BytesIO(data)).format in {"JPEG", "PNG", "WEBP"}


def test_an_oversize_upload_is_refused_unread(admin_client, settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 100 * 1024
    big = jpeg() + b"\x00" * (101 * 1024)
    response = upload(admin_client, "big.jpg", big)
    assert response.status_code == 400
    assert "图片太大:不能超过" in response.json()["error"]["message"]
    assert stored_files() == []


def test_uploads_are_served_with_nosniff_and_an_image_type(admin_client, settings, monkeypatch):
    from forum import urls

    (media,) = [p for p in urls.urlpatterns if "document_root" in getattr(p, "default_args", {})]
    monkeypatch.setitem(media.default_args, "document_root", settings.MEDIA_ROOT)
    url = upload(admin_client, "x.php.jpg", jpeg_with_php()).json()["url"]
    response = Client().get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/jpeg"


def test_the_production_media_location_sends_nosniff(settings):
    conf = (settings.BASE_DIR / "deploy/nginx/forum.conf").read_text()
    media = conf[conf.index("location /media/") :]
    media = media[: media.index("}")]
    assert "add_header X-Content-Type-Options nosniff" in media


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_cover_field_refuses_what_is_not_an_image(admin_client, name):
    content, message = REFUSED[name]
    message = COVER_MESSAGE.get(name, message)
    category = make_category()
    cover = SimpleUploadedFile(name, content, "image/png")
    response = admin_client.post(ADD, form_data(category, title="封面测试标题", cover=cover))
    assert response.status_code == 200 and not Article.objects.exists()
    html = response.content.decode()
    assert message in html and 'value="封面测试标题"' in html
    assert stored_files() == []


@pytest.mark.parametrize("name", ["x.php.jpg", "php-inside.jpg", "polyglot.gif"])
def test_the_cover_field_re_encodes_and_renames(admin_client, name):
    category = make_category()
    cover = SimpleUploadedFile(name, REENCODED[name], "image/jpeg")
    assert admin_client.post(ADD, form_data(category, cover=cover)).status_code == 302
    article = Article.objects.get()
    assert STORED_NAME.match(article.cover.name), article.cover.name
    data = article.cover.read()
    assert b"<?php" not in data and b"<script" not in data


def test_a_pixel_bomb_cover_is_refused_before_decoding(admin_client, monkeypatch):
    """The header's dimensions are checked before any pixel is decoded."""
    decoded = []
    original = Image.Image.load
    monkeypatch.setattr(
        Image.Image, "load", lambda self: decoded.append(self.size) or original(self)
    )
    category = make_category()
    cover = SimpleUploadedFile("bomb.png", png_bomb(), "image/png")
    response = admin_client.post(ADD, form_data(category, cover=cover))
    assert "图片尺寸太大" in response.content.decode() and not Article.objects.exists()
    assert (60000, 60000) not in decoded


def views_of(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from views_of(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_only_the_csp_report_endpoint_skips_the_csrf_check():
    exempt = sorted(
        path
        for path, view in views_of(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False)
    )
    assert exempt == ["csp-report/"]


def test_the_editor_upload_needs_a_csrf_token(admin_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    response = upload(strict, "a.jpg", jpeg())
    assert response.status_code == 403
    assert stored_files() == []


def test_saving_an_article_needs_a_csrf_token(admin_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    response = strict.post(ADD, form_data(make_category()))
    assert response.status_code == 403
    assert not Article.objects.exists()
