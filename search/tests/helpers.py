"""Shared by the search tests."""

import re
from html import unescape

from search import engine


def found_titles(text):
    """The titles a search finds, best first (uncached)."""
    from articles.models import Article

    ids = engine.run(text).ids
    titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "title"))
    return [titles[pk] for pk in ids]


def main_text(response):
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def text_of(response):
    html = response.content.decode().split("<body>", 1)[-1]
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
