"""The editors' side of search: the dictionary (词典), synonyms (同义词) and
the query log, where a query can be hidden from 热门搜索; and the article
list's search through the index.

The article list is the articles app's, which may not import search
(forum/tests/test_dependencies.py): its `index_search` hook is set here,
on the ArticleAdmin class itself, so the comments app's subclass of it
(the 评论 column) searches the same way."""

from django.contrib import admin, messages
from django.db.models import Sum

from articles.admin.article import ArticleAdmin

from .engine import editor_search
from .models import DictionaryWord, HiddenQuery, PendingReindex, QueryDay, SynonymGroup
from .pending import start_worker

ArticleAdmin.index_search = staticmethod(editor_search)


class ReindexNoticeMixin:
    """The dictionary's and synonyms' lists say when articles are still
    being re-indexed after a change, and restart the re-index thread when a
    restart stopped it (search/pending.py)."""

    def changelist_view(self, request, extra_context=None):
        waiting = PendingReindex.objects.count()
        if waiting:
            start_worker()
            self.message_user(
                request,
                f"还有 {waiting} 项词典改动涉及的文章正在后台重建搜索索引,"
                "完成前这些文章仍按原来的分词被搜到。",
                messages.INFO,
            )
        return super().changelist_view(request, extra_context)


@admin.register(DictionaryWord)
class DictionaryWordAdmin(ReindexNoticeMixin, admin.ModelAdmin):
    list_display = ["word", "weight", "enabled", "builtin", "updated_at"]
    list_editable = ["enabled"]
    list_filter = ["enabled", "builtin"]
    search_fields = ["word"]
    fields = ["word", "weight", "enabled"]
    actions = ["enable", "disable"]

    def has_delete_permission(self, request, obj=None):
        # A built-in word comes back from dictionary.txt when deleted: it is
        # switched off instead (启用).
        if obj is not None and obj.builtin:
            return False
        return super().has_delete_permission(request, obj)

    def _switch(self, request, queryset, enabled):
        count = 0
        for word in queryset:  # saved one by one: each queues the re-index of what it affects
            if word.enabled != enabled:
                word.enabled = enabled
                word.save()
                count += 1
        self.message_user(
            request, f"已{'启用' if enabled else '停用'} {count} 个词。", messages.SUCCESS
        )

    @admin.action(description="启用所选词语", permissions=["change"])
    def enable(self, request, queryset):
        self._switch(request, queryset, True)

    @admin.action(description="停用所选词语", permissions=["change"])
    def disable(self, request, queryset):
        self._switch(request, queryset, False)


@admin.register(SynonymGroup)
class SynonymGroupAdmin(ReindexNoticeMixin, admin.ModelAdmin):
    list_display = ["words", "enabled", "updated_at"]
    list_editable = ["enabled"]
    search_fields = ["words"]
    fields = ["words", "enabled"]


@admin.register(QueryDay)
class QueryDayAdmin(admin.ModelAdmin):
    list_display = ["query", "day", "count", "results"]
    list_filter = ["day"]
    search_fields = ["query"]
    date_hierarchy = "day"
    actions = ["hide"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="在热门搜索中隐藏所选搜索词", permissions=["view"])
    def hide(self, request, queryset):
        queries = set(queryset.values_list("query", flat=True))
        for query in queries:
            HiddenQuery.objects.get_or_create(query=query)
        self.message_user(
            request, f"已隐藏 {len(queries)} 个搜索词,它们不再出现在热门搜索和相关搜索里。"
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        extra_context["total_searches"] = QueryDay.objects.aggregate(n=Sum("count"))["n"] or 0
        return super().changelist_view(request, extra_context)


@admin.register(HiddenQuery)
class HiddenQueryAdmin(admin.ModelAdmin):
    list_display = ["query", "created_at"]
    search_fields = ["query"]
