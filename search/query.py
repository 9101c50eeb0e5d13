"""What a reader typed, as the index reads it.

`clean()` is the query as shown and cached: NFKC, whitespace folded, at
most MAX_LENGTH characters. `parse()` cuts it into words (the segmenter's
precise mode), drops the words of a question that say nothing (怎么办, 如何,
的 ...) and single characters next to real words, and gives each remaining
word its alternatives (itself and its synonyms). The result is a `Query`:
groups of alternatives, each alternative one or more index words (several
when a synonym is itself cut into words: a phrase).

`correct()` proposes a query with a one-character typo fixed (值通车 ->
直通车), against the dictionary, the synonyms and the tag names.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from .segment import CJK_RE, STOPWORDS, normalize

MAX_LENGTH = 100
MAX_GROUPS = 12


def clean(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())[:MAX_LENGTH].strip()


@dataclass
class Query:
    text: str
    groups: list = field(default_factory=list)  # [[("word",), ("two", "words")], ...]
    phrase: str = ""  # the whole query without spaces, for the title boost

    @property
    def words(self) -> list[str]:
        """Every word that may be highlighted."""
        found = []
        for group in self.groups:
            for alternative in group:
                for word in alternative:
                    if word not in found:
                        found.append(word)
        return found

    def __bool__(self):
        return bool(self.groups)


def parse(text, vocabulary) -> Query:
    text = clean(text)
    words = [w for w in vocabulary.query_words(text) if w not in STOPWORDS]
    longer = [w for w in words if len(w) > 1 or not CJK_RE.match(w)]
    if longer:
        words = longer  # 开 in 直通车怎么开 says less than it costs
    groups, seen = [], set()
    for word in words:
        if word in seen:
            continue
        alternatives = []
        for form in sorted(vocabulary.synonyms(word), key=lambda f: (f != word, f)):
            seen.add(form)
            pieces = tuple(vocabulary.query_words(form)) or (form,)
            if pieces not in alternatives:
                alternatives.append(pieces)
        groups.append(alternatives)
    phrase = re.sub(r"\s+", "", normalize(text))
    return Query(text=text, groups=groups[:MAX_GROUPS], phrase=phrase)


def _one_edit(a, b) -> bool:
    """Whether b is a with one character changed, added or removed."""
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    if abs(len(a) - len(b)) != 1:
        return False
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


class TypoIndex:
    """The known words a typo may be corrected to, filed under the keys one
    edit shares (a character replaced, added or removed), so a stretch of
    the query is compared with the few words that may be one edit away, not
    with every known word.

    Kept compact, as every worker holds one: a key is one string (its kind
    of edit as the first character) and most keys file a single word, held
    as that string, a few a tuple of them. Filed in sets of tuples, 5,000
    words took 24 MB; like this, about a third of it."""

    def __init__(self, known_words):
        self.known = frozenset(known_words)
        keys = {}
        for word in self.known:
            if len(word) >= 2 and CJK_RE.search(word):
                for key in self._stored_keys(word):
                    filed = keys.get(key)
                    if filed is None:
                        keys[key] = word
                    elif isinstance(filed, str):
                        if filed != word:
                            keys[key] = (filed, word)
                    elif word not in filed:
                        keys[key] = (*filed, word)
        self.keys = keys

    @staticmethod
    def _stored_keys(word):
        yield "=" + word
        for i in range(len(word)):
            yield "~" + word[:i] + "\0" + word[i + 1 :]  # a character replaced
            yield "-" + word[:i] + word[i + 1 :]  # a character removed

    def _filed(self, key):
        filed = self.keys.get(key, ())
        return (filed,) if isinstance(filed, str) else filed

    def close(self, window):
        """The known words one edit away from window."""
        found = set(self._filed("-" + window))  # window with a character added
        for i in range(len(window)):
            found.update(self._filed("~" + window[:i] + "\0" + window[i + 1 :]))
            found.update(self._filed("=" + window[:i] + window[i + 1 :]))
        return [w for w in found if _one_edit(window, w)]

    def __contains__(self, word):
        return word in self.known


def correct(text, vocabulary, known_words) -> str:
    """The query with its typos fixed, or "" when nothing needs fixing. A
    stretch of the query is fixed when it is no word itself and exactly one
    known word (of at least two characters, with Chinese in it) is one edit
    away; longer words are tried first, and a stretch ends where a word of
    the query (as the segmenter cuts it) ends. `known_words`: a TypoIndex,
    or the words themselves."""
    index = known_words if isinstance(known_words, TypoIndex) else TypoIndex(known_words)
    compact = clean(text)
    ends = vocabulary.word_ends(compact)
    result, changed, i = "", False, 0
    while i < len(compact):
        fixed = None
        for size in range(min(8, len(compact) - i), 1, -1):
            window = compact[i : i + size]
            if i + size not in ends:
                # It would cut a word of the query in two: in 保证金退还
                # (保证金, 退还), 保证金退 is one edit from 保证金, but 退
                # belongs to 退还.
                continue
            if not CJK_RE.search(window) or vocabulary.is_word(window) or window in index:
                continue
            close = index.close(window)
            close = [w for w in close if len(w) == max(len(c) for c in close)]
            if len(close) == 1 and (size >= 3 or len(close[0]) >= 3):
                fixed = (size, close[0])
                break
        if fixed:
            result += fixed[1]
            i += fixed[0]
            changed = True
        else:
            result += compact[i]
            i += 1
    return result if changed else ""
