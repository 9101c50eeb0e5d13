"""The publication rule and the reads views repeat (articles/querysets.py):
which articles readers see, what publishing and unpublishing do, and the
lists built from ids."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from articles.models import Article
from articles.querysets import State, state_of
from articles.tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def frozen():
    """The rule's clock stopped at NOW, so the publish time can be NOW exactly."""
    with mock.patch("articles.querysets.timezone.now", return_value=NOW):
        yield NOW


def states(articles):
    return {
        state: set(Article.objects.in_state(state)) & set(articles)
        for state in (State.DRAFT, State.SCHEDULED, State.LIVE)
    }


def test_an_article_dated_this_very_moment_is_live(frozen):
    now = make_article(published_at=NOW)
    later = make_article(published_at=NOW + timedelta(seconds=1))
    earlier = make_article(published_at=NOW - timedelta(seconds=1))
    draft = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=1))
    future_draft = make_article(status=Article.Status.DRAFT, published_at=NOW + timedelta(days=1))
    articles = [now, later, earlier, draft, future_draft]
    assert states(articles) == {
        State.DRAFT: {draft, future_draft},
        State.SCHEDULED: {later},
        State.LIVE: {now, earlier},
    }
    # the rule in memory says the same, article by article
    for state, members in states(articles).items():
        assert {state_of(article) for article in members} <= {state}
    assert [state_of(a) for a in articles] == [
        State.LIVE,
        State.SCHEDULED,
        State.LIVE,
        State.DRAFT,
        State.DRAFT,
    ]
    assert set(Article.objects.published()) == {now, earlier}
    assert set(Article.objects.scheduled()) == {later}
    assert set(Article.objects.drafts()) == {draft, future_draft}


def test_an_unknown_state_is_an_error_not_an_empty_list():
    with pytest.raises(ValueError, match="unknown article state: 'gone'"):
        Article.objects.in_state("gone")


def test_publishing_puts_past_drafts_live_now_and_keeps_future_ones_scheduled(frozen):
    old_draft = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=9))
    dated_now = make_article(status=Article.Status.DRAFT, published_at=NOW)
    future = make_article(status=Article.Status.DRAFT, published_at=NOW + timedelta(days=2))
    live = make_article(published_at=NOW - timedelta(days=5))
    untouched = make_article(status=Article.Status.DRAFT, published_at=NOW - timedelta(days=9))
    chosen = Article.objects.exclude(pk=untouched.pk)
    assert chosen.publish(is_recommended=True) == (2, 1)
    for article in (old_draft, dated_now, future, live, untouched):
        article.refresh_from_db()
    assert (old_draft.state, old_draft.published_at) == (State.LIVE, NOW)
    assert (dated_now.state, dated_now.published_at) == (State.LIVE, NOW)
    assert (future.state, future.published_at) == (State.SCHEDULED, NOW + timedelta(days=2))
    assert old_draft.is_recommended and future.is_recommended
    # what was live already keeps its date, and is not counted
    assert live.published_at == NOW - timedelta(days=5) and not live.is_recommended
    assert untouched.state == State.DRAFT
    assert Article.objects.all().publish() == (1, 0)


def test_unpublishing_turns_live_and_scheduled_articles_into_drafts():
    live = make_article()
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    draft = make_article(status=Article.Status.DRAFT)
    assert Article.objects.all().unpublish(is_pinned=True) == 2
    for article in (live, scheduled, draft):
        article.refresh_from_db()
    assert {live.state, scheduled.state, draft.state} == {State.DRAFT}
    assert live.is_pinned and scheduled.is_pinned and not draft.is_pinned
    assert Article.objects.all().unpublish() == 0


def test_top_is_the_first_rows_in_order_as_a_list():
    category = make_category()
    articles = [
        make_article(category=category, published_at=timezone.now() - timedelta(hours=n))
        for n in range(5)
    ]
    newest = Article.objects.filter(category=category).newest()
    assert newest.top(3) == articles[:3]
    assert newest.top(10) == articles
    assert Article.objects.none().top(3) == []
    assert newest.top(0) == []


def test_the_orders_of_the_lists():
    now = timezone.now()
    old_pinned = make_article(published_at=now - timedelta(days=9), is_pinned=True, views=5)
    recent = make_article(published_at=now - timedelta(days=1), views=50)
    recommended = make_article(published_at=now - timedelta(days=2), is_recommended=True, views=5)
    tie = make_article(published_at=recent.published_at, views=50)  # same date: newer id first
    assert list(Article.objects.newest()) == [tie, recent, recommended, old_pinned]
    assert list(Article.objects.pinned_first()) == [old_pinned, tie, recent, recommended]
    assert list(Article.objects.recommended()) == [recommended]
    assert list(Article.objects.popular()) == [tie, recent, recommended, old_pinned]


def test_search_wants_every_word_in_the_title_or_the_text():
    title = make_article(title="淘宝 直通车 技巧", body="<p>正文</p>")
    body = make_article(title="推广", body="<p>直通车 的 技巧</p>")
    one_word = make_article(title="直通车", body="<p>别的</p>")
    assert set(Article.objects.search("直通车 技巧")) == {title, body}
    assert set(Article.objects.search("直通车")) == {title, body, one_word}
    assert set(Article.objects.search("")) == {title, body, one_word}


def test_related_reads_only_the_newest_per_tag_candidates_of_each_tag():
    category, other = make_category(), make_category()
    now = timezone.now()
    old = make_article(category=other, tags=["选品"], published_at=now - timedelta(hours=3))
    article = make_article(category=category, tags=["选品", "主图"])
    newer = make_article(category=other, tags=["选品"], published_at=now - timedelta(hours=1))
    pictures = make_article(category=other, tags=["主图"], published_at=now - timedelta(hours=2))
    published = Article.objects.published()
    assert published.related_to(article) == [newer, pictures, old]
    # the last 2 tagged with 选品 are `newer` and the article itself; with 主图, two
    assert published.related_to(article, per_tag=2) == [newer, pictures]
    assert published.related_to(article, limit=1) == [newer]


def test_related_tops_up_from_the_category_within_the_limit():
    category = make_category()
    article = make_article(category=category, tags=["选品"])
    neighbours = [make_article(category=category) for _ in range(3)]
    tagged = make_article(category=make_category(), tags=["选品"])
    related = Article.objects.published().related_to(article, limit=2)
    assert related == [tagged, neighbours[0]]  # make_article dates each one earlier
    assert Article.objects.published().related_to(article, limit=0) == []


def test_related_without_tags_is_the_newest_of_the_category_within_the_limit():
    category = make_category()
    article = make_article(category=category)
    neighbours = [make_article(category=category) for _ in range(3)]
    make_article(category=category, status=Article.Status.DRAFT)
    # make_article dates each newer one a minute earlier
    assert Article.objects.published().related_to(article, limit=2) == neighbours[:2]


def test_newest_per_category_takes_the_newest_few_of_each():
    one, two, three = make_category(), make_category(), make_category()
    now = timezone.now()
    firsts = [make_article(category=one, published_at=now - timedelta(hours=n)) for n in range(3)]
    seconds = [make_article(category=two, published_at=now - timedelta(hours=n)) for n in range(3)]
    make_article(category=three)
    make_article(category=one, status=Article.Status.DRAFT, published_at=now)
    published = Article.objects.published()
    chosen = published.newest_per_category([one.pk, two.pk], 2)
    assert list(chosen) == [seconds[0], firsts[0], seconds[1], firsts[1]]  # same date: newer id
    assert list(published.newest_per_category([], 2)) == []
    assert list(published.newest_per_category([two.pk], 5)) == seconds


def test_popular_is_the_most_read_first_then_the_newest():
    now = timezone.now()
    most_read = make_article(published_at=now - timedelta(days=5), views=10)
    newer = make_article(published_at=now - timedelta(days=1), views=1)
    older = make_article(published_at=now - timedelta(days=3), views=1)
    assert list(Article.objects.popular()) == [most_read, newer, older]


def test_search_wants_the_first_words_too():
    both = make_article(title="直通车 技巧", body="<p>正文</p>")
    make_article(title="技巧", body="<p>别的</p>")  # only the last word
    assert list(Article.objects.search("直通车 技巧")) == [both]


def test_related_counts_the_shared_tags_not_all_of_them():
    category, other = make_category(), make_category()
    article = make_article(category=category, tags=["选品", "主图"])
    now = timezone.now()
    two_shared = make_article(
        category=other, tags=["选品", "主图"], published_at=now - timedelta(days=2)
    )
    many_tags = make_article(
        category=other, tags=["选品", "物流", "客服", "售后"], published_at=now - timedelta(days=1)
    )
    assert Article.objects.published().related_to(article) == [two_shared, many_tags]


def test_related_with_everything_equal_is_the_newest_id_first():
    category, other = make_category(), make_category()
    article = make_article(category=category, tags=["选品"])
    moment = timezone.now() - timedelta(hours=1)
    first = make_article(category=other, tags=["选品"], published_at=moment)
    second = make_article(category=other, tags=["选品"], published_at=moment)
    assert Article.objects.published().related_to(article) == [second, first]


def test_the_page_cache_s_state_query_follows_the_publication_rule():
    """articles.pages.article_state is hand-written SQL (it runs on every
    page-cache hit); it must answer for exactly the articles published()
    lists, with their count and comparable moments."""
    from articles.pages import article_state, page_row

    now = timezone.now()
    live = make_article(views=12)
    draft = make_article(status=Article.Status.DRAFT)
    scheduled = make_article(published_at=now + timedelta(hours=1))
    just_now = make_article(published_at=now - timedelta(seconds=1))
    Article.objects.filter(pk=live.pk).update(comments_changed_at=now)
    live.refresh_from_db()
    published = set(Article.objects.published().values_list("pk", flat=True))
    for article in (live, draft, scheduled, just_now):
        state = article_state(article.pk)
        assert (state is not None) == (article.pk in published), article.title
    assert article_state(live.pk) == (12, page_row(live.updated_at, now))
    assert article_state(just_now.pk)[1] == page_row(just_now.updated_at, None)
    assert article_state(10**9) is None
