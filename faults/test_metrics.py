"""/metrics on the real server: granian's two workers counted together
(prometheus_client's multiprocess mode, set up by serve.py), a killed
worker's counts kept, and nginx (deploy/nginx/forum.conf) never passing
/metrics on, even though nginx connects from an allowed address."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .stack import Nginx, get
from .test_worker_killed import first_article, kill_workers

pytestmark = pytest.mark.faults

READS = 200


def scrape(site):
    response = get(site.url + "/metrics")
    assert response.status == 200, response.status
    values = {}
    for name, labels, value in re.findall(
        r"^(forum_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", response.text, re.M
    ):
        values[name + labels] = float(value)
    return values


def cache_requests(values):
    return sum(v for k, v in values.items() if k.startswith("forum_page_cache_requests_total"))


def test_every_worker_is_counted_and_a_killed_one_keeps_its_counts(folder, make_site):
    # No flush while the test runs: the pending reads stay in the workers.
    site = make_site(METRICS_ALLOWED_ADDRESSES="127.0.0.1", READ_FLUSH_SECONDS="3600")
    site.prepare()
    site.start()
    nginx = Nginx(folder, [f"{site.host}:{site.port}", f"{site.host}:{site.port}"])
    nginx.start()
    try:
        assert get(nginx.url + "/metrics").status == 404  # nginx connects from 127.0.0.1
    finally:
        nginx.stop()
    path, _ = first_article(site)
    before = scrape(site)

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: get(site.url + path).status, range(READS)))
    assert statuses == [200] * READS
    # Whichever worker answers a scrape adds up both workers' values.
    scrapes = [scrape(site) for _ in range(12)]
    totals = {cache_requests(values) - cache_requests(before) for values in scrapes}
    pending = {values["forum_reads_pending_memory"] for values in scrapes}
    print(f"cache requests counted per scrape: {totals}, pending reads: {pending}")
    assert totals == {READS} and pending == {READS}

    kill_workers(site, pid=site.workers()[0])
    after = scrape(site)
    lost = READS - after["forum_reads_pending_memory"]
    print(f"after one worker was killed: pending {after['forum_reads_pending_memory']:.0f}, "
          f"lost with it {lost:.0f}")  # fmt: skip
    # Its requests stay counted; its unwritten reads leave the gauge (lost).
    assert cache_requests(after) - cache_requests(before) >= READS
    assert 0 <= after["forum_reads_pending_memory"] <= READS
