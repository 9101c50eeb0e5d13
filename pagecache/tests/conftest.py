import pytest
from django.core.handlers.wsgi import WSGIHandler

from pagecache import wsgi
from pagecache.tests import client


@pytest.fixture(autouse=True)
def _fast_path_built_by_the_test(monkeypatch):
    """The fast path built afresh for each test, as forum/wsgi.py builds it:
    client.app is built once, on import, so a change to wsgi_fast_path made
    after that (mutation testing) would otherwise never be served."""
    monkeypatch.setattr(client, "app", wsgi.wsgi_fast_path(WSGIHandler()))
