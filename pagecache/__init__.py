"""Whole pages for anonymous readers, from the cache.

- `keys`: which requests are cacheable and the cache key of each;
- `middleware`: stores the pages Django renders (first in MIDDLEWARE);
- `wsgi`: answers cached pages before Django builds a request (forum/wsgi.py).

Entries carry the content version they were rendered with
(articles/version.py) and are served only while it is current.
"""
