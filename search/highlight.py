"""Highlighted titles and snippets, on the original text (not the segmented
one): the matched words are found in the text as the reader will see it,
compared in NFKC and lower case, and everything is escaped; only the <mark>
around a match is markup."""

import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe

SNIPPET_LENGTH = 110
LEAD = 20  # characters shown before the first match in a snippet
BREAKS = set("。!?;!?;\n")


def _folded(text):
    """The text in NFKC lower case, and for each of its characters the index
    of the original character it came from."""
    # Most text is already NFKC and lowers one character to one (no 'İ',
    # whose lower case is two): then character k came from character k, and
    # folding it character by character (half of a search page's CPU: 40
    # texts of a few thousand characters) is not needed. Lowered whole, as
    # the query's words are, a final 'Σ' becomes 'ς' and matches them.
    if unicodedata.is_normalized("NFKC", text):
        lowered = text.lower()
        if len(lowered) == len(text):
            return lowered, range(len(text))
    return _folded_by_character(text)


def _folded_by_character(text):
    """_folded for any text: each character in NFKC lower case on its own."""
    folded, origin = [], []
    for index, ch in enumerate(text):
        for piece in unicodedata.normalize("NFKC", ch).lower():
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


def spans(text, words):
    """Non-overlapping (start, end) of the words in `text`, longest first."""
    folded, origin = _folded(text)
    taken = [False] * len(text)
    found = []
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        start = folded.find(word)
        while start != -1:
            a, b = origin[start], origin[start + len(word) - 1] + 1
            if not any(taken[a:b]):
                found.append((a, b))
                for k in range(a, b):
                    taken[k] = True
            start = folded.find(word, start + len(word))
    return sorted(found)


def mark(text, words, found=None):
    """`text` escaped, with <mark> around each word."""
    found = spans(text, words) if found is None else found
    out, last = [], 0
    for a, b in found:
        out.append(escape(text[last:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        last = b
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(text, words, length=SNIPPET_LENGTH):
    """About `length` characters of `text` around the matches (the window
    with the most distinct words), escaped and highlighted; the beginning
    of the text when nothing matches. "..." marks a cut."""
    text = " ".join((text or "").split())
    found = spans(text, words)
    start = 0
    if found:
        best, best_score = 0, -1
        for a, _ in found:
            window = [(x, y) for x, y in found if x >= a and y <= a + length]
            score = len({text[x:y].lower() for x, y in window})
            if score > best_score:
                best, best_score = a, score
        start = max(0, best - LEAD)
        # Start after the end of a sentence when one is close before the match.
        for k in range(best - 1, start - 1, -1):
            if text[k] in BREAKS:
                start = k + 1
                break
    end = min(len(text), start + length)
    inside = [(a - start, b - start) for a, b in found if a >= start and b <= end]
    body = mark(text[start:end], words, inside)
    prefix = "..." if start > 0 else ""
    suffix = "..." if end < len(text) else ""
    return mark_safe(prefix + body + suffix)
