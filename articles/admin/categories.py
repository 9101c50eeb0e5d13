"""Categories in the admin: a list with article counts, and deletion
refused (with what to do instead) while a category still has articles."""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from ..models import Category


def category_delete_refusal(category, count):
    return (
        f"不能删除分类“{category.name}”:它下面还有 {count} 篇文章。"
        "请先在文章列表里选中这些文章,用批量操作“移动到分类”把它们移走,再删除这个分类。"
    )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "article_count", "view_articles"]
    list_display_links = ["name"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "order", "description"]
    actions = ["delete_empty_categories"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="文章数", ordering="article_total")
    def article_count(self, category):
        return category.article_total

    @admin.display(description="查看")
    def view_articles(self, category):
        url = reverse("admin:articles_article_changelist") + f"?category__id__exact={category.pk}"
        return format_html('<a href="{}">该分类的文章</a>', url)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by the guarded action below
        return actions

    @admin.action(description="删除所选分类(仅限没有文章的分类)", permissions=["delete"])
    def delete_empty_categories(self, request, queryset):
        blocked = [c for c in queryset.annotate(n=Count("articles")) if c.n]
        for category in blocked:
            self.message_user(
                request, category_delete_refusal(category, category.n), messages.ERROR
            )
        deletable = queryset.exclude(pk__in=[c.pk for c in blocked])
        names = [c.name for c in deletable]
        if names:
            self.log_deletions(request, deletable)
            for category in deletable:
                category.delete()  # one by one, so the page cache hears of each
        if names:
            self.message_user(
                request, f"已删除 {len(names)} 个分类:{'、'.join(names)}。", messages.SUCCESS
            )

    def delete_view(self, request, object_id, extra_context=None):
        """Never a page of protected objects or a 500: say what to do instead."""
        category = self.get_object(request, object_id)
        if category is not None:
            count = category.articles.count()
            if count:
                self.message_user(request, category_delete_refusal(category, count), messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_changelist")
                    + f"?category__id__exact={category.pk}"
                )
        return super().delete_view(request, object_id, extra_context)
