"""Plain text and excerpts of article bodies: what lists, sidebars and meta
descriptions show of an article, without markup; and the SEO keywords made
from its tag names."""

import html
import re

import nh3

BLOCK_END_RE = re.compile(r"</(?:p|h[1-6]|li|div|blockquote|td|th|figcaption)>|<br\s*/?>", re.I)


def plain_text(text: str) -> str:
    """The text a reader sees in `text` (HTML allowed), on one line."""
    spaced = BLOCK_END_RE.sub(" ", text or "")
    # nh3 with no allowed tags keeps only the text (and drops <script> and
    # <style> contents); about twice as fast as Django's strip_tags.
    return re.sub(r"\s+", " ", html.unescape(nh3.clean(spaced, tags=set()))).strip()


def cut(plain: str, length: int = 80) -> str:
    """`plain` cut to `length` characters, ended with '...' when cut."""
    if len(plain) <= length:
        return plain
    return plain[:length].rstrip() + "..."


def excerpt(text: str, length: int = 80) -> str:
    """Plain text of `text` (HTML allowed), cut to `length` characters with '...'."""
    return cut(plain_text(text), length)


def keywords_from(names, limit: int = 200) -> str:
    """The names joined with commas, as many whole ones as fit in `limit`
    characters (the SEO keywords field's length)."""
    keywords = ""
    for name in names:
        candidate = f"{keywords},{name}" if keywords else name
        if len(candidate) > limit:
            break
        keywords = candidate
    return keywords
