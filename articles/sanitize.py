"""The allow-list every article body passes through before it is stored.

nh3 (the Python binding of the Rust `ammonia` sanitizer) removes scripts,
event handlers, `javascript:` URLs, iframes, inline styles and forms, and
keeps the harmless formatting an article needs.
"""

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em",
    "figcaption", "figure", "h2", "h3", "h4", "hr", "i", "img", "li", "ol",
    "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "p": {"class"},
    "div": {"class"},
    "figure": {"class"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}

# The only class names an editor may use, per tag: the highlighted tip
# paragraph ("温馨提示", the editor's 样式 menu), and the wrappers the rich-text
# editor (CKEditor 5) puts around images and tables.
ALLOWED_CLASSES = {
    "p": {"tip"},
    "div": {"tip"},
    "figure": {"image", "table"},
}


def _filter_attribute(tag, attribute, value):
    if attribute == "class":
        allowed = ALLOWED_CLASSES.get(tag, set())
        kept = [name for name in value.split() if name in allowed]
        return " ".join(kept) or None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 5 else None
    return value


def clean_html(html: str) -> str:
    """Return `html` with everything outside the article allow-list removed."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
