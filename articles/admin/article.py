"""The article list and form in the admin.

The list's search (搜索) does not read the article table with LIKE (a scan
of every title and body: over a second at 100,000 articles). What it finds,
in this order:

1. the article with that id, or at that address: its source URL (an
   import's old address, a unique index), its address on this site
   (/<category>/<id>.html, with or without the domain), and what other apps
   add through `address_lookups` (the legacy app: its old addresses);
2. the newest TITLE_RECENT articles whose title contains the text as typed
   (any fragment: LIKE over a range of ids, newest first);
3. what the search index finds through `index_search`, best first (the
   search app sets it: search/admin.py; articles never imports search):
   articles of every state with every word of the text, in title, tags,
   summary or body.

Without the search app only 1 and 2 apply. A fragment the index does not
read as words (a cut inside a word) is thus found only among the newest
TITLE_RECENT titles; the help text says so. Results come in that order,
best first, unless the editor sorts by a column.
"""

from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.db import connection
from django.db.models import IntegerField, Max, Q, Value
from django.db.models.expressions import RawSQL
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..models import Article
from ..paging import BoundedCountPaginator
from .actions import ArticleActionsMixin
from .filters import FlagFilter, StatusFilter, TagFilter
from .forms import ArticleActionForm, ArticleForm
from .uploads import ImageUploadMixin

# How many of the newest articles (by id) a title fragment is looked for in.
TITLE_RECENT = 20_000
# At most this many articles found by each way (fragment, index).
SEARCH_RESULTS = 200


class SearchResultsChangeList(ChangeList):
    """A search's results best first (`search_rank`, set by
    ArticleAdmin.get_search_results), unless the editor sorts by a column."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if self.query.strip() and ORDER_VAR not in self.params:
            queryset = queryset.order_by("search_rank", "-pk")
        return queryset


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
    search_fields = ["title"]  # shows the search box; get_search_results does the searching
    search_help_text = (
        "按搜索索引查找标题、标签、摘要和正文中的词语(草稿和定时发布的文章也在内);"
        "也可输入文章编号、文章地址或来源地址。"
        f"标题中的任意片段只在最近的 {TITLE_RECENT:,} 篇文章中查找。"
    )
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

    # Set by other apps (articles imports neither): `index_search(text)`,
    # article ids best first or None when the index reads no word in the
    # text (the search app: search/admin.py); each of `address_lookups`
    # (text) -> ids of the articles at that address (the legacy app: its
    # old addresses, legacy/admin.py).
    index_search = None
    address_lookups = []

    # -- the list ----------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        ids = self.search_ids(term)
        if not ids:
            return queryset.none().annotate(search_rank=Value(0)), False
        # Each id's place as one CASE over parameters (hundreds of When()
        # objects cost more to build than the query costs to run).
        column = (
            f"{connection.ops.quote_name(Article._meta.db_table)}.{connection.ops.quote_name('id')}"
        )
        rank = RawSQL(
            f"CASE {column} {' '.join(['WHEN %s THEN %s'] * len(ids))} ELSE %s END",
            [value for n, pk in enumerate(ids) for value in (pk, n)] + [len(ids)],
            output_field=IntegerField(),
        )
        return queryset.filter(pk__in=ids).annotate(search_rank=rank), False

    def get_changelist(self, request, **kwargs):
        return SearchResultsChangeList

    def search_ids(self, term):
        """The ids found for the text, best first (the module's docstring)."""
        found = list(self.exact_ids(term))
        newest = Article.objects.aggregate(newest=Max("pk"))["newest"] or 0
        found += (
            Article.objects.filter(pk__gt=newest - TITLE_RECENT, title__icontains=term)
            .order_by("-pk")
            .values_list("pk", flat=True)[:SEARCH_RESULTS]
        )
        if self.index_search is not None:
            found += (self.index_search(term) or [])[:SEARCH_RESULTS]
        return list(dict.fromkeys(found))

    def exact_ids(self, term):
        """The article with this id or at this address (at most one indexed
        query: the primary key, the source URL's unique index), then those
        other apps know at this address."""
        wanted = Q()
        pk = term if term.isascii() and term.isdigit() else self.address_id(term)
        if pk and len(str(pk)) < 19:  # a bigint
            wanted |= Q(pk=int(pk))
        if "/" in term:
            # The unique index holds the non-empty source URLs only: the
            # condition repeated lets the planner use it.
            wanted |= Q(source_url=term) & ~Q(source_url="")
        ids = []
        if wanted:
            ids = list(Article.objects.filter(wanted).order_by("pk").values_list("pk", flat=True))
        if "/" in term:
            for lookup in self.address_lookups:
                ids += lookup(term)
        return ids

    @staticmethod
    def address_id(term):
        """The id in one of this site's article addresses, or None."""
        if "/" not in term:
            return None
        try:
            match = resolve(urlsplit(term).path or "/")
        except Resolver404:
            return None
        return match.kwargs.get("pk") if match.view_name == "articles:detail" else None

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
