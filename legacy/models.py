"""Old addresses and the 404 log.

An `OldAddress` is one address the old site answered: a path, and for the
addresses whose page was chosen by a query parameter (`/plus/view.php?aid=12`,
`/?p=12`) that one parameter as `key=value` (DedeCMS's tag pages put the tag
itself in the query: `/tags.php?/卖家/` is stored with the query `/卖家/`).
It points at an article, a category or a tag, whose address is worked out
when the old one is requested (a renamed category still gets one hop), or at
a free address an editor typed.
"""

from django.core.exceptions import ValidationError
from django.db import models
from taggit.models import Tag

from articles.models import Article, Category


class OldAddress(models.Model):
    class Source(models.TextChoices):
        DEDECMS = "dedecms", "织梦 DedeCMS"
        WORDPRESS = "wordpress", "WordPress"
        EDITOR = "editor", "编辑添加"

    path = models.CharField(
        "旧地址路径",
        max_length=400,
        help_text="以 / 开头,不含域名和问号后的部分,例如 /a/tbyy/20240301/12.html。",
    )
    query = models.CharField(
        "查询参数",
        max_length=200,
        blank=True,
        help_text="旧地址靠问号后的参数区分时填写一个参数,例如 aid=12 或 p=12;否则留空。",
    )
    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, null=True, blank=True
    )
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.CASCADE, null=True, blank=True
    )
    tag = models.ForeignKey(
        Tag, verbose_name="标签", on_delete=models.CASCADE, null=True, blank=True
    )
    target_url = models.CharField(
        "跳转到",
        max_length=500,
        blank=True,
        help_text="不指向文章、分类或标签时填写新地址,例如 /tbyy/ 或完整网址。",
    )
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.EDITOR)
    old_id = models.CharField(
        "旧站编号",
        max_length=60,
        blank=True,
        help_text="导入时旧站里的编号(如 arc:12、type:3),重复导入时据此更新。",
    )
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        ordering = ["path", "query"]
        verbose_name = "旧地址跳转"
        verbose_name_plural = "旧地址跳转"
        constraints = [
            # Also the index every lookup reads (legacy/lookup.py).
            models.UniqueConstraint(fields=["path", "query"], name="oldaddress_unique_path_query"),
        ]
        indexes = [models.Index(fields=["source", "old_id"], name="oldaddress_old_id_idx")]

    def __str__(self):
        return f"{self.path}?{self.query}" if self.query else self.path

    def clean(self):
        if not self.path.startswith("/"):
            raise ValidationError({"path": "路径要以 / 开头。"})
        targets = [self.article_id, self.category_id, self.tag_id, self.target_url.strip() or None]
        if sum(target is not None for target in targets) != 1:
            raise ValidationError("文章、分类、标签和“跳转到”只能填写其中一项,且必须填写一项。")

    def target(self):
        """The address to send the reader to now, or None (the article is
        not public, so the old address is as missing as the page)."""
        if self.article_id:
            if not self.article.is_public:
                return None
            return self.article.get_absolute_url()
        if self.category_id:
            return self.category.get_absolute_url()
        if self.tag_id:
            from django.urls import reverse

            return reverse("articles:tag", args=[self.tag.slug])
        return self.target_url or None


class NotFoundPath(models.Model):
    """How often an address nobody answers was requested (legacy/notfound.py
    writes the counts in batches)."""

    path = models.CharField("地址", max_length=400, unique=True)
    count = models.PositiveIntegerField("请求次数", default=0)
    last_seen = models.DateTimeField("最近一次")

    class Meta:
        ordering = ["-count", "path"]
        verbose_name = "404 地址"
        verbose_name_plural = "404 地址(尚无跳转)"
        indexes = [models.Index(fields=["-count"], name="notfound_count_idx")]

    def __str__(self):
        return self.path


class ImportedObject(models.Model):
    """Which of our rows an old site's row became (categories, comments),
    so running an importer again updates instead of copying. Articles are
    keyed on their `source_url` instead."""

    source = models.CharField("来源", max_length=10, choices=OldAddress.Source.choices)
    kind = models.CharField("类型", max_length=20)
    old_id = models.CharField("旧站编号", max_length=60)
    object_id = models.PositiveBigIntegerField("本站编号")

    class Meta:
        ordering = ["source", "kind", "old_id"]
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "old_id"], name="importedobject_unique_old_id"
            )
        ]

    def __str__(self):
        return f"{self.source}:{self.kind}:{self.old_id}"
