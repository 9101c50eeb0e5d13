"""The one road every article image takes: editor uploads, covers, imports.

`process_image(file)` checks and re-encodes an upload with Pillow:

- refuses what is not a JPEG, PNG, GIF or WebP image (a renamed executable
  included), files over ARTICLE_IMAGE_MAX_BYTES, and "pixel bombs": the
  dimensions are read from the header and checked before any pixel is decoded;
- turns the picture upright by its EXIF orientation, then drops every piece of
  metadata (EXIF, GPS, XMP, comments) by re-encoding only the pixels;
- shrinks it to at most ARTICLE_IMAGE_MAX_WIDTH pixels wide and compresses it
  (JPEG quality 82; PNG optimised, or JPEG when a PNG photo would be heavy);
- names it by the SHA-256 of the result, so the same picture is stored once.

`store_image(file, folder=...)` does that and writes the image and its list
thumbnail (`thumbnail_name()`) to the default storage. Every refusal is an
`ImageRejected` (a ValidationError) with a message in Chinese for the editor.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_WIDTH = 1600
MAX_SIDE = 8000  # pixels, either side, as the file header states it
MAX_PIXELS = 40_000_000
THUMB_SIZE = (320, 200)  # shown at 160 x 100 on lists, sharp on 2x screens
JPEG_QUALITY = 82
HEAVY_PNG_BYTES = 400 * 1024  # an opaque PNG bigger than this becomes a JPEG
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "webp"}


class ImageRejected(ValidationError):
    """An upload that is not a usable image; the message is for the editor."""


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    extension: str
    width: int
    height: int
    digest: str

    @property
    def filename(self) -> str:
        return f"{self.digest}.{self.extension}"


@dataclass(frozen=True)
class StoredImage:
    name: str
    width: int
    height: int
    thumbnail: str

    @property
    def url(self) -> str:
        return default_storage.url(self.name)


def _limit(name, default):
    return getattr(settings, name, default)


def _read(file) -> bytes:
    max_bytes = _limit("ARTICLE_IMAGE_MAX_BYTES", MAX_BYTES)
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise ImageRejected(_too_big(max_bytes), code="too_big")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageRejected(_too_big(max_bytes), code="too_big")
    if not data:
        raise ImageRejected("文件是空的,请重新选择图片。", code="empty")
    return data


def _too_big(max_bytes):
    return f"图片太大:不能超过 {max_bytes // (1024 * 1024)} MB,请压缩后再上传。"


NOT_AN_IMAGE = "不是有效的图片:只能上传 JPG、PNG、GIF 或 WebP 格式的图片文件。"


def _open_checked(data: bytes) -> Image.Image:
    """Open `data` reading only the header, and refuse it before decoding
    when its kind or its dimensions are not acceptable."""
    try:
        with warnings.catch_warnings():
            # The dimensions are checked below, against our own, lower limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ImageRejected(NOT_AN_IMAGE, code="not_image") from None
    except Image.DecompressionBombError:
        raise ImageRejected(_bomb(), code="too_many_pixels") from None
    width, height = image.size
    max_side = _limit("ARTICLE_IMAGE_MAX_SIDE", MAX_SIDE)
    if width > max_side or height > max_side or width * height > MAX_PIXELS:
        raise ImageRejected(_bomb(width, height), code="too_many_pixels")
    if width < 1 or height < 1:
        raise ImageRejected(NOT_AN_IMAGE, code="not_image")
    return image


def _bomb(width=None, height=None):
    size = f"({width} × {height} 像素)" if width else ""
    max_side = _limit("ARTICLE_IMAGE_MAX_SIDE", MAX_SIDE)
    return f"图片尺寸太大{size}:宽和高都不能超过 {max_side} 像素。"


def _decode(data: bytes) -> Image.Image:
    image = _open_checked(data)
    try:
        image.verify()  # structure check; the image must be opened again after it
        image = _open_checked(data)
        image.load()
    except Image.DecompressionBombError:
        raise ImageRejected(_bomb(), code="too_many_pixels") from None
    except (OSError, ValueError, SyntaxError):
        raise ImageRejected("图片文件已损坏,无法读取,请换一张。", code="broken") from None
    return image


def _encode(image: Image.Image, kind: str) -> tuple[bytes, str]:
    # Pillow writes what image.info still holds (a JPEG's comment segment,
    # where a PHP payload hides, survives convert() and resize()): only the
    # pixels go on.
    image.info.clear()
    buffer = io.BytesIO()
    if kind == "WEBP":
        image.save(buffer, "WEBP", quality=JPEG_QUALITY, method=4)
        return buffer.getvalue(), "webp"
    if kind == "PNG":
        image.save(buffer, "PNG", optimize=True)
        if image.mode in {"RGBA", "LA", "P"} or len(buffer.getvalue()) <= HEAVY_PNG_BYTES:
            return buffer.getvalue(), "png"
        buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue(), "jpg"


def _has_transparency(image: Image.Image) -> bool:
    if image.mode in {"RGBA", "LA"}:
        return image.getchannel("A").getextrema()[0] < 255
    return image.mode == "P" and "transparency" in image.info


def process_image(file) -> ProcessedImage:
    """Check and re-encode an uploaded image (see the module docstring)."""
    data = _read(file)
    image = _decode(data)
    source_format = image.format
    image = ImageOps.exif_transpose(image)  # upright; returns a copy without EXIF orientation
    if source_format in {"PNG", "GIF", "WEBP"} and _has_transparency(image):
        image = image.convert("RGBA")
        kind = "WEBP" if source_format == "WEBP" else "PNG"
    else:
        image = image.convert("RGB")
        kind = {"JPEG": "JPEG", "WEBP": "WEBP"}.get(source_format, "PNG")
    max_width = _limit("ARTICLE_IMAGE_MAX_WIDTH", MAX_WIDTH)
    if image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height), Image.Resampling.LANCZOS)
    # Only pixels are written: no exif=, no icc/xmp/comment info is passed on.
    content, extension = _encode(image, kind)
    digest = hashlib.sha256(content).hexdigest()[:24]
    return ProcessedImage(content, extension, image.width, image.height, digest)


def stored_name(url: str) -> str | None:
    """The storage name behind an image address the default storage gave
    (`/media/uploads/...` locally, the bucket's or CDN's address on object
    storage), or None for any other address."""
    probe = "uploads/probe.png"
    base = default_storage.url(probe).removesuffix(probe)
    path = url.split("?", 1)[0].split("#", 1)[0]
    if not base or not path.startswith(base):
        return None
    name = unquote(path.removeprefix(base))
    if not name or ".." in name or name.startswith("/"):
        return None
    return name


def thumbnail_name(name: str) -> str:
    """Where the list thumbnail of the stored image `name` lives."""
    return f"thumbs/{PurePosixPath(name).stem}.jpg"


def make_thumbnail(image: Image.Image) -> bytes:
    thumb = ImageOps.fit(image.convert("RGB"), THUMB_SIZE, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    thumb.save(buffer, "JPEG", quality=78, optimize=True, progressive=True)
    return buffer.getvalue()


def _save_once(name: str, content: bytes) -> None:
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # a concurrent upload of the same picture won the race
            default_storage.delete(saved)


def store_image(file, *, folder: str = "uploads") -> StoredImage:
    """Process `file` and store it and its thumbnail under content-hashed names."""
    processed = process_image(file)
    name = f"{folder}/{processed.digest[:2]}/{processed.filename}"
    _save_once(name, processed.content)
    thumb = thumbnail_name(name)
    with Image.open(io.BytesIO(processed.content)) as image:
        _save_once(thumb, make_thumbnail(image))
    return StoredImage(name, processed.width, processed.height, thumb)


def ensure_thumbnail(name: str) -> str:
    """The thumbnail of an already stored image, made now if it is missing
    (images stored before this pipeline existed). Returns "" when the image
    cannot be read."""
    thumb = thumbnail_name(name)
    if default_storage.exists(thumb):
        return thumb
    try:
        with default_storage.open(name) as handle:
            image = _decode(handle.read(_limit("ARTICLE_IMAGE_MAX_BYTES", MAX_BYTES) + 1))
    except (OSError, ImageRejected):
        return ""
    _save_once(thumb, make_thumbnail(ImageOps.exif_transpose(image)))
    return thumb
