"""A naive Bayes spam score learnt from the moderators' decisions.

A comment is cut into features: pairs of neighbouring Chinese characters,
Latin words, the shape of each digit run (how long, not which digits), and
markers for links and each kind of contact detail. `train` counts in how
many approved and in how many spam comments each feature appears;
`spam_probability` combines them (Bernoulli naive Bayes with add-one
smoothing, the features a comment has). Pure functions, no database:
comments/services.py keeps the counts in a SpamModel row, which
`manage.py train_spam_filter` rewrites.
"""

import math
import re

from .rules import contact_details, normalized

_RUN_RE = re.compile(r"[\u4e00-\u9fff]+|[a-z]+|\d+")
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|cn|net|org|top|xyz|vip|cc|shop|info|me)\b"
)
# Features seen fewer times than this in training are left out of a score.
MIN_COUNT = 1


def features(text: str) -> set[str]:
    text = normalized(text)
    found = set()
    if _URL_RE.search(text):
        found.add("#link")
        text = _URL_RE.sub(" ", text)
    for kind in contact_details(text):
        found.add("#contact:" + kind)
    digits = re.sub(r"[\s-]", "", text)
    for run in re.findall(r"\d{5,}", digits):
        found.add(f"#digits:{min(len(run), 12)}")
    for run in _RUN_RE.findall(text):
        if run.isdigit():
            found.add("#num" if len(run) < 5 else "#longnum")
        elif run.isascii():
            found.add("w:" + run)
        else:
            found.update(run[i : i + 2] for i in range(len(run) - 1))
            if len(run) == 1:
                found.add(run)
    return found


def train(comments) -> dict:
    """The model of `comments`, an iterable of (text, is_spam)."""
    model = {"spam_docs": 0, "ham_docs": 0, "spam": {}, "ham": {}}
    for text, is_spam in comments:
        side = "spam" if is_spam else "ham"
        model[side + "_docs"] += 1
        counts = model[side]
        for feature in features(text):
            counts[feature] = counts.get(feature, 0) + 1
    return model


def spam_probability(model: dict, text: str) -> float | None:
    """P(spam | text) under `model`, or None when the model has not seen
    both kinds of comment."""
    spam_docs, ham_docs = model.get("spam_docs", 0), model.get("ham_docs", 0)
    if not spam_docs or not ham_docs:
        return None
    spam, ham = model["spam"], model["ham"]
    log_odds = math.log(spam_docs / ham_docs)
    for feature in features(text):
        s, h = spam.get(feature, 0), ham.get(feature, 0)
        if s + h < MIN_COUNT:
            continue  # never seen: says nothing
        log_odds += math.log((s + 1) / (spam_docs + 2)) - math.log((h + 1) / (ham_docs + 2))
    if log_odds > 50:
        return 1.0
    return 1 / (1 + math.exp(-log_odds))
