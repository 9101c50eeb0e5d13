"""The reads of articles that views, feeds, sitemaps and the admin repeat,
and the publication rule: which articles readers may see.

An article is in one of three states (`State`): a draft; published with a
publish time still to come (scheduled, 定时发布); or live. The rule is here,
in the two forms it needs: `ArticleQuerySet.in_state()` for the database and
`state_of()` for one article in memory (`Article.state`). Nothing else
compares statuses or publish times.
"""

from django.db import connections, models
from django.db.models import Case, Count, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone


class Status(models.TextChoices):
    """What the editor chose (the stored field, `Article.Status`)."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class State(models.TextChoices):
    """What readers get: the status and the publish time together (`Article.State`)."""

    DRAFT = "draft", "草稿"
    LIVE = "live", "已发布"
    SCHEDULED = "scheduled", "定时发布"


def state_of(article) -> State:
    if article.status == Status.DRAFT:
        return State.DRAFT
    if article.published_at > timezone.now():
        return State.SCHEDULED
    return State.LIVE


class ArticleQuerySet(models.QuerySet):
    # -- the publication rule ------------------------------------------------

    def in_state(self, state):
        """The articles in one `State`."""
        if state == State.DRAFT:
            return self.filter(status=Status.DRAFT)
        if state == State.SCHEDULED:
            return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())
        if state == State.LIVE:
            return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())
        raise ValueError(f"unknown article state: {state!r}")

    def published(self):
        """What readers may see: published, and not scheduled for later."""
        return self.in_state(State.LIVE)

    def published_by(self, moment):
        """What readers may see that was published at or before `moment`:
        one bound on the publish time, the earlier of `moment` and now.
        (published().filter(published_at__lte=moment) gives SQLite two, and
        it walks the index down from now: 6 ms for the 上一篇 of an article
        from 2020, at 100,000.)"""
        return self.filter(status=Status.PUBLISHED, published_at__lte=min(moment, timezone.now()))

    def scheduled(self):
        """Published, but with a publish time still to come (定时发布)."""
        return self.in_state(State.SCHEDULED)

    def drafts(self):
        return self.in_state(State.DRAFT)

    def publish(self, **fields):
        """Publish the drafts among these articles, setting `fields` too. A
        draft whose publish time has passed goes live now, dated now; one
        dated in the future keeps its time and goes live then. Returns
        (live now, scheduled)."""
        drafts = self.drafts()
        now = timezone.now()
        live = drafts.filter(published_at__lte=now).update(
            status=Status.PUBLISHED, published_at=now, **fields
        )
        return live, drafts.update(status=Status.PUBLISHED, **fields)

    def unpublish(self, **fields):
        """Turn the published (live or scheduled) ones back into drafts;
        returns how many."""
        return self.exclude(status=Status.DRAFT).update(status=Status.DRAFT, **fields)

    # -- lists -----------------------------------------------------------------

    def for_list(self):
        """What a list of articles shows; not the bodies (excerpts come
        from body_text)."""
        return self.select_related("category").defer("body")

    def top(self, count):
        """The first `count` rows in this queryset's order, as a list: their
        ids from an index first, then the rows by id. A join in the same
        query (select_related) can make SQLite plan the whole table and sort
        it; without one it reads the order straight from the index."""
        ids = list(self.values_list("pk", flat=True)[:count])
        return list(self.filter(pk__in=ids)) if ids else []

    def newest(self):
        return self.order_by("-published_at", "-id")

    def pinned_first(self):
        """The newest first, except that 置顶 (pinned) articles come before all
        others: the order of the home page and the category lists."""
        return self.order_by("-is_pinned", "-published_at", "-id")

    def recommended(self):
        """推荐: the articles editors flagged for the home page's block."""
        return self.filter(is_recommended=True).newest()

    def popular(self):
        return self.order_by("-views", "-published_at", "-id")

    def search(self, query):
        words = query.split()
        condition = Q()
        for word in words:
            condition &= Q(title__icontains=word) | Q(body_text__icontains=word)
        return self.filter(condition)

    def related_to(self, article, limit=10, per_tag=100):
        """Up to `limit` articles sharing the most tags with `article`, topped
        up with the newest of its category, in two queries. The candidates are
        the newest `per_tag` articles of each of its tags and the newest
        `limit` of its category, so the work is bounded however many
        articles a tag or a category has."""
        from taggit.models import TaggedItem

        tag_ids = [tag.pk for tag in article.tags.all()]
        candidates = self.exclude(pk=article.pk)
        same_category = Q(category_id=article.category_id)
        if not tag_ids:
            return list(candidates.filter(same_category).newest()[:limit])
        tagged = TaggedItem.objects.filter(content_type_id=_content_type_id())
        ids = ids_in_any(
            candidates.filter(same_category).newest().values_list("pk", flat=True)[:limit],
            *(
                tagged.filter(tag_id=tag_id)
                .order_by("-object_id")
                .values_list("object_id", flat=True)[:per_tag]
                for tag_id in tag_ids
            ),
        )
        # Counted for each candidate by its own links (the index on tag,
        # type and object), not through taggit's join, whose cast of
        # object_id makes PostgreSQL read every link of the site.
        shared = (
            tagged.filter(object_id=OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("object_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        return list(
            candidates.filter(pk__in=ids)
            .annotate(
                shared_tags=Coalesce(Subquery(shared), 0),
                in_category=Case(When(same_category, then=1), default=0),
            )
            .order_by("-shared_tags", "-in_category", "-published_at", "-id")[:limit]
        )

    def newest_per_category(self, category_ids, limit):
        """The newest `limit` of each category among these articles: their ids
        in one query (each category's part read from the category index, not
        a ranking of every article), then a queryset of them. Chain for_list()
        and the like after it."""
        if not category_ids:
            return self.none()
        ids = ids_in_any(
            *(
                self.filter(category_id=category_id).newest().values_list("pk", flat=True)[:limit]
                for category_id in category_ids
            )
        )
        # Each part applies this queryset's filters; the rows come by id,
        # so no join can turn the plan around.
        return self.model.objects.filter(pk__in=ids).newest()


def ids_in_any(*parts):
    """The ids any of `parts` (sliced, flat values_list querysets of ids)
    lists, in one query. PostgreSQL runs it as a UNION ALL of index reads:
    as an OR of IN (subquery) conditions it filtered every article (138 ms
    for the home page at 100,000 articles). SQLite, which cannot slice the
    parts of a UNION, reads each part of the OR from its index by itself."""
    first, *rest = parts
    if connections[first.db].features.supports_slicing_ordering_in_compound:
        return sorted(set(first.union(*rest, all=True))) if rest else list(first)
    either = Q()
    for part in parts:
        either |= Q(pk__in=part)
    # Only the ids: with the publication rule beside them, SQLite would walk
    # the publish-date index over every article.
    return list(first.model.objects.filter(either).order_by().values_list("pk", flat=True))


def _content_type_id():
    from django.contrib.contenttypes.models import ContentType

    from .models import Article

    return ContentType.objects.get_for_model(Article).pk
