import importlib

import pytest

from articles.reads import reads
from articles.tests.isolation import empty_caches, prefix_this_run
from articles.version import version
from legacy.notfound import not_found_log
from search.log import query_log
from search.segment import segmenter

# Fixtures shared by every app's tests: `category`, `article`, fast passwords;
# the run's own key prefix in Redis, set before any cache is used.
pytest_plugins = ["articles.tests.fixtures"]
prefix_this_run()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """With --no-migrations (the mutation runs: bench/mutation.py) the tables
    come from the models alone; add what the search app's migrations add
    beyond them, the full-text tables and the built-in dictionary, so that
    every page that searches or lists works as after `migrate`."""
    if request.config.getoption("nomigrations"):
        from django.apps import apps
        from django.db import connection

        with django_db_blocker.unblock(), connection.schema_editor() as editor:
            for name, step in (
                ("0002_index", "create"),
                ("0003_builtin_dictionary", "load"),
                ("0004_head_vector", "create"),
            ):
                module = importlib.import_module(f"search.migrations.{name}")
                getattr(module, step)(apps, editor)
    yield


@pytest.fixture(autouse=True)
def _plain_static_files_and_empty_cache(settings, tmp_path):
    """Tests render templates without running collectstatic first, write
    uploads to a temporary folder, and start with an empty cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.READ_FLUSH_SECONDS = 3600  # tests flush the read counter themselves
    reads.discard_pending()  # in memory and, with Redis, there
    # The page cache's content version is read once per test (not once a
    # second), so query counts do not depend on how long a test takes.
    settings.PAGE_CACHE_VERSION_SECONDS = 3600
    version.forget()
    # The segmenter reloads the dictionary when the content version moves;
    # version numbers start afresh in each test's database.
    segmenter.forget()
    settings.SEARCH_LOG_FLUSH_SECONDS = 3600  # tests flush the query log themselves
    # Likewise the dictionary's re-index thread: tests drain the queue.
    settings.SEARCH_REINDEX_IN_BACKGROUND = False
    query_log._pending.clear()
    # The 404 log's thread would write from its own connection, outside the
    # test's transaction (rows left for the next tests on PostgreSQL).
    settings.LEGACY_404_FLUSH_SECONDS = 3600  # tests flush the 404 log themselves
    not_found_log._pending.clear()
    # Pages in files (without Redis) go to a folder of the test's own, and
    # pages to render again wait for the test to drain them.
    if "pages" in settings.CACHES:
        settings.CACHES = {
            **settings.CACHES,
            "pages": {**settings.CACHES["pages"], "LOCATION": str(tmp_path / "pages")},
        }
    settings.PAGE_REFRESH_IN_BACKGROUND = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every configured cache, not only those this thread has opened: a live
    # server thread's cache shares its storage with ours (LocMemCache by
    # location), and counts left there (rate limits) would leak into the
    # next test. In Redis only this run's keys (articles/tests/fixtures.py).
    empty_caches()
    yield
    empty_caches()


# ---------------------------------------------------------------------------
# Browser fixtures (Playwright driving Debian's Chromium), shared by every
# end-to-end test (@pytest.mark.browser): the reader tests, the admin tests.
#
#   browser        one Chromium for the whole session
#   desktop_page   a fresh page 1280 x 800 wide
#   phone_page     a fresh page 390 x 844, mobile and touch
#   shoot          shoot(page, "name") saves full-page screenshots at 1280 and
#                  390 px to artifacts/screenshots/<name>-<width>.png
#
# Each page records console errors and uncaught exceptions in
# page.console_errors (a list of strings) for tests to assert on.
# Without /usr/bin/chromium these tests are skipped, and the summary says so.
# Never `playwright install`: the Chromium is Debian's.
# ---------------------------------------------------------------------------
import os  # noqa: E402
from pathlib import Path  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
NO_CHROMIUM = (
    f"BROWSER TESTS SKIPPED: Chromium not found at {CHROMIUM} "
    "(install it: apt-get install -y chromium fonts-noto-cjk)"
)
SCREENSHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    # Playwright's sync API runs an event loop in this thread; the test's own
    # database access (factories, assertions) is still plain synchronous code.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _record_console_errors(page):
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


@pytest.fixture
def desktop_page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    context.set_default_timeout(10_000)
    yield _record_console_errors(context.new_page())
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", device_scale_factor=2
    )
    context.set_default_timeout(10_000)
    yield _record_console_errors(context.new_page())
    context.close()


@pytest.fixture
def shoot():
    """shoot(page, name): the page as it is now, full length, at 1280 and
    390 px wide; the page is left at the width it had."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        original = page.viewport_size
        for size in (DESKTOP, PHONE):
            if page.viewport_size != size:
                page.set_viewport_size(size)
            page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True)
        if page.viewport_size != original:
            page.set_viewport_size(original)

    return take


@pytest.fixture(autouse=True)
def _forget_reads_counted_by_the_live_server(request):
    """Reads counted by a browser test's live server are never flushed: at
    exit the test database is gone, and the flush would only log errors."""
    yield
    if request.node.get_closest_marker("browser"):
        reads.discard_pending()
        query_log._pending.clear()  # the search log, likewise


def pytest_terminal_summary(terminalreporter):
    """Say it loudly when the browser tests did not run."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NO_CHROMIUM in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", f"{len(skipped)} {NO_CHROMIUM}", red=True, bold=True)
