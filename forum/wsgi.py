"""WSGI entry point, served by granian (see serve.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

django_application = get_wsgi_application()

# Anonymous readers' pages straight from the cache (pagecache/wsgi.py),
# and a JSON line per request when REQUEST_LOG=json (pagecache/access_log.py).
from pagecache.access_log import with_request_log  # noqa: E402
from pagecache.wsgi import wsgi_fast_path  # noqa: E402

application = with_request_log(wsgi_fast_path(django_application))
