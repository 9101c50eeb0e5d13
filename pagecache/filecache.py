"""Pages kept in files, for a machine without Redis (the "pages" cache).

Django's FileBasedCache, shared by every worker of the machine and by
`manage.py warm_pages`, with one change: Django lists the whole folder on
every `set` to decide whether to cull, which costs a scan of 100,000 files
per stored page at the size of a real site. Here the folder is listed only
once every CULL_EVERY stores (and culled then, as Django does, when it
holds more than MAX_ENTRIES), so a store costs the same at any size.
"""

import threading

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 1000

_stores = {}  # per folder: stores since the last look
_lock = threading.Lock()


class PageFileCache(FileBasedCache):
    def _cull(self):
        with _lock:
            done = _stores.get(self._dir, 0) + 1
            _stores[self._dir] = done % CULL_EVERY
        if done == 1:  # the first store of the process, then every CULL_EVERY
            super()._cull()
