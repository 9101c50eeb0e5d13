"""The search: from what a reader typed to ranked article ids.

Ranking: the articles that contain every word of the query (or a synonym
of it) come first, then those that contain some; within each, the index's
score (title > tags > summary > body, a title containing the whole query
doubled), then the read count, then the newest. At most MAX_RESULTS are
shown (ten pages).

The work is bounded (two stages): each pass takes the newest CANDIDATES
matches readers may see, in index order, and scores only those.
- First the head matches (a word in the title, tags or summary): when
  there are more of them than CANDIDATES, the newest CANDIDATES are ranked
  and the results are those, so a common word's pages are filled with
  articles that have it in the title, tags or summary, never with
  body-only ones, and its bodies are not searched at all.
- Otherwise every field: when fewer than CANDIDATES articles match, all of
  them are scored (the exact order, the exact count); else all the head
  matches, ranked, then the other candidates (body matches) by reads and
  recency.

The count: exact whenever every match was scored ("找到 12 篇"); otherwise
counted in the index alone up to COUNT_CAP (drafts and scheduled articles
included: "找到约 640 篇"), or "超过 1000 篇" past it.

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

from .backends import backend, published_where
from .query import Query, TypoIndex, clean, correct, parse
from .segment import segmenter

MAX_RESULTS = 200
CANDIDATES = 400  # scored per pass; more than MAX_RESULTS, so the head fills the pages
COUNT_CAP = 1000

EXACT, ABOUT, OVER = "exact", "about", "over"


@dataclass
class Result:
    query: Query
    ids: list = field(default_factory=list)
    count: int = 0
    corrected: str = ""  # the query searched instead, when a typo was fixed
    count_kind: str = EXACT  # EXACT, ABOUT (an estimate) or OVER (more than count)

    @property
    def words(self):
        return self.query.words

    @property
    def count_text(self):
        """The count as the page says it: "12", "约 640", "超过 1000"."""
        prefix = {EXACT: "", ABOUT: "约 ", OVER: "超过 "}[self.count_kind]
        return f"{prefix}{self.count}"


def _pass(engine, query, every_group, limit, rule):
    """One pass (every word, or some): (ids best first, the number of
    matches when every one was scored, else None)."""

    def ranked(fields, most):
        return engine.ranked(
            query,
            every_group=every_group,
            fields=fields,
            limit=most,
            candidates=CANDIDATES,
            rule=rule,
        )

    head_ids, _, head_complete = ranked("head", limit)
    if not head_complete:
        # More head matches than the candidates: so many more matches of
        # every field, whose pass would be thrown away.
        return head_ids, None
    all_ids, all_found, all_complete = ranked("all", CANDIDATES)
    if all_complete:
        return all_ids[:limit], all_found  # every match scored: the exact order
    seen = set(head_ids)
    return head_ids + [pk for pk in all_ids if pk not in seen][: limit - len(head_ids)], None


def _ranked(query, limit, rule):
    engine = backend()
    ids, found = _pass(engine, query, True, limit, rule)
    complete = len(ids)
    if len(query.groups) > 1:
        if found is not None and len(ids) < limit:
            some_ids, found = _pass(engine, query, False, limit, rule)
            seen = set(ids)
            ids += [pk for pk in some_ids if pk not in seen][: limit - len(ids)]
        else:
            # More articles with every word than the pages show (or than
            # were scored): none with only some of them is shown, and the
            # count is of the articles with some word.
            found = None
    if found is not None:
        return ids, complete, found, EXACT
    indexed = engine.count(query, cap=COUNT_CAP)
    if indexed > COUNT_CAP:
        return ids, complete, COUNT_CAP, OVER
    return ids, complete, max(indexed, len(ids)), ABOUT


_typo_index = {}


def known_words(vocabulary) -> TypoIndex:
    """What a typo may be corrected to: the dictionary, synonyms and tags,
    filed for lookup once per vocabulary and list of tag names."""
    from taggit.models import Tag

    words = cache.get("search:tag-names")
    if words is None:
        words = [name.lower() for name in Tag.objects.values_list("name", flat=True)]
        cache.set("search:tag-names", words, 300)
    key = (id(vocabulary), tuple(words))
    index = _typo_index.get(key)
    if index is None:
        _typo_index.clear()  # one vocabulary and tag list at a time
        index = TypoIndex(set(vocabulary.words) | set(vocabulary.synonym_of) | set(words))
        _typo_index[key] = index
    return index


def run(text, *, limit=MAX_RESULTS) -> Result:
    """Search without the cache (the benchmark times this)."""
    vocabulary = segmenter.current()
    query = parse(text, vocabulary)
    if not query:
        return Result(query=query)
    rule = published_where()  # compiled once per search
    ids, complete, count, kind = _ranked(query, limit, rule)
    if not complete:
        fixed = correct(query.text, vocabulary, known_words(vocabulary))
        if fixed and fixed != query.text:
            fixed_query = parse(fixed, vocabulary)
            fixed_ids, fixed_complete, fixed_count, fixed_kind = _ranked(fixed_query, limit, rule)
            if fixed_complete:
                return Result(
                    query=fixed_query,
                    ids=fixed_ids,
                    count=fixed_count,
                    corrected=fixed,
                    count_kind=fixed_kind,
                )
    return Result(query=query, ids=ids, count=count, count_kind=kind)


# The editors' rule: every article, drafts and scheduled ones too (the index
# holds every article's document, search/index.py).
EVERY_ARTICLE = ("1 = 1", [])


def editor_search(text, *, limit=CANDIDATES):
    """Article ids best first for the admin's article list (search/admin.py
    wires it in): every state, only articles with every word of the text
    (no pass with some of them: an editor narrows a list, a reader
    browses), no typo fixed and no cache (an editor finds what they have
    just saved). The same bounded work as a reader's search. None when the
    text holds no word the index reads (only 的, signs, ...)."""
    query = parse(text, segmenter.current())
    if not query:
        return None
    ids, _ = _pass(backend(), query, True, limit, EVERY_ARTICLE)
    return ids


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
