"""The comment form: nickname, text, captcha (or the choice to go without
it and wait for a moderator), and the honeypot."""

from django import forms
from django.conf import settings

from .services import count_links

CAPTCHA_ERROR = "验证码错误或已过期,请看清新图片后重新输入;看不清可勾选下面的“看不清图片?”。"
WITHOUT_CAPTCHA_LABEL = "看不清图片?不填验证码提交,评论将由管理员审核后显示"


class CommentForm(forms.Form):
    nickname = forms.CharField(
        label="昵称",
        required=False,
        max_length=20,
        error_messages={"max_length": "昵称最多 20 个字。"},
        widget=forms.TextInput(
            attrs={"placeholder": "选填,最多 20 个字", "autocomplete": "nickname"}
        ),
    )
    body = forms.CharField(
        label="评论内容",
        min_length=2,
        max_length=1000,
        strip=True,
        error_messages={
            "required": "请填写评论内容。",
            "min_length": "评论内容至少 2 个字。",
            "max_length": "评论内容最多 1000 个字(现在 %(show_value)d 个字)。",
        },
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "说说你的看法或经验(2~1000 字)"}),
    )
    captcha = forms.CharField(
        label="验证码",
        required=False,
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "不区分大小写",
            }
        ),
    )
    captcha_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The way round the picture for a reader who cannot read it: no captcha,
    # and the comment always waits for a moderator (comments/views.py).
    without_captcha = forms.BooleanField(required=False, label=WITHOUT_CAPTCHA_LABEL)
    # A honeypot: hidden from people, filled in by naive bots.
    website = forms.CharField(required=False, label="网址(请留空)")

    def clean_body(self):
        body = self.cleaned_data["body"]
        if count_links(body) > settings.COMMENT_MAX_LINKS:
            raise forms.ValidationError(f"评论中最多只能包含 {settings.COMMENT_MAX_LINKS} 个链接。")
        return body

    def reject_captcha(self):
        self.add_error("captcha", CAPTCHA_ERROR)
