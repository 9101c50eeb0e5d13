"""Chinese word segmentation (rjieba, the jieba-rs binding) with the trade's
dictionary and synonyms.

The stock dictionary is extended with search/dictionary.txt and the
editors' words (DictionaryWord); the synonyms come from search/synonyms.txt
and SynonymGroup. Every process builds its segmenter once and builds it
again when the editors' lists change: a change bumps the content version
(articles/version.py), which every process reads at least once a second; a
process that sees a new version compares the lists' fingerprint (one small
query) and reloads when it moved.

Words are compared in NFKC form and lower case (ＳＫＵ, SKU and sku are one
word), which is also what the index stores.
"""

import re
import threading
import unicodedata
from itertools import accumulate
from pathlib import Path

from django.db import connection

from articles.version import version

HERE = Path(__file__).resolve().parent
DICTIONARY_FILE = HERE / "dictionary.txt"
SYNONYMS_FILE = HERE / "synonyms.txt"
# Dictionary words without a weight of their own: high enough that the
# segmenter keeps them whole next to common words (双十一 against 十一大).
DEFAULT_WEIGHT = 20000

WORD_RE = re.compile(r"\w+")
CJK_RE = re.compile(r"[\u3400-\u9fff]")

# Words of a question that say nothing about what is wanted.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "被",
        "把",
        "将",
        "对",
        "给",
        "让",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "嘛",
        "哦",
        "怎么",
        "怎么办",
        "怎样",
        "怎么样",
        "如何",
        "什么",
        "为什么",
        "为何",
        "哪些",
        "哪个",
        "哪里",
        "多少",
        "能",
        "能不能",
        "可以",
        "可不可以",
        "要",
        "需要",
        "应该",
        "会",
        "有",
        "没有",
        "一个",
        "一些",
        "这个",
        "那个",
        "这些",
        "那些",
        "这样",
        "那样",
        "我",
        "你",
        "他",
        "她",
        "我们",
        "你们",
        "他们",
        "自己",
        "如果",
        "还是",
        "或者",
        "就",
        "都",
        "也",
        "还",
        "才",
        "又",
        "再",
        "请问",
        "求",
        "求助",
        "问",
        "问题",
        "一下",
        "一点",
        "到底",
        "是否",
        "啥",
        "咋",
        "咋办",
        "时候",
        "之后",
        "以后",
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "in",
        "on",
        "for",
        "is",
        "are",
        "how",
        "what",
        "why",
    ]
)


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def clean_tokens(pieces) -> list[str]:
    """The segmenter's pieces as index words: lower case, only letters,
    digits and CJK (punctuation dropped, 'dou+' -> 'dou')."""
    words = []
    for piece in pieces:
        words.extend(WORD_RE.findall(piece.lower()))
    return words


def read_list(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def builtin_words():
    """(word, weight) of search/dictionary.txt."""
    for line in read_list(DICTIONARY_FILE):
        word, _, weight = (
            line.rpartition(" ") if line[-1].isdigit() and " " in line else (line, "", "")
        )
        yield word.strip(), int(weight or 0)


def builtin_synonyms():
    for line in read_list(SYNONYMS_FILE):
        yield line.split()


_adopted = threading.Lock()
_adopted_default = False


def fresh_jieba():
    """A jieba instance with the stock dictionary and nothing added.

    Importing rjieba builds one (rjieba._DEFAULT_JIEBA, for its module-level
    functions, which nothing here calls): about 24 MB of every worker. The
    first vocabulary of a process takes that one instead of building its
    twin; a vocabulary loaded again later (the editors changed the lists)
    builds its own, so one in use by another thread is never changed.
    """
    # Imported here, on the first search or indexing: loading the module
    # takes 0.14 s of every worker's start, and reader pages never need it.
    import rjieba

    global _adopted_default
    with _adopted:
        if not _adopted_default:
            _adopted_default = True
            return rjieba._DEFAULT_JIEBA
    return rjieba.Jieba()


class Vocabulary:
    """One loaded segmenter: the dictionary, the synonyms, and the jieba
    instance that knows them."""

    def __init__(self, words, synonym_groups):
        self.jieba = fresh_jieba()
        self.words = {}
        for word, weight in words:
            self.words[normalize(word)] = word
            for form in {word, normalize(word), word.upper()}:
                self.jieba.add_word(form, weight or DEFAULT_WEIGHT, None)
        self.synonym_of = {}
        for group in synonym_groups:
            forms = {normalize(w) for w in group if w.strip()}
            for word in group:
                self.jieba.add_word(word, DEFAULT_WEIGHT, None)
                self.jieba.add_word(normalize(word), DEFAULT_WEIGHT, None)
            for form in forms:
                self.synonym_of.setdefault(form, set()).update(forms)

    def index_words(self, text: str) -> list[str]:
        """Every word of a text as the index stores it: the precise cut plus
        the shorter words inside long ones (淘宝直通车 -> 淘宝 直通 通车
        直通车 淘宝直通车), so a search for a part finds the whole."""
        return clean_tokens(self.jieba.cut_for_search(unicodedata.normalize("NFKC", text or "")))

    def query_words(self, text: str) -> list[str]:
        """The words of what a reader typed, in order (precise cut)."""
        return clean_tokens(self.jieba.cut(unicodedata.normalize("NFKC", text or "")))

    def word_ends(self, text: str) -> set[int]:
        """Where the words of `text` end (precise cut, as query_words), as
        offsets into it: the cut's pieces put the text back together,
        spaces and punctuation included."""
        return set(accumulate(len(piece) for piece in self.jieba.cut(text)))

    def synonyms(self, word: str) -> set[str]:
        return self.synonym_of.get(word, {word})

    def is_word(self, text: str) -> bool:
        return normalize(text) in self.words or self.jieba.has_word(text)


def _fingerprint():
    """Changes whenever a dictionary word or synonym group is added, changed
    or removed: counts and the newest change, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM search_dictionaryword),"
            " (SELECT MAX(updated_at) FROM search_dictionaryword),"
            " (SELECT COUNT(*) FROM search_synonymgroup),"
            " (SELECT MAX(updated_at) FROM search_synonymgroup)"
        )
        return tuple(str(value) for value in cursor.fetchone())


def _load():
    from .models import DictionaryWord, SynonymGroup

    rows = {row.word: row for row in DictionaryWord.objects.all()}
    words = [(w, weight) for w, weight in builtin_words() if w not in rows]
    words += [(row.word, row.weight) for row in rows.values() if row.enabled]
    groups = list(builtin_synonyms())
    groups += [g.word_list() for g in SynonymGroup.objects.filter(enabled=True)]
    return Vocabulary(words, groups)


class Segmenter:
    """This process's vocabulary, reloaded when the editors' lists change."""

    def __init__(self):
        self._lock = threading.Lock()
        self._vocabulary = None
        self._fingerprint = None
        self._version = None

    def current(self) -> Vocabulary:
        seen = version.current()
        if self._vocabulary is None or seen != self._version:
            with self._lock:
                if self._vocabulary is None or seen != self._version:
                    fingerprint = _fingerprint()
                    if self._vocabulary is None or fingerprint != self._fingerprint:
                        self._vocabulary = _load()
                        self._fingerprint = fingerprint
                    self._version = seen
        return self._vocabulary

    def forget(self):
        """Load the lists again on the next use (after this process changed them)."""
        self._vocabulary = None

    @property
    def fingerprint(self):
        self.current()
        return self._fingerprint


segmenter = Segmenter()
