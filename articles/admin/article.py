"""The article list and form in the admin."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..models import Article
from ..paging import BoundedCountPaginator
from .actions import ArticleActionsMixin
from .filters import FlagFilter, StatusFilter, TagFilter
from .forms import ArticleActionForm, ArticleForm
from .uploads import ImageUploadMixin


@admin.register(Article)
class ArticleAdmin(ArticleActionsMixin, ImageUploadMixin, admin.ModelAdmin):
    form = ArticleForm
    action_form = ArticleActionForm
    list_display = [
        "thumb",
        "title",
        "category",
        "state",
        "flags",
        "published",
        "views",
        "preview_link",
    ]
    list_display_links = ["thumb", "title"]
    list_filter = [
        StatusFilter,
        "category",
        TagFilter,
        FlagFilter,
        ("published_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["category"]
    list_per_page = 50
    show_full_result_count = False
    paginator = BoundedCountPaginator
    search_fields = ["title", "body_text"]
    search_help_text = "按标题和正文搜索"
    ordering = ["-published_at", "-id"]
    actions = ["publish", "unpublish", "move_to_category", "add_tag", "pin", "unpin"]
    readonly_fields = ["views", "history", "thumb_large"]
    save_on_top = True
    view_on_site = False  # the change form has its own 预览 / 在网站上查看 button
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "body"]}),
        ("封面与摘要", {"fields": ["cover", "thumb_large", "summary"]}),
        (
            "发布",
            {
                "fields": ["status", "published_at", ("is_pinned", "is_recommended")],
                "description": "状态选“已发布”且发布时间已到,读者才能看到;发布时间设为将来即定时发布。",
            },
        ),
        ("SEO(留空自动生成)", {"fields": ["seo_title", "seo_keywords", "seo_description"]}),
        (
            "记录",
            {"fields": ["history", "views", "source_url"], "classes": ["collapse"]},
        ),
    ]

    # -- the list ----------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_changelist(request):
            queryset = queryset.defer(
                "body", "summary", "seo_description", "seo_keywords", "source_url"
            )
        return queryset

    @staticmethod
    def is_changelist(request):
        match = request.resolver_match
        return bool(match and match.url_name.endswith("changelist"))

    @admin.display(description="缩略图")
    def thumb(self, article):
        if article.thumbnail:
            return format_html(
                '<img src="{}" alt="" width="80" height="50" class="article-thumb" loading="lazy">',
                article.thumbnail.url,
            )
        return format_html('<span class="article-thumb article-thumb-empty">{}</span>', "无图")

    @admin.display(description="缩略图")
    def thumb_large(self, article):
        if article.thumbnail:
            return format_html(
                '<img src="{}" alt="缩略图" width="160" height="100">', article.thumbnail.url
            )
        return "保存后根据封面或正文第一张图生成。"

    STATE_BADGES = {Article.State.DRAFT: "草稿", Article.State.SCHEDULED: "定时"}

    @admin.display(description="状态", ordering="status")
    def state(self, article):
        state = article.state
        label = self.STATE_BADGES.get(state, state.label)
        return format_html('<span class="state state-{}">{}</span>', state.value, label)

    @admin.display(description="发布时间", ordering="published_at")
    def published(self, article):
        return timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M")

    @admin.display(description="标记")
    def flags(self, article):
        labels = [
            (css, label)
            for flag, css, label in [
                (article.is_pinned, "flag-pin", "置顶"),
                (article.is_recommended, "flag-rec", "推荐"),
            ]
            if flag
        ]
        return format_html_join("", '<span class="flag {}">{}</span>', labels) or "-"

    @admin.display(description="预览")
    def preview_link(self, article):
        label = "查看" if article.is_public else "预览"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', article.get_absolute_url(), label
        )

    @admin.display(description="创建与修改")
    def history(self, article):
        if not article.pk:
            return "-"
        url = reverse("admin:articles_article_history", args=[article.pk])
        return format_html(
            '创建:{} · {}<br>最后修改:{} · {}<br><a href="{}">查看全部修改记录</a>',
            article.created_by or "(未知)",
            timezone.localtime(article.created_at).strftime("%Y-%m-%d %H:%M"),
            article.updated_by or "(未知)",
            timezone.localtime(article.updated_at).strftime("%Y-%m-%d %H:%M"),
            url,
        )

    # -- saving ------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None:
            form.base_fields[
                "published_at"
            ].help_text = "默认是现在;设为将来的时间即定时发布。从草稿改为发布时,请确认这个时间。"
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.fill_seo_keywords()
