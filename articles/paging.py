"""Pages of article lists that cost the same on page 1 and page 1,000.

A page's ids are read first, from an index alone (ORDER BY ... LIMIT ...
OFFSET over the index entries, no table rows), then only that page's rows
(a "deferred join"); the list's length is counted once per content version
and cached. Page numbers stay as readers and search engines know them.
"""

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

# The count is keyed on the content version; this only bounds memory use.
COUNT_SECONDS = 600


class ArticlePaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_key="", count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key
        self.known_count = count

    @cached_property
    def count(self):
        if self.known_count is not None:
            return self.known_count
        if not self.count_key:
            return super().count
        count = cache.get(self.count_key)
        if count is None:
            count = super().count
            cache.set(self.count_key, count, COUNT_SECONDS)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = list(self.object_list.filter(pk__in=ids)) if ids else []
        return self._get_page(rows, number, self)
