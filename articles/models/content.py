"""Categories and articles: what editors write and readers see."""

import html
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.managers import TaggableManager

from .. import images
from ..addresses import article_path, category_path
from ..querysets import ArticleQuerySet, State, Status, state_of
from ..sanitize import clean_html
from ..text import cut, excerpt, keywords_from, plain_text
from ..validators import slug_format, validate_category_slug

IMG_SRC_RE = re.compile(r"<img\b[^>]*?\ssrc=\"([^\"]+)\"", re.I)


class Category(models.Model):
    name = models.CharField("名称", max_length=30, unique=True)
    slug = models.CharField(
        "网址别名",
        max_length=30,
        unique=True,
        validators=[slug_format, validate_category_slug],
        help_text="分类页地址 /别名/,只用小写字母、数字和连字符,例如 tbcxl。",
    )
    description = models.TextField("描述", blank=True)
    order = models.PositiveIntegerField("排序", default=0, help_text="数字小的排在前面。")

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "分类"
        verbose_name_plural = "分类"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return category_path(slug=self.slug)


class Article(models.Model):
    Status = Status
    State = State

    title = models.CharField("标题", max_length=200)
    category = models.ForeignKey(
        Category, verbose_name="分类", on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager("标签", blank=True, help_text="多个标签用逗号分隔。")
    summary = models.TextField("摘要", blank=True, help_text="留空时从正文自动截取。")
    body = models.TextField("正文", help_text="保存时会过滤掉脚本等不安全的内容。")
    # What readers read of the body, without markup: searched (a search for
    # "class" must not find every article) and cut for excerpts.
    body_text = models.TextField("正文纯文本", blank=True, editable=False)
    cover = models.ImageField(
        "封面图",
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "发布时间", default=timezone.now, help_text="设为将来的时间即定时发布,到时间前读者看不到。"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    views = models.PositiveIntegerField("阅读量", default=0)
    comments_changed_at = models.DateTimeField(
        "评论更新时间", null=True, blank=True, editable=False, db_index=True
    )
    seo_title = models.CharField("SEO 标题", max_length=200, blank=True)
    seo_keywords = models.CharField("SEO 关键词", max_length=200, blank=True)
    seo_description = models.CharField("SEO 描述", max_length=300, blank=True)
    source_url = models.CharField(
        "来源地址",
        max_length=500,
        blank=True,
        help_text="从旧站导入时的原地址,重复导入时据此更新而不新增。",
    )
    is_pinned = models.BooleanField(
        "置顶", default=False, help_text="置顶的文章排在首页和分类列表的最前面。"
    )
    is_recommended = models.BooleanField(
        "推荐", default=False, help_text="推荐的文章显示在首页的“推荐阅读”栏目里。"
    )
    thumbnail = models.ImageField(
        "缩略图", upload_to="thumbs/", max_length=200, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "文章"
        verbose_name_plural = "文章"
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_pub_idx"),
            # The XML sitemap's sections: live articles in id order with what
            # a section lists, from the index alone (articles/sitemaps.py).
            models.Index(
                fields=["status", "id", "published_at", "updated_at", "category"],
                name="article_sitemap_idx",
            ),
            models.Index(fields=["category", "status", "published_at"], name="article_cat_pub_idx"),
            # 热门内容: the most read, read in order from the index.
            models.Index(
                fields=["status", "views", "published_at", "id"], name="article_popular_idx"
            ),
            # A category's list, pinned first, at any depth (articles/paging.py).
            models.Index(
                fields=["category", "status", "is_pinned", "published_at", "id"],
                name="article_cat_pinned_idx",
            ),
            # The sitemaps' lastmod: the newest change among what readers see.
            models.Index(
                fields=["status", "updated_at", "published_at"], name="article_updated_idx"
            ),
            models.Index(fields=["status", "is_pinned", "published_at"], name="article_pinned_idx"),
            # The admin's article list (all statuses, newest first).
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # Its search for a title fragment among the newest articles
            # (articles/admin/article.py): the ids and titles read from this
            # narrow index, not from rows that hold whole bodies.
            models.Index(fields=["id", "title"], name="article_id_title_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~Q(source_url=""),
                name="article_unique_source_url",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.prepare()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {
                *update_fields, "body_text", "seo_title", "seo_description", "thumbnail"
            }  # fmt: skip
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return article_path(category=self.category.slug, pk=self.pk)

    def prepare(self):
        """What every save works out from the fields: the body through the
        allow-list, its plain text, the empty SEO fields, the thumbnail
        (also called for the rows articles/bulk.py writes without save())."""
        self.body = clean_html(self.body)
        self.body_text = plain_text(self.body)
        self.fill_seo()
        self.thumbnail = self.find_thumbnail()

    def fill_seo(self):
        """Fill the SEO title and description the editor left empty from the
        title and the content. The editor sees them and may change them; an
        emptied field is filled again on the next save."""
        for name, generated in self.generated_seo().items():
            if not getattr(self, name).strip():
                setattr(self, name, generated)

    def generated_seo(self):
        """What fill_seo() puts in an empty SEO title and description."""
        return {
            "seo_title": self.title[:200],
            "seo_description": excerpt(self.summary or self.body, 120),
        }

    def fill_seo_keywords(self):
        """Fill empty SEO keywords from the tags (or the category); call it
        after the tags are saved. Returns whether anything changed."""
        if self.seo_keywords.strip():
            return False
        keywords = keywords_from(sorted(self.tags.names()) or [self.category.name])
        self.seo_keywords = keywords
        Article.objects.filter(pk=self.pk).update(seo_keywords=keywords)
        return True

    def find_thumbnail(self) -> str:
        """The list thumbnail: of the cover, else of the first uploaded image
        in the body; "" when there is neither."""
        if self.cover:
            return images.ensure_thumbnail(self.cover.name)
        for src in IMG_SRC_RE.findall(self.body or ""):
            name = images.stored_name(html.unescape(src))
            if name:
                thumb = images.ensure_thumbnail(name)
                if thumb:
                    return thumb
        return ""

    @property
    def state(self) -> State:
        """Draft, scheduled or live (the publication rule: articles/querysets.py)."""
        return state_of(self)

    @property
    def is_public(self):
        """Whether readers may see it (live)."""
        return self.state == State.LIVE

    @cached_property
    def tag_links(self):
        """(name, address) of each tag, for the article page; computed once
        and cached with the article (see articles.views.public_article)."""
        return [(tag.name, reverse("articles:tag", args=[tag.slug])) for tag in self.tags.all()]

    @cached_property
    def excerpt(self):
        """The body's beginning (the 热门内容 sidebar, as FORMAT.md asks)."""
        return cut(self.body_text)

    @cached_property
    def teaser(self):
        """What the article lists show under a title: the editor's 摘要 when
        there is one (the field promises it), else the body's beginning."""
        return excerpt(self.summary) if self.summary.strip() else self.excerpt

    @cached_property
    def description(self):
        """Meta description: the SEO description, else the summary, else an excerpt."""
        if self.seo_description:
            return self.seo_description
        return excerpt(self.summary, 120) if self.summary.strip() else cut(self.body_text, 120)

    def previous_and_next(self):
        """The published neighbours in the same category (older, newer)."""
        siblings = Article.objects.published().filter(category_id=self.category_id)
        # A range on the publish time, and ties on it settled by id apart
        # from it: as one OR, PostgreSQL could use no index for the range and
        # walked up to every article older than this one (70 ms at 100,000).
        same_time = Q(published_at=self.published_at)
        older = (
            Article.objects.published_by(self.published_at)
            .filter(category_id=self.category_id)
            .exclude(same_time & Q(pk__gte=self.pk))
            .newest()
            .only("id", "title", "published_at", "category__slug")
            .select_related("category")
            .first()
        )
        newer = (
            siblings.filter(published_at__gte=self.published_at)
            .exclude(same_time & Q(pk__lte=self.pk))
            .order_by("published_at", "id")
            .only("id", "title", "published_at", "category__slug")
            .select_related("category")
            .first()
        )
        return older, newer
