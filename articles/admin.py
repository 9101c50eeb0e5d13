from django.contrib import admin

from .models import Article, Category

admin.site.site_header = "电商卖家知识库 管理后台"
admin.site.site_title = "电商卖家知识库"
admin.site.index_title = "内容管理"


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "published_at", "views"]
    list_filter = ["status", "category", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title"]
    date_hierarchy = "published_at"
    readonly_fields = ["views", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "category", "tags", "summary", "body", "cover"]}),
        ("发布", {"fields": ["status", "published_at"]}),
        (
            "SEO",
            {"fields": ["seo_title", "seo_keywords", "seo_description"], "classes": ["collapse"]},
        ),
        (
            "其他",
            {
                "fields": ["views", "source_url", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]
