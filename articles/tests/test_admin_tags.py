"""Tags in the admin: usage counts, merging, renaming."""

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.tests.admin import messages_of
from articles.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_tag_list_shows_usage_counts(admin_client):
    make_article(tags=["直通车", "引力魔方"])
    make_article(tags=["直通车"])
    html = admin_client.get(reverse("admin:taggit_tag_changelist")).content.decode()
    assert html.index("直通车") < html.index("引力魔方")
    assert '<td class="field-usage">2</td>' in html and '<td class="field-usage">1</td>' in html


def test_merging_tags_moves_articles_and_deletes_the_others(admin_client, client):
    a = make_article(tags=["直通车", "ztc"])
    b = make_article(tags=["ztc"])
    c = make_article(tags=["直通车推广"])
    keep = Tag.objects.get(name="直通车")
    others = Tag.objects.filter(name__in=["ztc", "直通车推广"])
    response = admin_client.post(
        reverse("admin:taggit_tag_changelist"),
        {"action": "merge", "_selected_action": [t.pk for t in others], "target": "直通车"},
        follow=True,
    )
    assert any("合并到“直通车”,涉及 2 篇文章" in m for m in messages_of(response))
    assert list(Tag.objects.values_list("name", flat=True)) == ["直通车"]
    for article in (a, b, c):
        assert list(article.tags.all()) == [keep]
    html = client.get(reverse("articles:tag", args=[keep.slug])).content.decode()
    assert all(x.title in html for x in (a, b, c))


def test_renaming_a_tag_keeps_its_articles(admin_client):
    article = make_article(tags=["ztc"])
    tag = Tag.objects.get()
    admin_client.post(
        reverse("admin:taggit_tag_change", args=[tag.pk]), {"name": "直通车", "slug": tag.slug}
    )
    assert list(article.tags.names()) == ["直通车"]


def test_only_our_merge_is_offered(admin_client):
    """taggit's own TagAdmin routes a row-by-row merge view; ours replaces it."""
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:taggit_tag_merge_tags")
    make_article(tags=["直通车"])
    response = admin_client.get(reverse("admin:taggit_tag_changelist"))
    actions = [name for name, _label in response.context["action_form"].fields["action"].choices]
    assert "merge" in actions and "render_tag_form" not in actions
