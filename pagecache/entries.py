"""What the page cache stores for one page, and where it stores it.

An `Entry` is one rendered page: its status, headers and body, the content
version it was built with and, for an article page, what it was built from.

Article pages are kept until their article changes (PAGE_ARTICLE_SECONDS at
most), not for PAGE_CACHE_SECONDS like every other page: search engines
request every article every week, and a page rendered once should answer
all of them, as DedeCMS's generated HTML does. Three things make that
exact:

* the 阅读量 is not frozen in the stored page: the body is kept in two
  parts around the count, and the fast path puts the current count between
  them at each hit (`Entry.body`);
* the entry keeps the article's `updated_at` and `comments_changed_at` as
  they were when it was rendered (`row`); the fast path reads them again
  with the count, in the same query, so an edit or a new visible comment
  makes the page fresh at once, in every process;
* what an article page shows of other articles (相关文章, 上一篇, the
  sidebars with their counts) follows the content version as before, but
  lags: a page built under an older version, or more than
  PAGE_REFRESH_AFTER_SECONDS ago, is still served and is rendered again in
  the background (pagecache/refresh.py).

Bodies are stored zlib-compressed (a 40 KB page becomes about 8 KB), so the
store holds 100,000 article pages in about a gigabyte: Redis with REDIS_URL,
otherwise files under PAGE_CACHE_DIR (pagecache/filecache.py), shared by
every worker of the machine and by `manage.py warm_pages`.
"""

import time
import zlib
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches

# How the article template shows the count (templates/articles/article_detail.html).
VIEWS_MARK = '<span class="views">阅读量:{}</span>'


class Entry(NamedTuple):
    version: int  # the content version the page was rendered with
    status: int
    headers: list  # (name, value) pairs, without Content-Length
    parts: tuple  # the compressed body; two parts around the read count for an article
    article_id: int | None = None
    row: tuple | None = None  # articles.pages.page_row() of what it was rendered from
    views: int = 0  # the count in the rendered page
    pages: int = 0  # the generation of article pages it belongs to (articles/version.py)
    rendered_at: float = 0.0  # time.time()

    def body(self, views=None) -> bytes:
        """The page, with `views` as its read count (an article page), or as
        it was rendered."""
        parts = [zlib.decompress(part) for part in self.parts]
        if len(parts) == 1:
            return parts[0]
        shown = self.views if views is None else views
        return parts[0] + str(shown).encode() + parts[1]


def make_entry(
    version, status, headers, content, *, article_id=None, row=None, views=None, pages=0
):
    """An entry for `content`. For an article page whose count is found in
    it, the body is split around the count, so a hit can show the current one."""
    pieces = (content,)
    if article_id is not None and views is not None:
        mark = VIEWS_MARK.format(views).encode()
        at = content.find(mark)
        if at >= 0:
            start = at + mark.index(str(views).encode())
            pieces = (content[:start], content[start + len(str(views)) :])
    if len(pieces) == 1:
        row = views = None  # nothing to fill in: an ordinary page
    return Entry(
        version,
        status,
        headers,
        tuple(zlib.compress(piece, 6) for piece in pieces),
        article_id,
        row,
        views or 0,
        pages,
        time.time(),
    )


def seconds_to_keep(entry) -> int:
    """An article page checked against its article at each hit (it has a
    row) is kept PAGE_ARTICLE_SECONDS; any other page PAGE_CACHE_SECONDS."""
    if entry.row is not None:
        return settings.PAGE_ARTICLE_SECONDS
    return settings.PAGE_CACHE_SECONDS


def page_store():
    """Where pages are kept: the "pages" cache (files) when configured,
    otherwise the shared cache (Redis, or the local-memory cache)."""
    return caches["pages"] if "pages" in settings.CACHES else caches["default"]
