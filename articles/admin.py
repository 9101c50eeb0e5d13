"""The editors' admin: articles, categories, tags, and the upload endpoint of
the rich-text editor. Everything an editor reads here is Simplified Chinese."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from django_ckeditor_5.widgets import CKEditor5Widget
from taggit.admin import TagAdmin as TaggitTagAdmin
from taggit.forms import TagWidget
from taggit.models import Tag, TaggedItem

from comments.models import Comment

from . import images
from .models import Article, Category
from .version import content_changed

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "内容管理"
# The left-hand model list takes 280 px from every page; the article list
# needs that width for its columns. The breadcrumbs and the dashboard lead
# everywhere instead.
admin.site.enable_nav_sidebar = False


# ---------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


class ArticleBodyWidget(CKEditor5Widget):
    """The rich-text editor. The textarea it replaces is hidden, so the
    browser must not insist on it: the server says when the body is empty."""

    def __init__(self, attrs=None):
        super().__init__(config_name="article", attrs=attrs)

    def use_required_attribute(self, initial):
        return False


SEO_HELP = "留空时保存后自动生成(标题、正文摘要、标签),生成后可以再修改;清空后保存会重新生成。"


class CoverField(forms.ImageField):
    """The cover upload: checked by articles/images.py in ArticleForm.clean_cover
    (with its own messages and limits) rather than by Django's Pillow check."""

    def to_python(self, data):
        return forms.FileField.to_python(self, data)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "category", "tags", "body", "cover", "summary", "status",
            "published_at", "is_pinned", "is_recommended", "seo_title", "seo_keywords",
            "seo_description", "source_url",
        ]  # fmt: skip
        field_classes = {"cover": CoverField}
        widgets = {
            "title": forms.TextInput(attrs={"size": 60}),
            "tags": TagWidget(attrs={"size": 60}),
            "body": ArticleBodyWidget(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "seo_description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "seo_title": SEO_HELP,
            "seo_keywords": "多个关键词用英文逗号分隔。" + SEO_HELP,
            "seo_description": SEO_HELP,
            "cover": (
                "JPG、PNG、GIF 或 WebP,不超过 10 MB;会自动转正、去掉拍摄信息、"
                "缩到 1600 像素宽,并生成列表缩略图。不传封面时用正文第一张图做缩略图。"
            ),
        }

    def clean_cover(self):
        """New covers go through the image pipeline; a refusal is a message
        next to the field and the rest of the form stays as typed."""
        cover = self.cleaned_data.get("cover")
        if isinstance(cover, UploadedFile):
            try:
                stored = images.store_image(cover, folder="covers")
            except images.ImageRejected as error:
                raise ValidationError(f"封面图“{cover.name}”{error.messages[0]}") from None
            return stored.name
        return cover

    def clean(self):
        cleaned = super().clean()
        # An SEO field the editor did not touch and that still holds what was
        # generated from the old content follows the new content.
        article = self.instance
        if article.pk:
            for name, generated in article.generated_seo().items():
                if name not in self.changed_data and cleaned.get(name) == generated:
                    cleaned[name] = ""
        return cleaned


class ArticleActionForm(ActionForm):
    """The bulk action bar: the action, plus its argument when it needs one."""

    category = forms.ModelChoiceField(
        Category.objects.all(), label="目标分类", required=False, empty_label="(移动到哪个分类)"
    )
    tag = forms.CharField(
        label="标签",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "要添加的标签", "size": 12}),
    )


class StatusFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("draft", "草稿"), ("live", "已发布"), ("scheduled", "定时发布(未到时间)")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "live":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__lte=now)
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
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
        tags = list(
            Tag.objects.annotate(n=Count("taggit_taggeditem_items"))
            .filter(n__gt=0)
            .order_by("-n", "name")
            .values_list("slug", "name")[: self.shown]
        )
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


def comment_count_subquery():
    return Coalesce(
        Subquery(
            Comment.objects.filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def pending_count_subquery():
    return Coalesce(
        Subquery(
            Comment.objects.pending()
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
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
        "comment_count",
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
    search_fields = ["title", "body_text"]
    search_help_text = "按标题和正文搜索"
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

    # -- the list ----------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.annotate(
                comment_total=comment_count_subquery(),
                comment_pending=pending_count_subquery(),
            ).defer("body", "summary", "seo_description", "seo_keywords", "source_url")
        return queryset

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

    @admin.display(description="状态", ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            return format_html('<span class="state state-draft">{}</span>', "草稿")
        if article.published_at > timezone.now():
            return format_html('<span class="state state-scheduled">{}</span>', "定时")
        return format_html('<span class="state state-live">{}</span>', "已发布")

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

    # -- bulk actions --------------------------------------------------------

    def _bulk_update(self, request, queryset, **fields):
        ids = list(queryset.values_list("pk", flat=True))
        with transaction.atomic():
            count = Article.objects.filter(pk__in=ids).update(
                updated_by=request.user, updated_at=timezone.now(), **fields
            )
            content_changed()
        return count

    @admin.action(description="发布所选文章", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        drafts = queryset.filter(status=Article.Status.DRAFT)
        # A draft published now gets today's date; one dated in the future
        # keeps it and goes live then (定时发布).
        backdated = self._bulk_update(
            request,
            drafts.filter(published_at__lte=now),
            status=Article.Status.PUBLISHED,
            published_at=now,
        )
        scheduled = self._bulk_update(request, drafts, status=Article.Status.PUBLISHED)
        if not backdated + scheduled:
            self.message_user(request, "所选文章都已经是发布状态。", messages.WARNING)
            return
        text = f"已发布 {backdated + scheduled} 篇文章。"
        if scheduled:
            text += f"其中 {scheduled} 篇的发布时间在将来,到时间后自动上线。"
        self.message_user(request, text, messages.SUCCESS)

    @admin.action(description="撤回为草稿", permissions=["change"])
    def unpublish(self, request, queryset):
        count = self._bulk_update(
            request,
            queryset.filter(status=Article.Status.PUBLISHED),
            status=Article.Status.DRAFT,
        )
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
        with transaction.atomic():
            tagged = set(
                TaggedItem.objects.filter(
                    tag=tag, object_id__in=ids, content_type=self._ctype()
                ).values_list("object_id", flat=True)
            )
            TaggedItem.objects.bulk_create(
                TaggedItem(tag=tag, object_id=pk, content_type=self._ctype())
                for pk in ids
                if pk not in tagged
            )
            content_changed()
        self.message_user(
            request,
            f"已给 {len(ids) - len(tagged)} 篇文章添加标签“{tag.name}”"
            + (f"({len(tagged)} 篇原来就有)。" if tagged else "。"),
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

    def _ctype(self):
        from django.contrib.contenttypes.models import ContentType

        return ContentType.objects.get_for_model(Article)

    # -- the editor's image upload --------------------------------------------

    def get_urls(self):
        upload = self.admin_site.admin_view(require_POST(self.upload_image))
        return [
            path("upload-image/", upload, name="articles_article_upload_image"),
            *super().get_urls(),
        ]

    def upload_image(self, request):
        """CKEditor's upload adapter posts one file as "upload" and expects
        {"url": ...} or {"error": {"message": ...}}, which it shows the editor."""
        if not self.has_change_permission(request) and not self.has_add_permission(request):
            return JsonResponse({"error": {"message": "没有上传图片的权限。"}}, status=403)
        upload = request.FILES.get("upload")
        if upload is None:
            return JsonResponse({"error": {"message": "没有收到图片,请重新选择文件。"}}, status=400)
        try:
            stored = images.store_image(upload, folder="uploads")
        except images.ImageRejected as error:
            return JsonResponse(
                {"error": {"message": f"“{upload.name}”上传失败:{error.messages[0]}"}},
                status=400,
            )
        return JsonResponse({"url": stored.url, "width": stored.width, "height": stored.height})


# ---------------------------------------------------------------------------
# Tags
# ---------------------------------------------------------------------------


def tag_named(name):
    """The tag called `name`, in any letter case (as taggit finds tags with
    TAGGIT_CASE_INSENSITIVE), created when there is none."""
    return Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)


def merge_tags(*, sources, target) -> int:
    """Give every article tagged with any of `sources` the tag `target`
    instead, then delete the sources. Returns how many articles moved."""
    sources = [tag for tag in sources if tag.pk != target.pk]
    if not sources:
        return 0
    source_ids = [tag.pk for tag in sources]
    with transaction.atomic():
        items = TaggedItem.objects.filter(tag_id__in=source_ids)
        already = set(
            TaggedItem.objects.filter(tag=target).values_list("content_type_id", "object_id")
        )
        moved = set()
        for item in items.only("pk", "content_type_id", "object_id"):
            key = (item.content_type_id, item.object_id)
            if key in already or key in moved:
                continue
            moved.add(key)
        TaggedItem.objects.bulk_create(
            TaggedItem(tag=target, content_type_id=ct, object_id=pk) for ct, pk in moved
        )
        items.delete()
        Tag.objects.filter(pk__in=source_ids).delete()
        content_changed()
    return len(moved)


class TagActionForm(ActionForm):
    target = forms.CharField(
        label="合并到",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "保留的标签名", "size": 14}),
    )


admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(TaggitTagAdmin):
    list_display = ["name", "slug", "usage", "view_articles"]
    search_fields = ["name", "slug"]
    inlines = []
    fields = ["name", "slug"]
    action_form = TagActionForm
    actions = ["merge"]
    show_full_result_count = False

    def get_queryset(self, request):
        return Tag.objects.annotate(usage_count=Count("taggit_taggeditem_items")).order_by(
            *self.get_ordering(request)
        )

    def get_ordering(self, request):
        return ["-usage_count", "name"]

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
