"""What a category's 网址别名 (its address, /<slug>/) may be."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

# First path segments the site itself uses; a category slug may not take one.
RESERVED_SLUGS = frozenset(
    {
        "admin", "tags", "tag", "search", "sitemap", "sitemap.xml", "feed", "rss",
        "static", "media", "robots.txt", "favicon.ico", "comments", "captcha",
        "api", "accounts", "login", "logout", "preview", "page",
    }
)  # fmt: skip

slug_format = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z",
    "只能使用小写英文字母、数字和连字符,例如 tbcxl。",
)


def validate_category_slug(value):
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError("“%(value)s”是网站保留的地址,请换一个。", params={"value": value})
