"""The rules that hold a comment for moderation (comments/rules.py and
comments/services.py's hold_reasons), each on its own."""

import pytest
from django.contrib.auth import get_user_model

from articles.tests.factories import make_article
from comments.models import BannedWord, Comment
from comments.rules import contact_details, repeat_fingerprint
from comments.services import comment_create

pytestmark = pytest.mark.django_db

NEW_IP = "198.51.100.20"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("有问题打我电话 13812345678", ["手机号"]),
        ("电话 138 1234 5678 随时联系", ["手机号"]),
        ("手机:139-1234-5678", ["手机号"]),
        ("全角号码 １３９１２３４５６７８", ["手机号"]),
        ("+86 15912345678", ["手机号"]),
        ("座机 021-12345678", ["手机号"]),
        ("QQ号 123456789 交流", ["QQ"]),
        ("qq:98765432", ["QQ"]),
        ("扣扣 5566778899", ["QQ"]),
        ("加微信领资料", ["微信"]),
        ("有意者vx:abc_12345", ["微信"]),
        ("薇信 shop8888", ["微信"]),
        ("v信同号", ["微信"]),
        ("威信找我", ["微信"]),
        ("加V了解详情", ["微信"]),
        ("ＶＸ同号", ["微信"]),
        ("微信:seller_2024", ["微信"]),
        ("加微信 13812345678 或 QQ 12345678", ["手机号", "QQ", "微信"]),
    ],
)
def test_contact_details_are_found(text, kinds):
    assert contact_details(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "请问直通车出价一般多少合适?",
        "我的订单号 202405061234567890 一直没发货",
        "微信支付的手续费是多少",
        "开通了微信小店,流量怎么样",
        "vip 会员有什么用",
        "淘宝客佣金设置 20% 可以吗",
        "双11 预售定金 50 元",
        "店铺评分 4.8,DSR 飘绿",
        "FAQ 12345 条目",
    ],
)
def test_ordinary_questions_have_no_contact_details(text):
    assert contact_details(text) == []


def test_the_repeat_fingerprint_ignores_spacing_punctuation_and_width():
    same = repeat_fingerprint("兼职刷单,日赚三百!")
    assert repeat_fingerprint("兼职刷单 日赚三百") == same
    assert repeat_fingerprint("兼职刷单,日赚三百。。") == same
    assert repeat_fingerprint("兼职刷单日赚四百") != same


@pytest.fixture
def article():
    return make_article(title="规则测试文章")


def create(article, body, ip=NEW_IP, nickname=""):
    return comment_create(article=article, nickname=nickname, body=body, ip=ip, user_agent="")


def test_contact_details_from_a_new_address_wait_with_the_reason(article):
    comment = create(article, "想合作的加微信 seller_2024")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "新地址首次评论含联系方式:微信"


def test_contact_details_in_the_nickname_count_too(article):
    comment = create(article, "请问怎么报名活动", nickname="QQ 12345678")
    assert comment.status == Comment.Status.PENDING
    assert "QQ" in comment.held_reason


def test_an_address_with_a_shown_comment_may_leave_a_number(article):
    Comment.objects.create(
        article=article, body="早先的评论", ip=NEW_IP, status=Comment.Status.APPROVED
    )
    comment = create(article, "需要发票的话打 13812345678 问财务")
    assert comment.status == Comment.Status.APPROVED
    assert comment.held_reason == ""


def test_a_held_or_rejected_comment_does_not_make_an_address_known(article):
    for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.REJECTED):
        Comment.objects.create(article=article, body="之前的", ip=NEW_IP, status=status)
    assert create(article, "vx 同号 13812345678").status == Comment.Status.PENDING


def test_the_contact_rule_can_be_switched_off(article, settings):
    settings.COMMENT_HOLD_CONTACT_FROM_NEW = False
    assert create(article, "加微信领资料").status == Comment.Status.APPROVED


def test_an_ordinary_comment_from_a_new_address_shows_at_once(article):
    comment = create(article, "按文章调了主图,点击率好了不少")
    assert comment.status == Comment.Status.APPROVED and comment.held_reason == ""


def test_the_same_text_under_another_article_is_held(article):
    other = make_article(title="另一篇文章")
    text = "专业代开各类发票,价格优惠,量大从优"
    first = create(other, text, ip="203.0.113.1")
    assert first.status == Comment.Status.APPROVED
    second = create(article, "专业代开各类发票 价格优惠 量大从优!", ip="203.0.113.2")
    assert second.status == Comment.Status.PENDING
    assert second.held_reason == "与其他文章下的 1 条评论内容相同"


def test_the_same_text_under_the_same_article_is_not_a_repeat(article):
    text = "这篇文章对新手卖家真的很有帮助"
    create(article, text, ip="203.0.113.1")
    assert create(article, text, ip="203.0.113.2").status == Comment.Status.APPROVED


def test_short_common_phrases_are_not_repeats(article):
    other = make_article(title="另一篇")
    create(other, "谢谢分享,学习了!", ip="203.0.113.1")
    assert create(article, "谢谢分享,学习了!", ip="203.0.113.2").status == Comment.Status.APPROVED


def test_repeats_older_than_the_window_do_not_count(article, settings):
    other = make_article(title="很久以前的文章")
    text = "兼职打字员在家就能做,日结工资"
    old = create(other, text, ip="203.0.113.1")
    Comment.objects.filter(pk=old.pk).update(
        created_at=old.created_at.replace(year=old.created_at.year - 1)
    )
    assert create(article, text, ip="203.0.113.2").status == Comment.Status.APPROVED


def test_the_repeat_rule_can_be_switched_off(article, settings):
    settings.COMMENT_HOLD_REPEATS = False
    text = "刷单返利每单佣金五元立即到账"
    create(make_article(title="别处"), text, ip="203.0.113.1")
    assert create(article, text, ip="203.0.113.2").status == Comment.Status.APPROVED


def test_several_reasons_are_all_given(article, settings):
    settings.COMMENT_MODERATE_ALL = True
    comment = create(article, "详情 https://spam.example.com 加微信")
    assert comment.held_reason == "全部评论需审核;含链接;新地址首次评论含联系方式:微信"


def test_moderators_see_why_each_comment_waits(client, article):
    create(article, "加微信 seller_2024 领取运营资料")
    create(article, "教程在 https://example.com/guide 这里")
    staff = get_user_model().objects.create_superuser("moderator", "m@example.com", "x")
    client.force_login(staff)
    html = client.get("/admin/comments/comment/", {"status__exact": "pending"}).content.decode()
    assert "待审原因" in html
    assert "新地址首次评论含联系方式:微信" in html
    assert "含链接" in html


def test_banned_words_are_named_in_the_reason(article):
    BannedWord.objects.create(word="刷单")
    comment = create(article, "招人刷单,日结")
    assert comment.status == Comment.Status.PENDING
    assert comment.held_reason == "含敏感词:刷单"
