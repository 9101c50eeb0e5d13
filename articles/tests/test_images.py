"""The image pipeline every upload goes through (articles/images.py)."""

import io
import struct
import zlib
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles import images

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_exif(size=(400, 200), orientation=6):
    """A camera-like JPEG: landscape pixels, an EXIF orientation saying
    "rotate 90°", a camera model and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x0110] = "Secret Phone 12"  # Model
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def png_header_only(width, height):
    """A PNG whose header claims `width` x `height` but carries almost no
    data: decoding it would mean allocating the full pixel buffer."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def encoded(kind="JPEG", size=(320, 180), mode="RGB", color=(10, 120, 60)):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, kind)
    return buffer.getvalue()


def test_a_jpeg_comment_segment_is_not_carried_over():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 20, 30)).save(buffer, "JPEG", comment=b"<?php echo 1; ?>")
    assert b"<?php" in buffer.getvalue()
    result = images.process_image(io.BytesIO(buffer.getvalue()))
    assert b"<?php" not in result.content
    with Image.open(io.BytesIO(result.content)) as image:
        assert "comment" not in image.info


def test_exif_and_gps_are_stripped_and_the_photo_is_turned_upright():
    result = images.process_image(jpeg_with_exif())
    with Image.open(io.BytesIO(result.content)) as image:
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert b"Secret Phone" not in result.content
        # Orientation 6 means "rotate 90° clockwise to view": 400x200 becomes 200x400,
        # and the blue left half ends up on top.
        assert image.size == (200, 400) == (result.width, result.height)
        top, bottom = image.getpixel((100, 20)), image.getpixel((100, 380))
    assert top[2] > 150 and top[0] < 80
    assert bottom[0] > 150 and bottom[2] < 80


def test_wide_images_are_scaled_to_1600_pixels_and_compressed():
    big = SimpleUploadedFile("wide.jpg", encoded(size=(4000, 1000)))
    result = images.process_image(big)
    assert (result.width, result.height) == (1600, 400)
    with Image.open(io.BytesIO(result.content)) as image:
        assert image.size == (1600, 400)


def test_narrow_images_keep_their_size():
    result = images.process_image(SimpleUploadedFile("a.jpg", encoded(size=(800, 600))))
    assert (result.width, result.height) == (800, 600)


def test_opaque_heavy_png_becomes_jpeg_but_transparent_png_stays_png():
    noise = Image.effect_noise((1200, 900), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    heavy = images.process_image(SimpleUploadedFile("shot.png", buffer.getvalue()))
    assert heavy.extension == "jpg" and len(heavy.content) < len(buffer.getvalue())

    logo = encoded("PNG", size=(100, 100), mode="RGBA", color=(255, 0, 0, 0))
    kept = images.process_image(SimpleUploadedFile("logo.png", logo))
    assert kept.extension == "png"
    with Image.open(io.BytesIO(kept.content)) as image:
        assert image.mode == "RGBA" and image.getpixel((5, 5))[3] == 0


def test_the_name_is_the_content_hash_and_the_same_picture_is_stored_once():
    first = images.store_image(SimpleUploadedFile("a.jpg", encoded()), folder="uploads")
    again = images.store_image(SimpleUploadedFile("other-name.jpg", encoded()), folder="uploads")
    assert first.name == again.name
    digest = first.name.rsplit("/", 1)[1].split(".")[0]
    assert len(digest) == 24 and first.name == f"uploads/{digest[:2]}/{digest}.jpg"
    assert default_storage.exists(first.name)
    assert sorted(default_storage.listdir(f"uploads/{digest[:2]}")[1]) == [f"{digest}.jpg"]
    with default_storage.open(first.thumbnail) as handle, Image.open(handle) as thumb:
        assert thumb.size == images.THUMB_SIZE


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 this program cannot be run in DOS mode"),
        ("script.png", b"#!/bin/sh\nrm -rf /\n"),
        ("page.gif", b"<html><script>alert(1)</script></html>"),
        ("doc.webp", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ("vector.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ],
)
def test_files_that_are_not_images_are_refused_in_chinese(name, content):
    with pytest.raises(images.ImageRejected) as error:
        images.process_image(SimpleUploadedFile(name, content))
    assert error.value.messages == [images.NOT_AN_IMAGE]
    assert "只能上传 JPG、PNG、GIF 或 WebP" in images.NOT_AN_IMAGE


def test_a_truncated_image_is_refused():
    buffer = io.BytesIO()
    Image.effect_noise((600, 400), 80).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()[: len(buffer.getvalue()) // 2]
    with pytest.raises(images.ImageRejected, match="已损坏"):
        images.process_image(SimpleUploadedFile("cut.jpg", data))


def test_a_pixel_bomb_is_refused_before_any_pixel_is_decoded():
    bomb = SimpleUploadedFile("bomb.png", png_header_only(10_000, 10_000))
    with (
        mock.patch.object(Image.Image, "load", side_effect=AssertionError("decoded")) as load,
        mock.patch("PIL.ImageFile.ImageFile.load", side_effect=AssertionError("decoded")),
        pytest.raises(images.ImageRejected) as error,
    ):
        images.process_image(bomb)
    assert not load.called
    assert error.value.messages == ["图片尺寸太大(10000 × 10000 像素):宽和高都不能超过 8000 像素。"]


def test_a_file_over_the_size_limit_is_refused_without_reading_it(settings):
    settings.ARTICLE_IMAGE_MAX_BYTES = 1024 * 1024

    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the upload was read: its size alone should refuse it")

    big = Unreadable("big.jpg", b"\xff\xd8" + b"\x00" * (1024 * 1024 + 10))
    with pytest.raises(images.ImageRejected) as error:
        images.process_image(big)
    assert error.value.messages == ["图片太大:不能超过 1 MB,请压缩后再上传。"]


def test_an_empty_file_is_refused():
    with pytest.raises(images.ImageRejected, match="文件是空的"):
        images.process_image(SimpleUploadedFile("empty.jpg", b""))


def test_a_thumbnail_is_made_for_images_stored_before_the_pipeline():
    name = default_storage.save("covers/2024/05/old.jpg", io.BytesIO(encoded(size=(640, 360))))
    thumb = images.ensure_thumbnail(name)
    assert thumb == "thumbs/old.jpg" and default_storage.exists(thumb)
    assert images.ensure_thumbnail("covers/missing.jpg") == ""
