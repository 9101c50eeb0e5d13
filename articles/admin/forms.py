"""The admin's forms: the article form (editor, cover upload, SEO fields)
and the extra inputs of the bulk action bars."""

from django import forms
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django_ckeditor_5.widgets import CKEditor5Widget
from taggit.forms import TagWidget

from .. import images
from ..models import Article, Category


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


class TagActionForm(ActionForm):
    target = forms.CharField(
        label="合并到",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "保留的标签名", "size": 14}),
    )
