"""Redirects and the 404 log in the admin (旧站迁移); and the old
addresses in the article list's search (an editor pastes an old link and
finds the article it now leads to)."""

from urllib.parse import unquote, urlsplit

from django.contrib import admin
from django.utils.html import format_html

from articles.admin.article import ArticleAdmin

from .lookup import query_keys
from .models import NotFoundPath, OldAddress


def articles_at_old_address(text):
    """The ids of the articles an old address (a path or a full URL) leads
    to: one query on OldAddress's unique (path, query) index."""
    parts = urlsplit(text)
    path = unquote(parts.path)
    if not path.startswith("/") or len(path) > 400:
        return []
    rows = OldAddress.objects.filter(
        path=path, query__in=query_keys(parts.query), article__isnull=False
    )
    return list(rows.values_list("article_id", flat=True))


ArticleAdmin.address_lookups = [*ArticleAdmin.address_lookups, articles_at_old_address]


@admin.register(OldAddress)
class OldAddressAdmin(admin.ModelAdmin):
    list_display = ("__str__", "points_to", "source", "created_at")
    list_filter = ("source",)
    search_fields = ("path", "query", "target_url", "article__title", "category__name")
    autocomplete_fields = ("article", "category")
    raw_id_fields = ("tag",)
    fields = ("path", "query", "article", "category", "tag", "target_url", "source", "old_id")
    readonly_fields = ("old_id",)
    list_select_related = ("article__category", "category", "tag")
    list_per_page = 50

    @admin.display(description="跳转到")
    def points_to(self, obj):
        target = obj.target()
        if target is None:
            return "(文章未发布,读者看到 404)"
        return format_html('<a href="{}">{}</a>', target, target)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "tag":
            # The tag admin orders by an annotation this queryset lacks.
            from taggit.models import Tag

            kwargs["queryset"] = Tag.objects.order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("source", OldAddress.Source.EDITOR)
        return initial


@admin.register(NotFoundPath)
class NotFoundPathAdmin(admin.ModelAdmin):
    list_display = ("path", "count", "last_seen", "add_redirect")
    search_fields = ("path",)
    list_per_page = 50
    readonly_fields = ("path", "count", "last_seen")

    def get_queryset(self, request):
        # Addresses that have since got a redirect are not to do any more.
        done = OldAddress.objects.filter(query="").values("path")
        return super().get_queryset(request).exclude(path__in=done)

    def has_add_permission(self, request):
        return False

    @admin.display(description="")
    def add_redirect(self, obj):
        from urllib.parse import urlencode

        from django.urls import reverse

        url = reverse("admin:legacy_oldaddress_add") + "?" + urlencode({"path": obj.path})
        return format_html('<a href="{}">添加跳转</a>', url)
