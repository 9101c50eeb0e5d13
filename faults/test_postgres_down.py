"""PostgreSQL stopped under a running site, then started again: cached
pages still served, a styled Chinese 503 page for the rest, no worker
restarted, recovery without restarting the app, no read lost."""

import re
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from .stack import get, wait_until

pytestmark = pytest.mark.faults


def stored_views(postgres, article_id):
    with psycopg.connect(postgres.url.replace("postgres://", "postgresql://")) as db:
        return db.execute(
            "SELECT views FROM articles_article WHERE id = %s", (article_id,)
        ).fetchone()[0]


def test_postgres_stopped_and_started_again(postgres, make_site):
    # One worker: the pages it cached are the ones it serves during the outage.
    site = make_site(DATABASE_URL=postgres.url, WEB_CONCURRENCY="1", READ_FLUSH_SECONDS="1")
    site.prepare()
    site.start()
    home = get(site.url + "/").text
    paths = sorted(set(re.findall(r'href="(/[a-z0-9]+/([0-9]+)\.html)"', home)))
    (cached, cached_id), (uncached, _uncached_id) = paths[0], paths[1]
    assert get(site.url + cached).status == 200
    time.sleep(2.5)  # its read is written
    before = stored_views(postgres, cached_id)
    workers = site.workers()

    postgres.stop()
    seen = {"cached": [], "uncached": [], "healthz": [], "readyz": []}
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:
        seen["cached"].append(get(site.url + cached).status)
        seen["uncached"].append(get(site.url + uncached).status)
        seen["healthz"].append(get(site.url + "/healthz").status)
        seen["readyz"].append(get(site.url + "/readyz").status)
    print({name: f"{len(codes)} x {sorted(set(codes))}" for name, codes in seen.items()})
    assert set(seen["cached"]) == {200}  # served from the page cache
    assert set(seen["uncached"]) == {503}
    assert set(seen["healthz"]) == {200} and set(seen["readyz"]) == {503}
    down = get(site.url + uncached)
    assert "网站暂时无法访问" in down.text and down.headers["Retry-After"] == "30"
    assert site.workers() == workers  # no worker died or was restarted

    postgres.start()
    wait_until(lambda: get(site.url + uncached).status == 200, 30, "recovery")
    assert get(site.url + "/readyz").status == 200
    assert site.workers() == workers and site.process.poll() is None
    # The reads of the cached page during the outage were kept and written.
    reads = len(seen["cached"])
    wait_until(lambda: stored_views(postgres, cached_id) >= before + reads, 30, "the reads")
    time.sleep(2)
    print(
        f"reads during the outage: {reads}, written after it: "
        f"{stored_views(postgres, cached_id) - before}"
    )
    assert stored_views(postgres, cached_id) == before + reads


def test_postgres_restarted_while_the_site_is_idle(postgres, make_site):
    """Every thread holds a connection PostgreSQL closed while no request
    came: the first request afterwards must not fail on it
    (CONN_HEALTH_CHECKS: Django checks a persistent connection before a
    request's first query, and opens a new one)."""
    threads = 3
    site = make_site(DATABASE_URL=postgres.url, WEB_CONCURRENCY="1", SERVER_THREADS=str(threads))
    site.prepare()
    site.start()
    home = get(site.url + "/").text
    (path,) = sorted(set(re.findall(r'href="(/[a-z0-9]+/[0-9]+\.html)"', home)))[:1]

    def uncached(number):
        # Any other query parameter goes to Django uncached: a query each time.
        return get(f"{site.url}{path}?n={number}").status

    # Each of the worker's threads opens its persistent connection.
    with ThreadPoolExecutor(threads * 3) as pool:
        assert set(pool.map(uncached, range(threads * 30))) == {200}
    workers = site.workers()

    postgres.stop()
    postgres.start()  # pg_ctl -w: accepting connections again
    with ThreadPoolExecutor(threads * 3) as pool:
        after = list(pool.map(uncached, range(threads * 10)))
    print(f"after the restart: {after.count(200)} of {len(after)} answered 200")
    assert after == [200] * len(after)
    assert site.workers() == workers
