"""What makes a comment wait for moderation, each rule on its own: contact
details (phone numbers, QQ, WeChat ids) and the text a comment is compared
on when looking for the same text posted under other articles.

Pure text functions, no database: comments/services.py applies them with
what it knows about the address and the other comments.
"""

import hashlib
import re
import unicodedata

# Mainland mobile numbers (11 digits from 13x to 19x), with the spaces and
# dashes people put in to dodge filters; landlines with an area code.
PHONE_RE = re.compile(
    r"(?<!\d)(?:\+?86[\s-]?)?1[3-9](?:[\s-]?\d){9}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"
)
# QQ: the word (or its nicknames) followed by a number of 5 to 11 digits.
QQ_RE = re.compile(
    r"(?<![a-z])(?:qq|扣扣|企鹅|q号|q群|q)\s*(?:号码?|群)?\s*[::]?\s*[1-9]\d{4,10}(?!\d)"
)
# WeChat: the invitations and the sound-alike names spammers use to get
# past filters (薇信, 威信, v信, vx ...), or a name followed by an id. A
# Latin v/vx/wx inside a longer word (vip, vxe) is not one of them.
WECHAT_RE = re.compile(
    r"加微信|加微(?!博)|加威|加薇|v信|薇信|威信|徽信|维信|微信号|"
    r"加v(?![a-z])|(?<![a-z])(?:vx|wx)(?![a-z])|"
    r"(?:微信|weixin|wechat)\s*[::]\s*[a-z0-9][-_a-z0-9]{5,19}"
)


def normalized(text: str) -> str:
    """NFKC (full-width letters and digits as ASCII), lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def contact_details(text: str) -> list[str]:
    """The kinds of contact details in `text`, in Chinese ("手机号", "QQ",
    "微信"), each once."""
    text = normalized(text)
    found = []
    if PHONE_RE.search(text):
        found.append("手机号")
    if QQ_RE.search(text):
        found.append("QQ")
    if WECHAT_RE.search(text):
        found.append("微信")
    return found


def repeat_fingerprint(text: str) -> str:
    """A hash of the text that ignores spacing, punctuation, case and
    width: two comments with the same fingerprint say the same thing."""
    kept = "".join(ch for ch in normalized(text) if ch.isalnum())
    return hashlib.sha256(kept.encode()).hexdigest() if kept else ""


def repeat_length(text: str) -> int:
    """How many letters, digits and characters `text` has (what
    repeat_fingerprint keeps)."""
    return sum(ch.isalnum() for ch in normalized(text))
