"""/metrics (articles/metrics.py) through the WSGI fast path: only the
configured addresses read it, and its counters follow what readers do."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from articles import stats
from articles.reads import reads
from pagecache.tests.client import call

pytestmark = pytest.mark.django_db

MONITOR = "10.0.0.7"


def scrape(address=MONITOR, **extra):
    status, headers, body = call("/metrics", REMOTE_ADDR=address, **extra)
    return status, headers, body


def values():
    status, _, body = scrape()
    assert status == "200 OK"
    found = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            key = sample.name + "".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[key] = sample.value
    return found


def pending(found):
    return found.get("forum_reads_pending_memory", 0) + found.get("forum_reads_pending_redis", 0)


@pytest.fixture(autouse=True)
def _monitor_allowed(settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1", "10.0.0.0/24"]


def test_only_the_configured_addresses_read_the_metrics(settings):
    status, headers, body = scrape()
    assert status == "200 OK" and "forum_page_cache_requests_total" in body
    assert headers["Content-Type"].startswith("text/plain; version=")
    assert headers["Cache-Control"] == "no-store"
    for address in ("10.0.1.7", "203.0.113.5", "", "not-an-address"):
        status, _, body = scrape(address)
        assert status == "404 Not Found" and "forum_" not in body
    # The proxy's X-Forwarded-For never opens it.
    status, _, body = scrape("203.0.113.5", HTTP_X_FORWARDED_FOR=MONITOR)
    assert status == "404 Not Found" and "forum_" not in body
    settings.METRICS_ALLOWED_ADDRESSES = []
    status, _, body = scrape()
    assert status == "404 Not Found" and "forum_" not in body


def test_page_cache_hits_misses_and_pending_reads_are_counted(article):
    before = values()
    assert pending(before) == 0
    url = article.get_absolute_url()
    assert call(url)[1]["X-Page-Cache"] == "miss"  # rendered by Django
    assert call(url)[1]["X-Page-Cache"] == "hit"
    after = values()
    hits = "forum_page_cache_requests_totalresult=hit"
    misses = "forum_page_cache_requests_totalresult=miss"
    assert after[misses] == before.get(misses, 0) + 1
    assert after[hits] == before.get(hits, 0) + 1
    assert pending(after) == 2
    reads.flush()
    assert pending(values()) == 0


def test_a_read_flush_the_database_refuses_is_counted(article, monkeypatch):
    failures = "forum_read_flush_failures_total"
    before = values().get(failures, 0)

    def refused(batch):
        raise RuntimeError("database refused the write")

    monkeypatch.setattr(stats, "record_reads", refused)
    call(article.get_absolute_url())
    reads.flush()
    after = values()
    assert after[failures] == before + 1
    assert pending(after) == 1  # kept for the next flush
    monkeypatch.undo()
    reads.flush()
    assert pending(values()) == 0
