"""Titles spelt in pinyin for DedeCMS's `{pinyin}` / `{py}` file names.

DedeCMS (GetPinyin / SpGetPinyin, read in its public source, written here
afresh) turns the title into GBK and walks it byte by byte: a byte above
0x80 starts a two-byte character, looked up in the site's own table
`include/data/pinyin.dat` (its reading, or the reading's first letter;
`_` when the table lacks it); an ASCII letter or digit stays as it is;
any other byte is `_`. A title of less than two bytes is kept whole. The
table has one character a line: its two GBK bytes, one separator byte,
the reading.

With that file from the old site the spelling is DedeCMS's own. Without
it each character's most common sound (pypinyin) stands in, which differs
for some characters (see the import report).
"""

from pathlib import Path

from django.core.management.base import CommandError

TABLE = Path("include", "data", "pinyin.dat")
PHP_TRIM = b" \t\n\r\0\x0b"  # what PHP's trim() strips


def read_table(path):
    """The table as DedeCMS loads it: {two GBK bytes: reading bytes}, a
    later line winning over an earlier one for the same character."""
    table = {}
    for line in Path(path).read_bytes().split(b"\n"):
        line = line.strip(PHP_TRIM)
        if len(line) >= 2:
            table[line[:2]] = line[3:]
    return table


def site_table(site_root):
    """The old site's table, or None when there is no site root or the
    file is not under it."""
    if not site_root:
        return None
    path = Path(site_root) / TABLE
    if not path.is_file():
        return None
    try:
        return read_table(path)
    except OSError as error:
        raise CommandError(f"读不了旧站的拼音表 {path}:{error}。没有导入任何内容。") from None


def to_gbk(title):
    """The title as DedeCMS's conversion to GBK leaves it: a character
    GBK lacks is dropped."""
    out = []
    for char in title or "":
        try:
            out.append(char.encode("gbk"))
        except UnicodeEncodeError:
            continue
    return b"".join(out)


def spell_with_table(title, table, *, initials=False):
    text = to_gbk(title).strip(PHP_TRIM)
    if len(text) < 2:
        return text.decode("gbk", "replace")
    out, i = [], 0
    while i < len(text):
        byte = text[i : i + 1]
        if byte[0] > 0x80:
            sound = table.get(text[i : i + 2])
            i += 2
            if sound is None:
                out.append(b"_")
            else:
                out.append(sound[:1] if initials else sound)
            continue
        out.append(byte if byte.isalnum() else b"_")
        i += 1
    return b"".join(out).decode("gbk", "replace")


def spell_with_pypinyin(title, *, initials=False):
    from pypinyin import Style, pinyin

    out = []
    for char in (title or "").strip():
        if char.isascii():
            out.append(char if char.isalnum() else "_")
            continue
        try:
            char.encode("gbk")
        except UnicodeEncodeError:
            continue  # DedeCMS's conversion to GBK drops it
        sound = pinyin(char, style=Style.NORMAL, errors=lambda _: [""])[0][0]
        if not sound or not sound.isascii() or not sound.isalpha():
            out.append("_")
        else:
            out.append(sound[0] if initials else sound)
    return "".join(out)


def pinyin_name(title, *, initials=False, table=None):
    """The title as DedeCMS spelt it in a file name: with the old site's
    table when there is one, else with pypinyin."""
    if table is not None:
        return spell_with_table(title, table, initials=initials)
    return spell_with_pypinyin(title, initials=initials)


def note(category, table):
    """The import report's line for a category whose rule uses pinyin."""
    where = f"栏目 {category['id']} 的命名规则 {category['namerule']} 用标题拼音:"
    if table is not None:
        return where + f"按旧站的 {TABLE.as_posix()} 拼写,与织梦生成的文件名相同"
    return where + (
        "按常用读音推算,含多音字的标题可能与旧站不同,这些文章仍有 /plus/view.php?aid= "
        f"形式的旧地址(--site-root 下有旧站的 {TABLE.as_posix()} 时按它拼写,与旧站相同)"
    )
