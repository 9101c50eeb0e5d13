"""Comments, banned words and captcha challenges."""

from django.db import models
from django.utils import timezone

from articles.models import Article


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已通过"
        REJECTED = "rejected", "已拒绝"
        SPAM = "spam", "垃圾评论"

    article = models.ForeignKey(
        Article, verbose_name="文章", on_delete=models.CASCADE, related_name="comments"
    )
    nickname = models.CharField("昵称", max_length=20, blank=True)
    body = models.TextField("评论内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("评论时间", default=timezone.now)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    user_agent = models.CharField("浏览器标识", max_length=300, blank=True)
    held_reason = models.CharField("待审原因", max_length=200, blank=True)
    # comments/rules.py's repeat_fingerprint of the body (empty for short
    # texts and for comments written before it existed).
    fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "评论"
        verbose_name_plural = "评论"
        indexes = [
            models.Index(fields=["article", "status", "created_at"], name="comment_article_idx"),
            models.Index(fields=["status", "created_at"], name="comment_status_idx"),
            models.Index(fields=["created_at", "id"], name="comment_created_idx"),
            models.Index(fields=["fingerprint"], name="comment_fingerprint_idx"),
            models.Index(fields=["ip", "status"], name="comment_ip_idx"),
        ]

    def __str__(self):
        return f"{self.display_name}:{self.body[:30]}"

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#comments"

    @property
    def display_name(self):
        return self.nickname or "匿名网友"


class BannedWord(models.Model):
    word = models.CharField("敏感词", max_length=50, unique=True)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        ordering = ["word"]
        verbose_name = "敏感词"
        verbose_name_plural = "敏感词"

    def __str__(self):
        return self.word


class CaptchaChallenge(models.Model):
    """One captcha shown to one reader. The answer is stored only as an HMAC;
    the key is random and single use."""

    key = models.CharField(max_length=64, unique=True)
    answer_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = "验证码"
        verbose_name_plural = "验证码"

    def __str__(self):
        return self.key[:8]


class SpamModel(models.Model):
    """The naive Bayes spam score's counts (comments/bayes.py), learnt from
    the moderators' decisions by `manage.py train_spam_filter`; the newest
    row is the one in use."""

    counts = models.JSONField("特征计数", default=dict)
    spam_comments = models.PositiveIntegerField("垃圾评论数", default=0)
    approved_comments = models.PositiveIntegerField("正常评论数", default=0)
    trained_at = models.DateTimeField("训练时间", default=timezone.now)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = "垃圾评论模型"
        verbose_name_plural = "垃圾评论模型"

    def __str__(self):
        return f"{self.trained_at:%Y-%m-%d %H:%M}({self.spam_comments}/{self.approved_comments})"
