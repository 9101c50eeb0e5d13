"""Tags in the admin: usage counts, links to their articles, and merging.

A plain ModelAdmin: taggit's own TagAdmin would also route its row-by-row
merge view (merge-tags/) beside ours."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from taggit.models import Tag

from ..tagging import merge_tags, tag_named
from .forms import TagActionForm

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "usage", "view_articles"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug"]
    action_form = TagActionForm
    actions = ["merge"]
    show_full_result_count = False

    def get_ordering(self, request):
        return ["-usage_count", "name"]  # an annotation: not allowed as `ordering`

    def check(self, **kwargs):
        # admin.E033 knows only model fields, not the usage_count annotation
        # get_queryset() adds; left in, it stops every manage.py command.
        return [error for error in super().check(**kwargs) if error.id != "admin.E033"]

    def get_queryset(self, request):
        return Tag.objects.annotate(usage_count=Count("taggit_taggeditem_items")).order_by(
            *self.get_ordering(request)
        )

    @admin.display(description="使用次数", ordering="usage_count")
    def usage(self, tag):
        return tag.usage_count

    @admin.display(description="查看")
    def view_articles(self, tag):
        url = reverse("admin:articles_article_changelist") + f"?tag={tag.slug}"
        return format_html('<a href="{}">该标签的文章</a>', url)

    @admin.action(description="合并所选标签(先在右侧填写保留的标签名)", permissions=["change"])
    def merge(self, request, queryset):
        name = " ".join(request.POST.get("target", "").split())
        selected = list(queryset)
        if not name:
            if len(selected) < 2:
                self.message_user(
                    request,
                    "请至少选两个标签,或在“合并到”里填写要保留的标签名。",
                    messages.ERROR,
                )
                return
            # Without a name, the most used of the selected tags is kept.
            target = max(selected, key=lambda tag: (tag.usage_count, -tag.pk))
        else:
            target = tag_named(name)
        moved = merge_tags(sources=selected, target=target)
        merged = [tag.name for tag in selected if tag.pk != target.pk]
        self.message_user(
            request,
            f"已把标签“{'、'.join(merged)}”合并到“{target.name}”,涉及 {moved} 篇文章。",
            messages.SUCCESS,
        )
