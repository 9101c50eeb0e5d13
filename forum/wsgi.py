"""WSGI entry point, served by granian (see serve.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

django_application = get_wsgi_application()

# Anonymous readers' pages straight from the cache (pagecache/wsgi.py).
from pagecache.wsgi import wsgi_fast_path  # noqa: E402

application = wsgi_fast_path(django_application)
