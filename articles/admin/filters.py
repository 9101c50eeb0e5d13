"""The article list's filters: state, flags, and the most used tags."""

from django.contrib import admin
from django.core.cache import cache
from django.db.models import Count
from taggit.models import Tag

from ..models import Article
from ..version import request_version


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        labels = {Article.State.SCHEDULED: "定时发布(未到时间)"}
        return [(state.value, labels.get(state, state.label)) for state in Article.State]

    def queryset(self, request, queryset):
        if self.value() in Article.State.values:
            return queryset.in_state(self.value())
        return queryset


class FlagFilter(admin.SimpleListFilter):
    title = "标记"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("pinned", "置顶"), ("recommended", "推荐"), ("none", "无标记")]

    def queryset(self, request, queryset):
        if self.value() == "pinned":
            return queryset.filter(is_pinned=True)
        if self.value() == "recommended":
            return queryset.filter(is_recommended=True)
        if self.value() == "none":
            return queryset.filter(is_pinned=False, is_recommended=False)
        return queryset


class TagFilter(admin.SimpleListFilter):
    """The most used tags (a full list of thousands helps nobody); any tag
    can still be filtered by its link from the tag list."""

    title = "标签"
    parameter_name = "tag"
    shown = 30

    def lookups(self, request, model_admin):
        # Counting every tag's uses reads the whole tag table: once per
        # content version, not on every page of the article list.
        key = f"admin:top-tags:{request_version(request)}"
        tags = cache.get(key)
        if tags is None:
            tags = list(
                Tag.objects.annotate(n=Count("taggit_taggeditem_items"))
                .filter(n__gt=0)
                .order_by("-n", "name")
                .values_list("slug", "name")[: self.shown]
            )
            cache.set(key, tags, 600)
        tags = list(tags)
        current = self.value()
        if current and current not in {slug for slug, _ in tags}:
            name = Tag.objects.filter(slug=current).values_list("name", flat=True).first()
            if name:
                tags.insert(0, (current, name))
        return tags

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tags__slug=self.value())
        return queryset
