"""Reading a WordPress export (WXR 1.0, 1.1, 1.2) as a stream.

`items(path)` walks the file with xml.etree.ElementTree.iterparse and
hands out one channel-level category, tag or item at a time, clearing each
element once it is read, so a 500 MB export never sits in memory. The
`wp:` namespace differs by WXR version (http://wordpress.org/export/1.N/),
so elements are matched by local name within any such namespace.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
WP_NS_PREFIX = "http://wordpress.org/export/"
# Times without a GMT value (drafts) are read in China time.
SITE_ZONE = ZoneInfo("Asia/Shanghai")
VIEW_KEYS = ("views", "post_views_count", "_views")


class WxrError(Exception):
    """A file that is not a readable WordPress export; the message has its line."""


# Element names repeat (a few dozen in a whole file): each is worked out once.
@lru_cache(maxsize=512)
def _local(tag):
    return tag.rsplit("}", 1)[-1]


@lru_cache(maxsize=512)
def _ns(tag):
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


@lru_cache(maxsize=1024)
def _is_wp(tag, name):
    ns = _ns(tag)
    return _local(tag) == name and ns.startswith(WP_NS_PREFIX) and "/excerpt/" not in ns


def _child(element, name, *, wp=True):
    for child in element:
        if _is_wp(child.tag, name) if wp else _local(child.tag) == name:
            return (child.text or "").strip() if name != "encoded" else child.text or ""
    return ""


@dataclass
class Term:
    kind: str  # "category" or "tag"
    term_id: str
    slug: str
    name: str
    parent: str = ""


@dataclass
class Comment:
    comment_id: str
    author: str
    ip: str
    date_gmt: str
    date: str
    content: str
    approved: str
    kind: str


@dataclass
class Item:
    post_id: str
    post_type: str
    status: str
    title: str
    link: str
    content: str
    excerpt: str
    date: str
    date_gmt: str
    post_name: str
    attachment_url: str
    categories: list = field(default_factory=list)  # (domain, nicename, name)
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def _item(element):
    content = excerpt = ""
    categories, meta, comments = [], {}, []
    for child in element:
        tag = child.tag
        if _local(tag) == "encoded":
            if _ns(tag) == CONTENT_NS:
                content = child.text or ""
            else:
                excerpt = child.text or ""
        elif _local(tag) == "category" and not _ns(tag):
            categories.append(
                (
                    child.get("domain", ""),
                    unquote(child.get("nicename", "")),
                    (child.text or "").strip(),
                )
            )
        elif _is_wp(tag, "postmeta"):
            meta[_child(child, "meta_key")] = _child(child, "meta_value")
        elif _is_wp(tag, "comment"):
            comments.append(
                Comment(
                    comment_id=_child(child, "comment_id"),
                    author=_child(child, "comment_author"),
                    ip=_child(child, "comment_author_IP"),
                    date_gmt=_child(child, "comment_date_gmt"),
                    date=_child(child, "comment_date"),
                    content=next(
                        (c.text or "" for c in child if _is_wp(c.tag, "comment_content")), ""
                    ),
                    approved=_child(child, "comment_approved"),
                    kind=_child(child, "comment_type"),
                )
            )
    return Item(
        post_id=_child(element, "post_id"),
        post_type=_child(element, "post_type") or "post",
        status=_child(element, "status"),
        title=_child(element, "title", wp=False),
        link=_child(element, "link", wp=False),
        content=content,
        excerpt=excerpt,
        date=_child(element, "post_date"),
        date_gmt=_child(element, "post_date_gmt"),
        post_name=unquote(_child(element, "post_name")),
        attachment_url=_child(element, "attachment_url"),
        categories=categories,
        meta=meta,
        comments=comments,
    )


def _head(element):
    return Item(
        post_id=_child(element, "post_id"),
        post_type=_child(element, "post_type") or "post",
        attachment_url=_child(element, "attachment_url"),
        **dict.fromkeys(
            ("status", "title", "link", "content", "excerpt", "date", "date_gmt", "post_name"), ""
        ),
    )


def _term(element):
    if _local(element.tag) == "category":
        return Term(
            "category",
            _child(element, "term_id"),
            unquote(_child(element, "category_nicename")),
            _child(element, "cat_name"),
            unquote(_child(element, "category_parent")),
        )
    return Term("tag", _child(element, "term_id"), unquote(_child(element, "tag_slug")),
                _child(element, "tag_name"))  # fmt: skip


def read(path, *, heads=False):
    """Yield ("site", base_url), Term and Item objects in file order
    (with `heads`, each Item's type, id and attachment address only: the
    check before an import, a third faster). Raises WxrError (with the line
    number) for a malformed file."""
    channel = None
    depth = 0
    seen_rss = False
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 1:
                    if _local(element.tag) != "rss":
                        raise WxrError("这不是 WordPress 导出文件(根元素不是 <rss>)")
                    seen_rss = True
                elif depth == 2 and _local(element.tag) == "channel":
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            tag = element.tag
            if _is_wp(tag, "base_site_url"):
                yield ("site", (element.text or "").strip())
            elif _local(tag) == "item" and not _ns(tag):
                yield _head(element) if heads else _item(element)
            elif _is_wp(tag, "category") or _is_wp(tag, "tag"):
                yield _term(element)
            element.clear()
            channel.remove(element)
    except ET.ParseError as error:
        line, column = error.position
        raise WxrError(f"文件格式有误:第 {line} 行第 {column} 列附近({_reason(error)})") from None
    if not seen_rss:
        raise WxrError("文件是空的")


def _reason(error):
    return str(error).split(":")[0]


def moment(gmt, local):
    """A post's or comment's time: its GMT value, else its local one."""
    if gmt and not gmt.startswith("0000"):
        return datetime.fromisoformat(gmt).replace(tzinfo=UTC)
    if local and not local.startswith("0000"):
        return datetime.fromisoformat(local).replace(tzinfo=SITE_ZONE)
    return None


BLOCK_COMMENT_RE = re.compile(r"<!--\s*/?wp:.*?-->", re.S)
SHORTCODE_RE = re.compile(r"\[/?(?:caption|gallery|embed|audio|video)\b[^\]]*\]")
BLOCK_TAG_RE = re.compile(
    r"^\s*<(?:p|div|h[1-6]|ul|ol|li|blockquote|pre|table|figure|hr|img)\b", re.I
)


def body_html(content):
    """The post's content as HTML: Gutenberg's block comments and the
    layout shortcodes removed (their content kept), and paragraphs made
    from blank lines as WordPress itself does when it shows a classic post."""
    text = BLOCK_COMMENT_RE.sub("", content or "")
    text = SHORTCODE_RE.sub("", text).replace("\r\n", "\n")
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    out = []
    for chunk in chunks:
        if BLOCK_TAG_RE.match(chunk):
            out.append(chunk)
        else:
            out.append("<p>" + chunk.replace("\n", "<br>") + "</p>")
    return "\n".join(out)


def link_key(url):
    """(path, query) of an old link, as an OldAddress stores it."""
    parts = urlsplit(url)
    return unquote(parts.path) or "/", parts.query
