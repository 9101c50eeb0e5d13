"""The old site's bodies as the importers bring them in: its images stored
through our image pipeline (articles/images.py), their addresses and the
links to its other articles rewritten (legacy/importing.py uses these)."""

import html
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files import File

from articles import images

from .lookup import normalise_query

SIZE_SUFFIX_RE = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")
SRC_HREF_RE = re.compile(r"""(\s(?:src|href)\s*=\s*)(["'])(.*?)\2""", re.I | re.S)


class OldImages:
    """The old site's images under `root` (its web root, or WordPress's
    uploads folder, whose URLs contain `marker`), each stored once through
    articles.images (re-encoded, metadata dropped, content-hashed names)."""

    def __init__(self, root, *, marker, dry_run, report):
        self.root = Path(root).resolve() if root else None
        self.marker = marker  # "/uploads/" or "/wp-content/uploads/"
        self.dry_run = dry_run
        self.report = report
        self._done = {}

    def relative(self, src):
        """The file's path under root for an old image address, or None
        when it is not one of the old site's uploads."""
        path = urlsplit(html.unescape(src)).path
        at = path.find(self.marker)
        if at < 0:
            return None
        if self.marker == "/uploads/":
            return path[at + 1 :]  # the web root holds uploads/...
        return path[at + len(self.marker) :]

    def file(self, relative):
        if self.root is None:
            return None
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def store(self, src, *, where, folder="uploads"):
        """The stored name of the old image `src` (None when it is not an
        old upload, or missing: reported, never fatal)."""
        relative = self.relative(src)
        if relative is None:
            return None
        if relative in self._done:
            return self._done[relative]
        path = self.file(relative)
        name = None
        if path is None:
            shown = (
                relative if self.marker == "/uploads/" else self.marker.strip("/") + "/" + relative
            )
            self.report.missing_images.append((where, "/" + shown.lstrip("/")))
        elif self.dry_run:
            name = f"{folder}/{relative}"
            self.report.count("image", "created")
        else:
            try:
                with path.open("rb") as handle:
                    name = images.store_image(File(handle, name=path.name), folder=folder).name
                self.report.count("image", "created")
            except images.ImageRejected as error:
                self.report.fail("image", "/" + relative, error.messages[0])
        self._done[relative] = name
        return name

    def url(self, name):
        from django.core.files.storage import default_storage

        return default_storage.url(name)


class WordPressImages(OldImages):
    """A resized copy (photo-300x200.jpg) that is missing falls back to
    the original upload (photo.jpg)."""

    def relative(self, src):
        relative = super().relative(src)
        if relative and self.file(relative) is None:
            original = SIZE_SUFFIX_RE.sub("", relative)
            if original != relative and self.file(original) is not None:
                return original
        return relative


def rewrite_body(body, *, images=None, where="", links=None):
    """The body with the old site's image addresses replaced by ours and
    (when `links` is given: old href -> new address or None) links to its
    other articles replaced by their new addresses."""

    def replace(match):
        prefix, quote, value = match.groups()
        attribute = prefix.strip().split("=")[0].strip().lower()
        new = None
        if attribute == "src" and images is not None:
            name = images.store(value, where=where)
            new = images.url(name) if name else None
        elif attribute == "href":
            if images is not None and images.relative(value) is not None:
                name = images.store(value, where=where)
                new = images.url(name) if name else None
            elif links is not None:
                new = links(html.unescape(value))
        if new is None:
            return match.group(0)
        return f"{prefix}{quote}{html.escape(new, quote=True)}{quote}"

    return SRC_HREF_RE.sub(replace, body or "")


def old_key(href):
    """(path, query) of a link as an old address is stored."""
    parts = urlsplit(href)
    path = unquote(parts.path) or "/"
    return path, normalise_query(parts.query) if parts.query else ""
