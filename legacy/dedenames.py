"""The addresses DedeCMS gave its pages, worked out again as it built them
(its GetFileName, GetTypeUrl and the multi-page writer of its article
class; read in DedeCMS's public source, written here afresh):

- an article's static page: the category's `namerule`, lower-cased first,
  then `{typedir}`, `{Y}` `{M}` `{D}` (the send date in China time),
  `{timestamp}`, `{aid}`, `{cc}` (the digits of month, day, id and year
  with each pair that is a letter's code turned into that letter),
  `{pinyin}` / `{py}` (the title in pinyin, or its initials, then `_` and
  the id; legacy/dedepinyin.py); a custom `filename` replaces the rule's file name; `index.html`
  is dropped when the site names articles by folder (cfg_arc_dirname);
- a multi-page article (`#p#分页标题#e#` in the body): page N adds `_N`
  before the extension, `/plus/view-ID-N.html` dynamically;
- the site's sub-folder (`cfg_cmspath` in dede_sysconfig) before all of it.
"""

import math
import re
from dataclasses import dataclass

from .dedecms import DEDE_ZONE, moment
from .dedepinyin import pinyin_name

DEFAULT_NAMERULE = "{typedir}/{Y}/{M}{D}/{aid}.html"
DEFAULT_NAMERULE2 = "{typedir}/list_{tid}_{page}.html"
LIST_PAGE_SIZE = 10  # the list templates' default pagesize
PAGE_BREAK_RE = re.compile(r"#p#(.*?)#e#", re.S)
# Page titles DedeCMS itself treats as none.
NO_PAGE_TITLE = {"", "副标题", "分页标题"}
PINYIN_RULE = ("{pinyin}", "{py}")


@dataclass
class Site:
    """What dede_sysconfig says about the site's addresses."""

    cmspath: str = ""  # e.g. "/cms": DedeCMS installed in a sub-folder
    arcdir: str = "/a"  # where articles of a category without typedir go
    arc_dirname: bool = True  # {aid}/index.html is linked as {aid}/
    pinyin: dict | None = None  # the old site's pinyin table (legacy/dedepinyin.py)

    @classmethod
    def from_settings(cls, settings, pinyin=None):
        cmspath = "/" + (settings.get("cfg_cmspath") or "").strip().strip("/")
        return cls(
            cmspath="" if cmspath == "/" else cmspath,
            arcdir=(settings.get("cfg_arcdir") or "/a").strip() or "/a",
            arc_dirname=(settings.get("cfg_arc_dirname") or "Y").strip().upper() != "N",
            pinyin=pinyin,
        )

    def plus(self, name):
        """An address under DedeCMS's plus/ folder (cfg_phpurl)."""
        return f"{self.cmspath}/plus/{name}"


def typedir_path(typedir, site=None):
    """A category's directory as a URL path, without the trailing slash."""
    path = (typedir or "").replace("{cmspath}", site.cmspath if site else "").strip()
    path = re.sub(r"/+", "/", "/" + path.strip("/"))
    return "" if path == "/" else path


def split_pages(body):
    """(the body as one page, how many pages it had): DedeCMS's page
    breaks go, a page's own title stays as a heading."""
    pages = 1 + len(PAGE_BREAK_RE.findall(body or ""))

    def heading(match):
        title = match.group(1).strip()
        return "" if title in NO_PAGE_TITLE else f"<h2>{title}</h2>"

    return PAGE_BREAK_RE.sub(heading, body or ""), pages


def letters(digits):
    """`{cc}`: each pair of digits that is the code of an ASCII letter
    (65-90, 97-122) becomes that letter, read left to right."""
    out, i = [], 0
    while i < len(digits):
        pair = digits[i : i + 2]
        if len(pair) == 2 and (65 <= int(pair) <= 90 or 97 <= int(pair) <= 122):
            out.append(chr(int(pair)))
            i += 2
        else:
            out.append(digits[i])
            i += 1
    return "".join(out)


def article_path(archive, category, site):
    """The static page DedeCMS gave an article, or None when it had only
    dynamic addresses (not made as HTML, or paid reading)."""
    if archive.get("ismake") == -1 or (archive.get("money") or 0) > 0:
        return None
    typedir = typedir_path(category["typedir"], site) or site.cmspath + site.arcdir
    rule = (category.get("namerule") or DEFAULT_NAMERULE).strip().lower()
    filename = (archive.get("filename") or "").strip()
    if filename:
        name = filename if re.search(r"\.[a-z0-9]+$", filename, re.I) else filename + ".html"
        rule = rule.rsplit("/", 1)[0] + "/" + name if "/" in rule else name
    stamp = archive["senddate"] or archive["pubdate"]
    local = moment(stamp).astimezone(DEDE_ZONE)
    aid = str(archive["id"])
    values = {
        "{typedir}": typedir,
        "{cmspath}": site.cmspath,
        "{y}": f"{local.year:04d}",
        "{m}": f"{local.month:02d}",
        "{d}": f"{local.day:02d}",
        "{timestamp}": str(stamp),
        "{aid}": aid,
        "{cc}": letters(f"{local.month:02d}{local.day:02d}{aid}{local.year:04d}"),
    }
    for placeholder, value in values.items():
        rule = rule.replace(placeholder, value)
    if "{p" in rule:
        title = archive["title"]
        spelt = pinyin_name(title, table=site.pinyin)
        rule = rule.replace("{pinyin}", f"{spelt}_{aid}")
        initials = pinyin_name(title, initials=True, table=site.pinyin)
        rule = rule.replace("{py}", f"{initials}_{aid}")
    path = "/" + rule.lstrip("/")
    if site.arc_dirname and path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return re.sub(r"/+", "/", path)


def article_addresses(archive, category, site, pages=1):
    """Every address of an article: its static page and those of its
    further pages, then the dynamic ones."""
    aid = archive["id"]
    found = []
    static = article_path(archive, category, site)
    if static:
        found.append((static, ""))
        if not static.endswith("/"):
            stem, dot, extension = static.rpartition(".")
            if not dot or "/" in extension:
                stem, extension = static, ""
            for page in range(2, pages + 1):
                found.append((f"{stem}_{page}.{extension}" if extension else f"{stem}_{page}", ""))
    found.append((site.plus("view.php"), f"aid={aid}"))
    for page in range(1, pages + 1):
        found.append((site.plus(f"view-{aid}-{page}.html"), ""))
    return found


def category_addresses(category, article_count, site):
    typedir = typedir_path(category["typedir"], site)
    tid = category["id"]
    found = [(site.plus("list.php"), f"tid={tid}")]
    if typedir:
        found.append((typedir + "/", ""))
        found.append((f"{typedir}/{(category.get('defaultname') or 'index.html').strip()}", ""))
    rule = (category.get("namerule2") or DEFAULT_NAMERULE2).strip()
    pages = max(1, math.ceil(article_count / LIST_PAGE_SIZE))
    for page in range(1, pages + 1):
        path = rule.replace("{typedir}", typedir).replace("{tid}", str(tid))
        path = path.replace("{page}", str(page)).replace("{cmspath}", site.cmspath)
        found.append((re.sub(r"/+", "/", "/" + path.lstrip("/")), ""))
    return list(dict.fromkeys(found))


def tag_addresses(name, site):
    return [(f"{site.cmspath}/tags.php", f"/{name}/")]
