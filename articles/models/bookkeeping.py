"""The site's own bookkeeping rows: the content version the page cache keys
on, the daily reads behind the dashboard, and the read batches already
written (articles/reads.py)."""

from django.db import models

from .content import Article


class ContentVersion(models.Model):
    """One row: a number that goes up whenever anything a page shows changes,
    and the next time a scheduled article goes live. Cached pages carry the
    version they were rendered with (see articles/version.py)."""

    version = models.PositiveBigIntegerField("版本", default=1)
    # Goes up with the version when every cached page must go, article pages
    # included (those outlive other version bumps: pagecache/entries.py).
    pages = models.PositiveBigIntegerField("页面代数", default=1)
    next_publish_at = models.DateTimeField("下次定时发布", null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "内容版本"
        verbose_name_plural = "内容版本"

    def __str__(self):
        return f"v{self.version}"


class ArticleDailyReads(models.Model):
    """Reads of one article on one day (China time): the dashboard's numbers.
    Written by articles.stats.record_reads() with each read-counter batch."""

    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="daily_reads"
    )
    date = models.DateField("日期")
    views = models.PositiveIntegerField("阅读量", default=0)

    class Meta:
        ordering = ["-date", "article"]
        verbose_name = "每日阅读量"
        verbose_name_plural = "每日阅读量"
        constraints = [
            models.UniqueConstraint(fields=["article", "date"], name="daily_reads_unique"),
        ]
        indexes = [models.Index(fields=["date"], name="daily_reads_date_idx")]

    def __str__(self):
        return f"{self.article_id} {self.date}: {self.views}"


class ReadBatch(models.Model):
    """A batch of reads taken from Redis and written to the database
    (articles/reads.py). Its row, inserted in the same transaction as the
    counts, makes the batch count once even if it is written twice."""

    key = models.CharField("批次", max_length=100, unique=True)
    written_at = models.DateTimeField("写入时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-written_at"]
        verbose_name = "阅读量批次"
        verbose_name_plural = "阅读量批次"

    def __str__(self):
        return self.key
