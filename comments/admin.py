from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.text import Truncator

from articles.version import article_comments_changed

from .models import BannedWord, Comment
from .services import forget_banned_words


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["short_body", "display_name", "article_link", "status", "created_at", "ip"]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["body", "nickname", "ip", "article__title"]
    list_select_related = ["article__category"]
    date_hierarchy = "created_at"
    readonly_fields = ["article", "created_at", "ip", "user_agent"]
    fields = ["article", "nickname", "body", "status", "created_at", "ip", "user_agent"]
    actions = ["approve", "reject", "mark_spam"]
    list_per_page = 50

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
