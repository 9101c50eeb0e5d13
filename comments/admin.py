"""Comment moderation in the admin, the banned-words list, and the 评论
column this app adds to the article list."""

from django.contrib import admin, messages
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from articles.admin.article import ArticleAdmin
from articles.models import Article
from articles.paging import BoundedCountPaginator
from articles.version import article_comments_changed

from .models import BannedWord, Comment
from .services import forget_banned_words


class ArticleFilter(admin.SimpleListFilter):
    """文章: the comments of one article, reached from the article list's
    评论 column. Only the article being filtered is listed: a site has
    100,000 articles, and a list of every article with a comment would be
    read (and sent) on every page of the comment list."""

    title = "文章"
    parameter_name = "article__id__exact"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        title = Article.objects.filter(pk=value).values_list("title", flat=True).first()
        return [(value, title)] if title else []

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(article_id=value)
        return queryset


# How many of the newest comments the moderators' search reads.
SEARCH_RECENT = 20_000


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "short_body",
        "display_name",
        "article_link",
        "status",
        "held_reason",
        "created_at",
        "ip",
    ]
    # No date_hierarchy: its links need every distinct day of a million rows.
    list_filter = ["status", ArticleFilter, "created_at"]
    search_fields = ["body", "nickname", "ip", "article__title"]
    search_help_text = f"在最近的 {SEARCH_RECENT:,} 条评论中搜索内容、昵称、IP 和文章标题"
    list_select_related = ["article__category"]
    show_full_result_count = False
    paginator = BoundedCountPaginator
    # Newest first, from the (created_at, id) index.
    ordering = ["-created_at", "-id"]
    readonly_fields = ["article", "created_at", "ip", "user_agent", "held_reason"]
    fields = [
        "article",
        "nickname",
        "body",
        "status",
        "held_reason",
        "created_at",
        "ip",
        "user_agent",
    ]
    actions = ["approve", "reject", "mark_spam"]
    list_per_page = 50

    def get_ordering(self, request):
        # A search walks the id range newest first (ids follow posting).
        if request.GET.get("q", "").strip():
            return ["-id"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        # A search reads the newest SEARCH_RECENT comments (a range of ids),
        # not a million rows, where a moderator looks for this week's spam.
        if search_term.strip():
            newest = Comment.objects.aggregate(newest=Max("pk"))["newest"] or 0
            queryset = queryset.filter(pk__gt=newest - SEARCH_RECENT)
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False  # comments come from readers; an added one would have no article

    @admin.display(description="评论内容")
    def short_body(self, comment):
        return Truncator(comment.body).chars(40)

    @admin.display(description="昵称", ordering="nickname")
    def display_name(self, comment):
        return comment.display_name

    @admin.display(description="文章", ordering="article__title")
    def article_link(self, comment):
        return format_html('<a href="{}">{}</a>', comment.get_absolute_url(), comment.article)

    def _set_status(self, request, queryset, status):
        article_ids = set(queryset.values_list("article_id", flat=True))
        updated = queryset.update(status=status)
        article_comments_changed(article_ids)  # a bulk update sends no signals
        label = Comment.Status(status).label
        self.message_user(request, f"已将 {updated} 条评论标记为“{label}”。", messages.SUCCESS)

    @admin.action(description="通过所选评论", permissions=["change"])
    def approve(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.APPROVED)

    @admin.action(description="拒绝所选评论", permissions=["change"])
    def reject(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.REJECTED)

    @admin.action(description="标记为垃圾评论", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Comment.Status.SPAM)


@admin.register(BannedWord)
class BannedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "created_at"]
    search_fields = ["word"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_banned_words()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_banned_words()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_banned_words()


def comment_count(comments):
    """The number of `comments` (a Comment queryset) on each article, as an
    annotation of an article queryset: one subquery, 0 when there are none."""
    per_article = (
        comments.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_article, output_field=IntegerField()), 0)


admin.site.unregister(Article)


@admin.register(Article)
class ArticleWithCommentsAdmin(ArticleAdmin):
    """The article list with a 评论 column: all comments, and how many wait
    for moderation, linking to them."""

    list_display = [*ArticleAdmin.list_display[:-1], "comment_count", "preview_link"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.is_changelist(request):
            queryset = queryset.annotate(
                comment_total=comment_count(Comment.objects.all()),
                comment_pending=comment_count(Comment.objects.pending()),
            )
        return queryset

    @admin.display(description="评论", ordering="comment_total")
    def comment_count(self, article):
        total = getattr(article, "comment_total", 0)
        pending = getattr(article, "comment_pending", 0)
        if not total:
            return "0"
        url = reverse("admin:comments_comment_changelist") + f"?article__id__exact={article.pk}"
        if pending:
            return format_html(
                '<a href="{}">{}</a> <span class="pending">({} 条待审)</span>', url, total, pending
            )
        return format_html('<a href="{}">{}</a>', url, total)
