"""Media on object storage (MEDIA_STORAGE=s3): editor uploads, covers, list
thumbnails and imported images land in an S3 bucket, and the pages point
readers at the bucket. The bucket is moto's S3 server, started by these
tests on a local port (no network, no AWS account)."""

import json
import re
import socket
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from articles.models import Article
from articles.tests.admin import ADD, UPLOAD, form_data
from articles.tests.factories import image_file
from legacy.bodies import OldImages, rewrite_body

pytestmark = pytest.mark.django_db

BUCKET = "forum-media"
PORTS = range(9150, 9200)
IMG_SRC = re.compile(r'<img[^>]* src="([^"]+)"')


def _free_port():
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port for the S3 server")


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """The site's media in the bucket, as the settings build them from
    MEDIA_STORAGE=s3 and the S3_* variables; the bucket emptied afterwards."""
    endpoint, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "location": "media",
                "addressing_style": "path",
                "querystring_auth": False,
                "default_acl": "public-read",  # readers fetch the images without keys
                "file_overwrite": False,
            },
        },
    }
    settings.MEDIA_ROOT = "/nonexistent-media-root"  # nothing may be written locally
    yield client
    listed = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listed:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def in_bucket(client, name):
    return client.get_object(Bucket=BUCKET, Key=f"media/{name}")["Body"].read()


def fetched(url):
    """What a reader's browser gets from the address on the page."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_the_settings_build_the_s3_storage_from_the_environment(monkeypatch):
    import importlib

    from forum import settings as module

    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("S3_BUCKET", "shop-images")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://oss-cn-hangzhou.aliyuncs.com")
    monkeypatch.setenv("S3_CUSTOM_DOMAIN", "img.example.com")
    try:
        reloaded = importlib.reload(module)
        options = reloaded.STORAGES["default"]["OPTIONS"]
        assert reloaded.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
        assert options["bucket_name"] == "shop-images"
        assert options["custom_domain"] == "img.example.com"
        assert options["querystring_auth"] is False
        monkeypatch.delenv("S3_BUCKET")
        with pytest.raises(Exception, match="S3_BUCKET"):
            importlib.reload(module)
    finally:
        monkeypatch.delenv("MEDIA_STORAGE")
        importlib.reload(module)
    assert module.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def test_an_editor_upload_is_in_the_bucket_and_the_page_shows_it_from_there(
    bucket, s3_server, admin_client, category, client
):
    endpoint, _ = s3_server
    upload = admin_client.post(UPLOAD, {"upload": image_file("shot.jpg", size=(800, 400))})
    url = upload.json()["url"]
    assert url.startswith(f"{endpoint}/{BUCKET}/media/uploads/")
    name = url.removeprefix(f"{endpoint}/{BUCKET}/media/")
    body = f'<p>先看后台。</p><figure class="image"><img src="{url}" alt="后台"></figure>'
    data = form_data(category, body=body, status="published")
    assert admin_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert article.thumbnail.name.startswith("thumbs/")

    page = client.get(article.get_absolute_url()).content.decode()
    assert url in IMG_SRC.findall(page)
    assert fetched(url) == in_bucket(bucket, name)
    assert in_bucket(bucket, name)[:3] == b"\xff\xd8\xff"  # a JPEG
    # The home page's list thumbnail, made from the body's image, is there too.
    home = client.get("/").content.decode()
    thumb_url = f"{endpoint}/{BUCKET}/media/{article.thumbnail.name}"
    assert thumb_url in IMG_SRC.findall(home)
    assert fetched(thumb_url) == in_bucket(bucket, article.thumbnail.name)


def test_a_cover_from_the_admin_form_is_in_the_bucket(bucket, s3_server, admin_client, category):
    endpoint, _ = s3_server
    data = form_data(category, status="published", cover=image_file("cover.png", kind="PNG"))
    assert admin_client.post(ADD, data).status_code == 302
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/")
    assert (article.cover_width, article.cover_height) == (320, 180)
    assert article.cover.url == f"{endpoint}/{BUCKET}/media/{article.cover.name}"
    assert fetched(article.cover.url) == in_bucket(bucket, article.cover.name)
    assert default_storage.exists(article.thumbnail.name)


def test_imported_covers_and_old_site_images_go_to_the_bucket(
    bucket, s3_server, tmp_path, category
):
    endpoint, _ = s3_server
    (tmp_path / "cover.jpg").write_bytes(image_file("cover.jpg", size=(640, 360)).read())
    line = {
        "title": "导入的文章",
        "category": category.slug,
        "body_html": "<p>正文</p>",
        "published_at": "2025-03-14T09:30:00+08:00",
        "cover_image": "cover.jpg",
    }
    (tmp_path / "a.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    call_command("import_articles", str(tmp_path / "a.jsonl"))
    article = Article.objects.get()
    assert in_bucket(bucket, article.cover.name)[:3] == b"\xff\xd8\xff"
    assert in_bucket(bucket, article.thumbnail.name)[:3] == b"\xff\xd8\xff"

    # An old site's body image (the DedeCMS and WordPress importers' road).
    (tmp_path / "site" / "uploads" / "2019").mkdir(parents=True)
    (tmp_path / "site" / "uploads" / "2019" / "a.png").write_bytes(image_file(kind="PNG").read())

    class Report:
        missing_images = []

        def count(self, *args):
            pass

        def fail(self, *args):
            raise AssertionError(args)

    old = OldImages(tmp_path / "site", marker="/uploads/", dry_run=False, report=Report())
    body = rewrite_body('<p><img src="/uploads/2019/a.png" alt="图"></p>', images=old)
    (src,) = IMG_SRC.findall(body)
    assert src.startswith(f"{endpoint}/{BUCKET}/media/uploads/")
    assert fetched(src) == in_bucket(bucket, src.removeprefix(f"{endpoint}/{BUCKET}/media/"))
