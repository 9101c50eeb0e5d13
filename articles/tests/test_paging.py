"""A tag's list reads each page's ids the cheaper way (articles.paging.
TagPaginator): every way gives the same pages, and the choice follows the
tag's share of the articles."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article, Category
from articles.paging import ArticlePaginator, TagPaginator

pytestmark = pytest.mark.django_db

PER_PAGE = 7


@pytest.fixture
def tagged_site():
    category = Category.objects.create(name="运营", slug="yunying")
    now = timezone.now()
    statuses = {0: Article.Status.DRAFT}
    articles = Article.objects.bulk_create(
        Article(
            title=f"第{n}篇",
            category=category,
            body=f"<p>{n}</p>",
            body_text=str(n),
            status=statuses.get(n % 37, Article.Status.PUBLISHED),
            # Pairs published at the same minute (the id decides), and a few
            # scheduled for later, which no list may show yet.
            published_at=now + timedelta(days=1)
            if n % 41 == 5
            else now - timedelta(minutes=n // 2),
        )
        for n in range(400)
    )
    common = Tag.objects.create(name="常见", slug="changjian")
    rare = Tag.objects.create(name="少见", slug="shaojian")
    content_type = ContentType.objects.get_for_model(Article)
    links = [
        TaggedItem(tag=common, object_id=a.pk, content_type=content_type)
        for a in articles
        if a.pk % 4
    ]
    links += [
        TaggedItem(tag=rare, object_id=a.pk, content_type=content_type) for a in articles[100:105]
    ]
    sparse = Tag.objects.create(name="偶见", slug="oujian")
    links += [
        TaggedItem(tag=sparse, object_id=a.pk, content_type=content_type)
        for a in articles
        if a.pk % 10 == 0
    ]
    TaggedItem.objects.bulk_create(links)
    return common, rare, sparse


def expected_pages(tag):
    """Every page's ids, straight from the sort by publication."""
    ids = list(Article.objects.published().filter(tags=tag).newest().values_list("pk", flat=True))
    return [ids[i : i + PER_PAGE] for i in range(0, len(ids), PER_PAGE)]


def pages_read(tag, walk_cost):
    base = Article.objects.published().filter(tags=tag).newest()
    paginator = TagPaginator(
        base, PER_PAGE, tag_id=tag.pk, published=lambda: Article.objects.published().count()
    )
    paginator.WALK_COST = walk_cost
    return [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]


@pytest.mark.parametrize("walk_cost", [0.0, 0.5, 1e9])  # always walk, judged, always sort
def test_every_way_of_reading_gives_the_same_pages(tagged_site, walk_cost):
    for tag in tagged_site:
        expected = expected_pages(tag)
        assert len(expected) > 1 or tag.slug == "shaojian"
        assert pages_read(tag, walk_cost) == expected


def id_query(tag, number):
    """The SQL that reads the ids of the tag list's page `number`."""
    base = Article.objects.published().filter(tags=tag).newest()
    paginator = TagPaginator(base, PER_PAGE, tag_id=tag.pk, published=lambda: 400)
    paginator.count  # noqa: B018 (counted first: in the site it is cached per content version)
    with CaptureQueriesContext(connection) as queries:
        paginator.page(number)
    return queries[0]["sql"].upper()


def test_a_common_tag_walks_the_publication_index_from_the_nearer_end(tagged_site):
    common, _, _ = tagged_site
    first = id_query(common, 1)
    assert "EXISTS" in first and "DESC" in first.split("ORDER BY")[1]
    last = id_query(common, len(expected_pages(common)))
    assert "EXISTS" in last and "DESC" not in last.split("ORDER BY")[1]


def test_rare_tags_and_the_middle_of_sparse_ones_sort_their_links(tagged_site):
    _, rare, sparse = tagged_site
    assert "EXISTS" not in id_query(rare, 1)
    middle = len(expected_pages(sparse)) // 2 + 1
    assert middle > 2
    assert "EXISTS" not in id_query(sparse, middle)


def test_the_tag_page_shows_its_articles_newest_first(client, tagged_site):
    common, _, _ = tagged_site
    response = client.get("/tags/changjian/?page=2")
    assert response.status_code == 200
    shown = [a.pk for a in response.context["articles"]]
    ids = [pk for page in expected_pages(common) for pk in page]
    per_page = response.context["paginator"].per_page
    assert shown == ids[per_page : 2 * per_page]


def test_a_tag_on_drafts_only_shows_an_empty_list(client, tagged_site):
    draft = Article.objects.filter(status=Article.Status.DRAFT).first()
    draft.tags.add("未发布")
    response = client.get(f"/tags/{Tag.objects.get(name='未发布').slug}/")
    assert response.status_code == 200
    assert list(response.context["articles"]) == []


def list_pages(queryset, per_page, orphans=0):
    paginator = ArticlePaginator(queryset, per_page, orphans=orphans)
    return [[a.pk for a in paginator.page(n).object_list] for n in paginator.page_range]


@pytest.mark.parametrize(("per_page", "orphans"), [(PER_PAGE, 0), (20, 0), (20, 5), (500, 0)])
def test_every_page_of_a_category_list_is_the_slice_of_its_order(tagged_site, per_page, orphans):
    listed = Article.objects.published().pinned_first()
    Article.objects.filter(pk__in=list(listed.values_list("pk", flat=True)[50:53])).update(
        is_pinned=True
    )
    ids = list(listed.values_list("pk", flat=True))
    expected = Paginator(ids, per_page, orphans=orphans)
    assert list_pages(listed, per_page, orphans) == [
        list(expected.page(n).object_list) for n in expected.page_range
    ]


def test_the_last_pages_of_a_list_read_their_ids_from_its_far_end(tagged_site):
    listed = Article.objects.published().newest()
    paginator = ArticlePaginator(listed, PER_PAGE)
    paginator.count  # noqa: B018 (cached per content version in the site)

    def id_sql(number):
        with CaptureQueriesContext(connection) as queries:
            paginator.page(number)
        return queries[0]["sql"].upper()

    first, last = id_sql(1), id_sql(paginator.num_pages)
    assert "DESC" in first.split("ORDER BY")[1] and "OFFSET" not in first
    assert "DESC" not in last.split("ORDER BY")[1] and "OFFSET" not in last


def test_a_list_with_ties_in_its_order_is_read_forwards(tagged_site):
    # Read backwards, rows that tie would come in another order: a list
    # whose order does not end on the id is always read from its start.
    listed = Article.objects.published().order_by("-published_at")
    paginator = ArticlePaginator(listed, PER_PAGE)
    with CaptureQueriesContext(connection) as queries:
        paginator.page(paginator.num_pages)
    assert "DESC" in queries[-2]["sql"].upper().split("ORDER BY")[1]
