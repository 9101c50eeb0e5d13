"""`make audit`: the site's pages as standard tools see them.

Starts the site the way `make run` does (manage.py prepare_site, serve.py)
on a free port with a fresh SQLite file in a temporary folder, then audits
home, an article, a category, a tag page, the 网站地图, a search result page
and the 404 page with:

- the Nu Html Checker (npm vnu-jar, on the machine's Java),
- axe-core (WCAG 2.0/2.1 A and AA plus best practices) injected through
  Playwright, at 1280 and 390 px,
- Lighthouse 12.2.3, mobile (performance, accessibility, best practices, SEO),
- Chromium at 390 px: horizontal overflow, the smallest text, tap targets that
  are too small and too close (WCAG 2.5.8), and console errors at both widths.

Prints one table row per page, then every missed target with its details,
and exits 1 when any target is missed. Full reports go to artifacts/audit/.
"""

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "audit" / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITEMAP_XSD = NODE_MODULES / "sitemap" / "schema" / "sitemap.xsd"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_MODULES / ".bin" / "lighthouse"
REPORTS = ROOT / "artifacts" / "audit"
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LIGHTHOUSE_CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run --disable-quic"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SEARCH_WORD = "淘宝"

# Targets (issue 6).
MIN_PERFORMANCE = 0.90
MIN_OTHER_CATEGORIES = 0.95
MIN_FONT_PX = 12.0
LIGHTHOUSE_TARGET_PAGES = {"home", "article"}
LIGHTHOUSE_CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]

# Text nodes in the page and their computed font size (visible ones only).
SMALLEST_TEXT_JS = """
() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let smallest = null;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || element.closest("[hidden], .hp, noscript")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (!range.getClientRects().length) continue;
    const size = parseFloat(style.fontSize);
    if (!smallest || size < smallest.size) smallest = {size, text: text.slice(0, 40)};
  }
  return smallest;
}
"""

# WCAG 2.5.8 (target size, minimum): a target is at least 24 x 24 px, or a
# 24 px circle centred on it meets no other target (nor another small
# target's circle), or it is a link inside a sentence.
SMALL_TARGETS_JS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const targets = [...document.querySelectorAll(selector)].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"
      && !el.closest(".hp");
  });
  const rects = targets.map((el) => el.getBoundingClientRect());
  const small = rects.map((r) => r.width < 24 || r.height < 24);
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const toRect = ([x, y], r) => Math.hypot(
    Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const inSentence = (el) => getComputedStyle(el).display === "inline"
    && [...el.parentElement.childNodes].some((n) => n !== el && n.nodeType === 3 && n.textContent.trim());
  const failures = [];
  targets.forEach((el, i) => {
    if (!small[i] || inSentence(el)) return;
    const c = centre(rects[i]);
    const clash = rects.some((r, j) => j !== i && (
      small[j] ? Math.hypot(c[0] - centre(r)[0], c[1] - centre(r)[1]) < 24 : toRect(c, r) < 12));
    if (clash) {
      const r = rects[i];
      failures.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  });
  return failures;
}
"""

AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
    target: v.nodes.length ? v.nodes[0].target.join(" ") : ""}));
}
"""


@dataclass
class PageAudit:
    name: str
    path: str
    status: int = 200
    vnu_errors: list = field(default_factory=list)
    axe: dict = field(default_factory=dict)  # rule id -> violation
    lighthouse: dict = field(default_factory=dict)  # category -> score
    lighthouse_error: str = ""
    overflow_px: int = 0
    smallest_text: dict | None = None
    small_targets: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)

    @property
    def axe_serious(self):
        return [v for v in self.axe.values() if v["impact"] in ("critical", "serious")]

    def misses(self):
        found = [f"Nu Html Checker: {e}" for e in self.vnu_errors]
        found += [
            f"axe {v['impact']}: {v['id']} ({v['help']}) x{v['nodes']}, e.g. {v['target']}"
            for v in self.axe_serious
        ]
        if self.name in LIGHTHOUSE_TARGET_PAGES:
            if self.lighthouse_error:
                found.append(f"Lighthouse failed: {self.lighthouse_error}")
            for category, score in self.lighthouse.items():
                floor = MIN_PERFORMANCE if category == "performance" else MIN_OTHER_CATEGORIES
                if score is None or score < floor:
                    found.append(f"Lighthouse {category} {score} < {floor}")
        if self.overflow_px > 0:
            found.append(f"horizontal scroll at 390 px: {self.overflow_px} px too wide")
        if self.smallest_text and self.smallest_text["size"] < MIN_FONT_PX:
            found.append(
                f"text of {self.smallest_text['size']} px at 390 px: {self.smallest_text['text']!r}"
            )
        found += [f"tap target too small and too close at 390 px: {t}" for t in self.small_targets]
        found += [f"console error: {e}" for e in self.console_errors]
        return found


# -- the site ----------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def site(workdir: Path):
    """The site as `make run` serves it, on a fresh database; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", "3"),
        "READ_FLUSH_SECONDS": "1",
    }
    env.pop("REDIS_URL", None)
    subprocess.run(
        [str(PYTHON), "manage.py", "prepare_site", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = open(workdir / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(PYTHON), "serve.py"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=5).read()
                break
            except OSError:  # not listening yet, or still starting
                if server.poll() is not None:
                    log.flush()
                    output = (workdir / "server.log").read_text()[-2000:]
                    raise SystemExit(f"the server exited:\n{output}") from None
                time.sleep(0.2)
        else:
            raise SystemExit("the site did not start in 20 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []  # (href, attributes)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            attributes = dict(attrs)
            self.links.append((attributes.get("href", ""), attributes))


def links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


def pages_to_audit(url):
    """The seven pages, found the way a reader finds them: by following links."""
    _, home = fetch(url + "/")
    article = next(h for h, a in links(home) if re.fullmatch(r"/[a-z0-9-]+/\d+\.html", h))
    _, article_html = fetch(url + article)
    tag = next(h for h, a in links(article_html) if a.get("rel") == "tag")
    category = next(
        h for h, a in links(home) if re.fullmatch(r"/[a-z0-9-]+/", h) and h not in ("/sitemap/",)
    )
    return [
        PageAudit("home", "/"),
        PageAudit("article", article),
        PageAudit("category", category),
        PageAudit("tag", tag),
        PageAudit("sitemap", "/sitemap/"),
        PageAudit("search", "/search/?q=" + urllib.parse.quote(SEARCH_WORD)),
        PageAudit("404", "/no-such-page/", status=404),
    ]


# -- the tools ---------------------------------------------------------------


def run_vnu(url, pages, workdir):
    """One Java start for all pages; the HTML is fetched first so the 404
    page is checked too (vnu refuses to check an error response)."""
    files = {}
    for page in pages:
        status, html = fetch(url + page.path)
        if status != page.status:
            raise SystemExit(f"{page.path} answered {status}, expected {page.status}")
        path = workdir / f"{page.name}.html"
        path.write_text(html, encoding="utf-8")
        files[path.resolve().as_uri()] = page
    result = subprocess.run(
        [
            "java",
            "-Dnu.validator.servlet.allow-forbidden-hosts=true",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            *[str(workdir / f"{p.name}.html") for p in pages],
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    (REPORTS / "vnu.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    for message in report["messages"]:
        if message["type"] not in ("error", "non-document-error"):
            continue
        page = files.get(message.get("url", "").replace("file:/", "file:///", 1)) or files.get(
            message.get("url", "")
        )
        where = f"line {message.get('lastLine', '?')}: " if "lastLine" in message else ""
        text = where + message["message"]
        if page is None:
            raise SystemExit(f"vnu: {text}")
        page.vnu_errors.append(text)


def check_sitemaps(url):
    """Every section of /sitemap.xml against the sitemaps.org 0.9 schema (the
    XSD shipped in the npm package `sitemap`). Returns a list of problems."""
    from lxml import etree

    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    schema = etree.XMLSchema(etree.parse(str(SITEMAP_XSD)))
    index = etree.fromstring(fetch(url + "/sitemap.xml")[1].encode())
    sections = index.xpath("//sm:sitemap/sm:loc/text()", namespaces=namespace)
    problems, urls = [], 0
    for section in sections:
        document = etree.fromstring(fetch(section)[1].encode())
        if not schema.validate(document):
            problems.append(f"{section}: {schema.error_log.last_error}")
        urls += len(document.xpath("//sm:url", namespaces=namespace))
    verdict = "valid" if not problems else "INVALID"
    print(f"sitemap.xml: {len(sections)} sections, {urls} URLs, {verdict} against the 0.9 schema")
    return problems


def run_browser_checks(url, pages):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        phone = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", bypass_csp=True
        )
        desktop = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
        for audit in pages:
            for context in (phone, desktop):
                page = context.new_page()
                errors = []
                page_url = url + audit.path

                def on_console(message, errors=errors, page_url=page_url, audit=audit):
                    own_status = (
                        audit.status != 200
                        and message.location.get("url") == page_url
                        and f"status of {audit.status}" in message.text
                    )
                    if message.type == "error" and not own_status:
                        errors.append(message.text)

                page.on("console", on_console)
                page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
                page.goto(page_url, wait_until="load")
                page.add_script_tag(path=str(AXE_JS))
                for violation in page.evaluate(AXE_RUN_JS, AXE_TAGS):
                    audit.axe.setdefault(violation["id"], violation)
                if context is phone:
                    audit.overflow_px = page.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    audit.smallest_text = page.evaluate(SMALLEST_TEXT_JS)
                    audit.small_targets = page.evaluate(SMALL_TARGETS_JS)
                width = page.viewport_size["width"]
                audit.console_errors += [f"[{width} px] {e}" for e in errors]
                page.close()
        browser.close()


def run_lighthouse(url, audit, attempts=2):
    """Lighthouse, mobile; once more when Chrome itself fails (it sometimes
    does under load: an interstitial or a lost connection)."""
    for _ in range(attempts):
        _lighthouse_once(url, audit)
        if not audit.lighthouse_error:
            return


def _lighthouse_once(url, audit):
    audit.lighthouse_error = ""
    audit.lighthouse = {}
    output = (REPORTS / f"lighthouse-{audit.name}.json").resolve()
    output.unlink(missing_ok=True)
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    result = subprocess.run(
        [
            str(LIGHTHOUSE),
            url + audit.path,
            "--output=json",
            f"--output-path={output}",
            "--only-categories=" + ",".join(LIGHTHOUSE_CATEGORIES),
            f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}",
            "--quiet",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode or not output.exists():
        audit.lighthouse_error = (result.stderr or result.stdout).strip()[-300:]
        return
    report = json.loads(output.read_text())
    if report.get("runtimeError"):
        audit.lighthouse_error = report["runtimeError"].get("message", "runtime error")
    audit.lighthouse = {c: report["categories"][c]["score"] for c in LIGHTHOUSE_CATEGORIES}


def lighthouse_failures(audit):
    """The audits that cost points, for the details below the table."""
    path = REPORTS / f"lighthouse-{audit.name}.json"
    if not path.exists():
        return []
    report = json.loads(path.read_text())
    failing = []
    for category in LIGHTHOUSE_CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            result = report["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 0.9:
                failing.append(f"{category}: {ref['id']} {result['score']} {result['title']}")
    return failing


# -- the report --------------------------------------------------------------


def score(value):
    return "-" if value is None else f"{value:.2f}"


def print_table(pages):
    columns = [
        ("page", lambda p: p.name),
        ("vnu err", lambda p: str(len(p.vnu_errors))),
        ("axe crit/ser", lambda p: "{}/{}".format(*_impacts(p))),
        ("LH perf", lambda p: score(p.lighthouse.get("performance"))),
        ("LH a11y", lambda p: score(p.lighthouse.get("accessibility"))),
        ("LH bp", lambda p: score(p.lighthouse.get("best-practices"))),
        ("LH SEO", lambda p: score(p.lighthouse.get("seo"))),
        ("overflow@390", lambda p: f"{p.overflow_px} px"),
        ("min font@390", lambda p: f"{p.smallest_text['size']:g} px" if p.smallest_text else "-"),
        ("small taps", lambda p: str(len(p.small_targets))),
        ("console err", lambda p: str(len(p.console_errors))),
    ]
    rows = [[name for name, _ in columns]] + [[get(p) for _, get in columns] for p in pages]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def _impacts(page):
    impacts = [v["impact"] for v in page.axe.values()]
    return impacts.count("critical"), impacts.count("serious")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse",
        choices=["all", "targets", "none"],
        default="all",
        help="pages Lighthouse runs on: all (default), targets (home and article), none",
    )
    options = parser.parse_args()
    for needed in (VNU_JAR, AXE_JS, LIGHTHOUSE, SITEMAP_XSD):
        if not needed.exists():
            raise SystemExit(f"missing {needed}: run `cd audit && npm ci` (make audit does)")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"missing {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    if not shutil.which("java"):
        raise SystemExit("missing java (the Nu Html Checker needs Java 17)")
    REPORTS.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="audit-") as tmp, site(Path(tmp)) as url:
        workdir = Path(tmp)
        pages = pages_to_audit(url)
        print(f"Auditing {len(pages)} pages on {url} ...", flush=True)
        run_vnu(url, pages, workdir)
        sitemap_problems = check_sitemaps(url)
        run_browser_checks(url, pages)
        for audit in pages:
            if audit.status != 200 or options.lighthouse == "none":
                continue
            if options.lighthouse == "targets" and audit.name not in LIGHTHOUSE_TARGET_PAGES:
                continue
            print(f"Lighthouse {audit.name} ...", flush=True)
            run_lighthouse(url, audit)

    print()
    print_table(pages)
    print()
    print(
        "Targets: vnu 0 errors; axe 0 critical/serious; Lighthouse mobile perf >= "
        f"{MIN_PERFORMANCE}, a11y/bp/SEO >= {MIN_OTHER_CATEGORIES} on "
        f"{' and '.join(sorted(LIGHTHOUSE_TARGET_PAGES))}; no overflow, no text under "
        f"{MIN_FONT_PX:g} px, no small crowded tap targets at 390 px; no console errors."
    )
    print(f"Reports: {REPORTS.relative_to(ROOT)}/")
    missed = {p.name: p.misses() for p in pages}
    for page in pages:
        notes = lighthouse_failures(page)
        if page.lighthouse_error and page.name not in LIGHTHOUSE_TARGET_PAGES:
            notes.append(f"failed: {page.lighthouse_error}")
        if missed[page.name] or notes:
            print(f"\n{page.name} ({page.path}):")
            for miss in missed[page.name]:
                print(f"  MISSED  {miss}")
            for note in notes:
                print(f"  note    Lighthouse {note}")
    for problem in sitemap_problems:
        print(f"\nMISSED  sitemap: {problem}")
    if any(missed.values()) or sitemap_problems:
        count = sum(map(len, missed.values())) + len(sitemap_problems)
        print(f"\nFAILED: {count} target(s) missed.")
        return 1
    print("\nAll targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
