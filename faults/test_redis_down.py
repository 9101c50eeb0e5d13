"""Redis stopped under a running site: pages still served (from the
database), comments still work, and the shared cache is used again by
itself when Redis returns."""

import json
import re
import sqlite3
import time
import urllib.parse

import pytest

from comments.proof import solve

from .stack import get

pytestmark = pytest.mark.faults

READER_PAGES = ["/", "/sitemap/", "/sitemap.xml", "/feed/", "/robots.txt"]


def article_paths(site):
    home = get(site.url + "/").text
    return sorted(set(re.findall(r'href="(/[a-z0-9]+/[0-9]+\.html)"', home)))


def post_comment(site, path, body):
    """Asks for a captcha as the page's script does, then posts the form."""
    article_id = re.search(r"/([0-9]+)\.html", path).group(1)
    captcha = get(f"{site.url}/comments/captcha/?article={article_id}")
    assert captcha.status == 200, captcha.text[:500]
    data = json.loads(captcha.body)
    cookie = captcha.headers["Set-Cookie"].split(";")[0]
    time.sleep(3.1)  # a person takes a few seconds (the captcha refuses faster answers)
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": data["csrf_token"],
            "captcha_key": data["key"],
            "captcha": "PASSED",
            "altcha": solve(data["pow"]),  # the proof of work, as the page's script finds it
            "nickname": "掌柜小王",
            "body": body,
        }
    ).encode()
    return get(
        f"{site.url}/comments/{article_id}/post/",
        data=form,
        headers={"Cookie": cookie, "Referer": site.url + path},
    )


def test_redis_stopped_pages_and_comments_still_work_and_recover(folder, redis_server, make_site):
    site = make_site(REDIS_URL=redis_server.url, PAGE_CACHE_LOCAL_SECONDS="1", REQUEST_LOG="json")
    site.prepare()
    site.start()
    articles = article_paths(site)
    assert len(articles) >= 3
    pages = READER_PAGES + articles[:3]
    for path in pages:
        assert get(site.url + path).status == 200, path
    assert redis_server.command("DBSIZE") > 0  # the pages went to Redis

    redis_server.stop()
    time.sleep(1.5)  # the processes' own copies of the pages have expired
    statuses = {}
    for _ in range(3):
        for path in pages:
            statuses.setdefault(path, set()).add(get(site.url + path).status)
    assert statuses == {path: {200} for path in pages}
    assert get(site.url + "/healthz").status == 200
    ready = get(site.url + "/readyz")
    assert ready.status == 503 and '"cache": "error"' in ready.text
    # A comment while Redis is down: accepted and shown (the captcha lives in
    # the database, the rate limit counts in the process meanwhile).
    posted = post_comment(site, articles[0], "Redis 停了也能评论,这条评论是在缓存宕机时发的。")
    assert posted.status == 200 and "评论已发表" in posted.text, posted.text[:3000]
    assert "缓存宕机时发的" in get(site.url + articles[0]).text

    redis_server.start()  # empty, on the same port
    time.sleep(2.5)  # the circuit breaker tries Redis again within 2 s
    for path in pages:
        assert get(site.url + path).status == 200, path
    assert redis_server.command("DBSIZE") > 0  # the site uses Redis again, unrestarted
    assert get(site.url + "/readyz").status == 200
    assert "Traceback" not in site.log_text().split("Redis unreachable")[0]
    logged = [json.loads(line) for line in site.log_text().splitlines() if line.startswith("{")]
    assert {"path": "/sitemap/", "status": 200, "cache": "hit"} in [
        {k: line[k] for k in ("path", "status", "cache")} for line in logged
    ]
    with sqlite3.connect(site.folder / "site.sqlite3") as db:
        (count,) = db.execute("SELECT count(*) FROM comments_comment").fetchone()
    assert count == 1
