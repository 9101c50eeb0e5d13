"""The article list's bulk actions: publish, unpublish, move, tag, pin."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone

from ..models import Article
from ..tagging import tag_articles, tag_named
from ..version import content_changed
from .forms import ArticleActionForm


class ArticleActionsMixin:
    actions = ["publish", "unpublish", "move_to_category", "add_tag", "pin", "unpin"]

    @staticmethod
    def _bulk(request, queryset, change):
        """Run `change(articles, **who_and_when)` on the selected articles, in
        one transaction that bumps the content version (a bulk update sends
        no signals). The selection is taken by id: the list's filters may
        have joined other tables, which an UPDATE cannot."""
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            result = change(
                Article.objects.filter(pk__in=ids),
                updated_by=request.user,
                updated_at=timezone.now(),
            )
            content_changed()
        return result

    def _bulk_update(self, request, queryset, **fields):
        return self._bulk(
            request, queryset, lambda articles, **who: articles.update(**who, **fields)
        )

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        # A draft published now gets today's date; one dated in the future
        # keeps it and goes live then (定时发布).
        backdated, scheduled = self._bulk(
            request, queryset, lambda articles, **who: articles.publish(**who)
        )
        if not backdated + scheduled:
            self.message_user(request, "所选文章都已经是发布状态。", messages.WARNING)
            return
        text = f"已发布 {backdated + scheduled} 篇文章。"
        if scheduled:
            text += f"其中 {scheduled} 篇的发布时间在将来,到时间后自动上线。"
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description="撤回为草稿", permissions=["change"])
    def unpublish(self, request, queryset):
        count = self._bulk(request, queryset, lambda articles, **who: articles.unpublish(**who))
        self.message_user(
            request, f"已将 {count} 篇文章撤回为草稿,读者看不到了。", messages.SUCCESS
        )

    @admin.action(description="移动到分类(先在右侧选择分类)", permissions=["change"])
    def move_to_category(self, request, queryset):
        form = ArticleActionForm(request.POST)
        category = form.fields["category"].clean(request.POST.get("category") or None)
        if category is None:
            self.message_user(request, "请先在操作旁边的“目标分类”里选择一个分类。", messages.ERROR)
            return
        count = self._bulk_update(request, queryset, category=category)
        self.message_user(
            request, f"已将 {count} 篇文章移动到分类“{category.name}”。", messages.SUCCESS
        )

    @admin.action(description="添加标签(先在右侧填写标签)", permissions=["change"])
    def add_tag(self, request, queryset):
        name = " ".join(request.POST.get("tag", "").split())[:100]
        if not name:
            self.message_user(
                request, "请先在操作旁边的“标签”框里填写要添加的标签。", messages.ERROR
            )
            return
        tag = tag_named(name)
        ids = list(queryset.values_list("pk", flat=True))
        had_it = tag_articles(tag=tag, article_ids=ids)
        self.message_user(
            request,
            f"已给 {len(ids) - had_it} 篇文章添加标签“{tag.name}”"
            + (f"({had_it} 篇原来就有)。" if had_it else "。"),
            messages.SUCCESS,
        )

    @admin.action(description="置顶所选文章", permissions=["change"])
    def pin(self, request, queryset):
        count = self._bulk_update(request, queryset, is_pinned=True)
        self.message_user(request, f"已置顶 {count} 篇文章。", messages.SUCCESS)

    @admin.action(description="取消置顶", permissions=["change"])
    def unpin(self, request, queryset):
        count = self._bulk_update(request, queryset, is_pinned=False)
        self.message_user(request, f"已取消 {count} 篇文章的置顶。", messages.SUCCESS)
