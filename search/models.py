"""What the search keeps: one segmented document per article, the editors'
dictionary and synonyms, and the query log behind 热门搜索.

The full-text index itself is not a Django model: on SQLite an FTS5 table
(`search_fts`) over SearchDocument, on PostgreSQL a generated tsvector
column with a GIN index on SearchDocument; both are made by the migration
0002 for the database in use (see search/backends.py).
"""

from django.db import models

from articles.models import Article


class SearchDocument(models.Model):
    """An article's words as the segmenter cut them, one space between words,
    per field; written by search.index, read only by the database's index."""

    article = models.OneToOneField(
        Article,
        verbose_name="文章",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    title = models.TextField("标题分词", blank=True)
    tags = models.TextField("标签分词", blank=True)
    summary = models.TextField("摘要分词", blank=True)
    body = models.TextField("正文分词", blank=True)

    class Meta:
        ordering = ["article"]
        verbose_name = "搜索索引"
        verbose_name_plural = "搜索索引"

    def __str__(self):
        return str(self.article_id)


class DictionaryWord(models.Model):
    """A word the segmenter keeps whole (词典). The built-in ones come from
    search/dictionary.txt; editors add, change and switch off words."""

    word = models.CharField(
        "词语", max_length=40, unique=True, help_text="例如:生意参谋、万相台、淘宝客。"
    )
    weight = models.PositiveIntegerField(
        "权重",
        default=0,
        help_text="留 0 即可;一个词总被拆开时调大(例如 50000),数字越大越不容易被拆开。",
    )
    enabled = models.BooleanField("启用", default=True)
    builtin = models.BooleanField("内置", default=False, editable=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["word"]
        verbose_name = "词典词语"
        verbose_name_plural = "词典"

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words a reader may type for the same thing (同义词): a search for any
    of them finds the others. Added to the built-in search/synonyms.txt."""

    words = models.CharField(
        "同义词",
        max_length=200,
        help_text="用空格或逗号分隔,例如:淘客 淘宝客。搜索其中任何一个词都会找到包含其他词的文章。",
    )
    enabled = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["words"]
        verbose_name = "同义词"
        verbose_name_plural = "同义词"

    def __str__(self):
        return self.words

    def word_list(self):
        return [w for w in self.words.replace(",", " ").replace(",", " ").split() if w]


class QueryDay(models.Model):
    """How often readers searched one (normalised) query on one day, and how
    many articles it found the last time: the 热门搜索 and 相关搜索 data."""

    query = models.CharField("搜索词", max_length=100)
    day = models.DateField("日期")
    count = models.PositiveIntegerField("次数", default=0)
    results = models.PositiveIntegerField("结果数", default=0)

    class Meta:
        ordering = ["-day", "-count"]
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"
        constraints = [
            models.UniqueConstraint(fields=["query", "day"], name="search_query_day_unique"),
        ]
        indexes = [models.Index(fields=["day"], name="search_query_day_idx")]

    def __str__(self):
        return f"{self.query} {self.day}: {self.count}"


class HiddenQuery(models.Model):
    """A query editors keep out of 热门搜索 and 相关搜索."""

    query = models.CharField("搜索词", max_length=100, unique=True)
    created_at = models.DateTimeField("隐藏时间", auto_now_add=True)

    class Meta:
        ordering = ["query"]
        verbose_name = "隐藏的搜索词"
        verbose_name_plural = "隐藏的搜索词"

    def __str__(self):
        return self.query


class PendingReindex(models.Model):
    """A dictionary change whose articles are still to be re-indexed, out of
    the editor's request (search/pending.py): the words it touched and how
    far through the articles (in id order) the re-index has got."""

    words = models.TextField("词语")
    after_id = models.BigIntegerField("已处理到的文章编号", default=0)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "待重建的索引"
        verbose_name_plural = "待重建的索引"

    def __str__(self):
        return self.words

    def word_list(self):
        return self.words.split()
