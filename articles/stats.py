"""Reads per article per day, for the admin dashboard (阅读统计).

The read counter (articles/reads.py) hands each batch it writes to
`record_reads()`. Like the counter, it never reads-then-writes a count: a row
for (article, day) is made if missing, then raised with one
`UPDATE ... SET views = views + n` per distinct n, so concurrent processes
never lose each other's reads.
"""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from .models import Article, ArticleDailyReads


def record_reads(batch: dict[int, int], *, day: date | None = None) -> int:
    """Add `batch` ({article_id: reads}) to the day's counts (today, China
    time, by default). Reads of articles deleted meanwhile are dropped.
    Returns how many reads were recorded."""
    batch = {pk: n for pk, n in batch.items() if n > 0}
    if not batch:
        return 0
    day = day or timezone.localdate()
    with transaction.atomic():
        existing = set(Article.objects.filter(pk__in=batch).values_list("pk", flat=True))
        ArticleDailyReads.objects.bulk_create(
            [ArticleDailyReads(article_id=pk, date=day) for pk in sorted(existing)],
            ignore_conflicts=True,
        )
        by_amount = defaultdict(list)
        for pk in existing:
            by_amount[batch[pk]].append(pk)
        for amount, ids in by_amount.items():
            ArticleDailyReads.objects.filter(date=day, article_id__in=ids).update(
                views=F("views") + amount
            )
    return sum(batch[pk] for pk in existing)


def reads_between(first: date, last: date) -> int:
    """All reads from `first` to `last`, both included."""
    total = ArticleDailyReads.objects.filter(date__range=(first, last)).aggregate(
        total=Sum("views")
    )["total"]
    return total or 0


def most_read(*, days: int = 7, limit: int = 10):
    """The articles read most over the last `days` days (today included),
    each with `week_views`."""
    since = timezone.localdate() - timedelta(days=days - 1)
    return (
        Article.objects.filter(daily_reads__date__gte=since)
        .select_related("category")
        .annotate(week_views=Sum("daily_reads__views"))
        .order_by("-week_views", "-id")[:limit]
    )
