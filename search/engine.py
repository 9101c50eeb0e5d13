"""The search: from what a reader typed to ranked article ids.

Ranking: the articles that contain every word of the query (or a synonym
of it) come first, then those that contain some; within each, the index's
score (title > tags > summary > body, a title containing the whole query
doubled), then the read count, then the newest. At most MAX_RESULTS are
ranked (ten pages); the count says how many matched, up to COUNT_CAP.

When no article has every word, a one-character typo is looked for (值通车
-> 直通车) and, when fixing it finds articles, the fixed query is searched
instead (`Result.corrected`).

Results are cached per cleaned query for SEARCH_CACHE_SECONDS, keyed on the
content version (any change to the articles starts afresh) and on the
dictionary's fingerprint.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache

from articles.version import version

from .backends import backend
from .query import Query, clean, correct, parse
from .segment import segmenter

MAX_RESULTS = 200
COUNT_CAP = 10000


@dataclass
class Result:
    query: Query
    ids: list = field(default_factory=list)
    count: int = 0
    corrected: str = ""  # the query searched instead, when a typo was fixed

    @property
    def words(self):
        return self.query.words


def _ranked(query, limit=MAX_RESULTS):
    engine = backend()
    ids = engine.ranked(query, every_group=True, limit=limit)
    complete = len(ids)
    if len(query.groups) > 1 and len(ids) < limit:
        seen = set(ids)
        for pk in engine.ranked(query, every_group=False, limit=limit):
            if pk not in seen and len(ids) < limit:
                ids.append(pk)
    count = len(ids) if len(ids) < limit else engine.count(query, cap=COUNT_CAP)
    return ids, complete, count


def known_words(vocabulary):
    """What a typo may be corrected to: the dictionary, synonyms and tags."""
    from taggit.models import Tag

    words = cache.get("search:tag-names")
    if words is None:
        words = [name.lower() for name in Tag.objects.values_list("name", flat=True)]
        cache.set("search:tag-names", words, 300)
    return set(vocabulary.words) | set(vocabulary.synonym_of) | set(words)


def run(text, *, limit=MAX_RESULTS) -> Result:
    """Search without the cache (the benchmark times this)."""
    vocabulary = segmenter.current()
    query = parse(text, vocabulary)
    if not query:
        return Result(query=query)
    ids, complete, count = _ranked(query, limit)
    if not complete:
        fixed = correct(query.text, vocabulary, known_words(vocabulary))
        if fixed and fixed != query.text:
            fixed_query = parse(fixed, vocabulary)
            fixed_ids, fixed_complete, fixed_count = _ranked(fixed_query, limit)
            if fixed_complete:
                return Result(query=fixed_query, ids=fixed_ids, count=fixed_count, corrected=fixed)
    return Result(query=query, ids=ids, count=count)


def cache_key(text):
    digest = hashlib.sha1(clean(text).encode()).hexdigest()
    dictionary = hashlib.sha1(repr(segmenter.fingerprint).encode()).hexdigest()[:12]
    return f"search:result:{version.current()}:{dictionary}:{digest}"


def search(text) -> Result:
    """Search, cached per cleaned query for SEARCH_CACHE_SECONDS."""
    key = cache_key(text)
    result = cache.get(key)
    if result is None:
        result = run(text)
        cache.set(key, result, settings.SEARCH_CACHE_SECONDS)
    return result
