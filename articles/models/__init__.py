"""The articles app's models, one module per job: content.py (categories and
articles) and bookkeeping.py (the content version, daily reads, read
batches). Import them from here: `from articles.models import Article`.

`plain_text` and `validate_category_slug` are here only because old
migrations name them as articles.models.<name>."""

from ..text import plain_text
from ..validators import validate_category_slug
from .bookkeeping import ArticleDailyReads, ContentVersion, ReadBatch
from .content import IMG_SRC_RE, Article, Category

__all__ = [
    "IMG_SRC_RE",
    "Article",
    "ArticleDailyReads",
    "Category",
    "ContentVersion",
    "ReadBatch",
    "plain_text",
    "validate_category_slug",
]
