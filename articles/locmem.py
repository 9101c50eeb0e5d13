"""A process's local-memory cache, bounded in bytes as well as in entries.

Django's LocMemCache bounds only the number of entries. Here an entry is
anything from a 40-byte count to a 60 KB page, so 5,000 entries may be
1 MB or 300 MB per process, and a crawl over 100,000 articles fills it
with pages. This backend also keeps the pickled sizes of its entries and,
past OPTIONS["MAX_BYTES"], drops the least recently used ones (as
LocMemCache already orders them), so a worker's memory stays bounded
however many pages the site has.
"""

from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 64 * 1024 * 1024

# Per cache name, like LocMemCache's own stores: every instance of one
# named cache in a process shares them.
_sizes = {}


class SizeBoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES))
        self._sizes = _sizes.setdefault(name, {"total": 0, "entries": {}})

    @property
    def size_in_bytes(self):
        return self._sizes["total"]

    def _set(self, key, value, timeout=None):
        self._delete(key)
        needed = len(value)
        if needed > self._max_bytes:
            return  # larger than the whole cache: not kept
        while self._cache and self._sizes["total"] + needed > self._max_bytes:
            self._pop_least_recent()
        super()._set(key, value, timeout)
        self._sizes["entries"][key] = needed
        self._sizes["total"] += needed

    def _pop_least_recent(self):
        key, _ = self._cache.popitem()  # the end: least recently used
        self._expire_info.pop(key, None)
        self._forget_size(key)

    def _forget_size(self, key):
        self._sizes["total"] -= self._sizes["entries"].pop(key, 0)

    def _cull(self):
        if self._cull_frequency == 0:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes["entries"].clear()
            self._sizes["total"] = 0
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            self._pop_least_recent()

    def _delete(self, key):
        deleted = super()._delete(key)
        if deleted:
            self._forget_size(key)
        return deleted

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes["entries"].clear()
            self._sizes["total"] = 0
