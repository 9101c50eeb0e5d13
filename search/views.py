"""The search page (/search/?q=), the header box's suggestions (JSON) and the
OpenSearch description."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles.links import absolute_url
from articles.models import Article, Category
from articles.views import pagination_links

from . import engine
from .highlight import mark, snippet
from .limits import over_limit
from .log import popular_queries, query_log, related_queries
from .query import MAX_LENGTH, clean
from .segment import normalize, segmenter

SUGGESTIONS = 8
SUGGEST_FROM = 50  # the best results the suggestions are chosen from
SUGGEST_MIN_LENGTH = 1


def _page_of(ids, number):
    paginator = Paginator(ids, settings.ARTICLES_PER_PAGE)
    page = paginator.get_page(number)
    articles = {a.pk: a for a in Article.objects.published().for_list().filter(pk__in=page)}
    page.object_list = [articles[pk] for pk in page if pk in articles]
    return paginator, page


def _closest_category(text):
    """The category whose name, description or tags share the most
    characters with the query (offered when nothing matched)."""
    wanted = {ch for ch in text if not ch.isspace()}
    if not wanted:
        return None
    best, best_score = None, 0
    for category in Category.objects.all():
        score = len(wanted & set(category.name)) * 3 + len(wanted & set(category.description))
        if score > best_score:
            best, best_score = category, score
    return best


@require_safe
def search_page(request):
    raw = request.GET.get("q", "")
    text = clean(raw)
    context = {
        "query": text,
        "was_cut": len(" ".join(str(raw).split())) > MAX_LENGTH,
        "max_length": MAX_LENGTH,
        "popular_queries": popular_queries(),
    }
    wait = over_limit(request, scope="page", limit=settings.SEARCH_RATE_LIMIT) if text else 0
    if wait:
        context["wait"] = wait
        return render(request, "search/search.html", context, status=429)
    result = engine.search(text) if text else None
    if result is not None and result.query:
        query_log.add(text, result.count)
        paginator, page = _page_of(result.ids, request.GET.get("page"))
        words = result.words
        for article in page.object_list:
            article.title_html = mark(article.title, words)
            article.snippet_html = snippet(article.body_text or article.summary, words)
        context.update(
            result=result,
            articles=page.object_list,
            page_obj=page,
            paginator=paginator,
            is_paginated=page.has_other_pages(),
            count=result.count,
            shown_max=engine.MAX_RESULTS,
            related_queries=related_queries(result.query, segmenter.current()),
            **pagination_links(request, page),
        )
    if text and not context.get("articles"):
        context.update(
            no_results=True,
            suggested_articles=list(Article.objects.published().for_list().popular()[:6]),
            closest_category=_closest_category(text),
        )
    return render(request, "search/search.html", context)


@require_safe
def suggest(request):
    """Up to 8 titles for what the reader is typing, those starting with it
    first (among the search's best 50): {"query", "suggestions":
    [{"title", "url"}]}; with ?format=opensearch, the OpenSearch suggestions
    form [query, [titles], [], [urls]]."""
    text = clean(request.GET.get("q", ""))[:50]
    suggestions = []
    status = 200
    if len(text) >= SUGGEST_MIN_LENGTH:
        if over_limit(request, scope="suggest", limit=settings.SEARCH_SUGGEST_RATE_LIMIT):
            status = 429
        else:
            result = engine.search(text)
            ids = result.ids[:SUGGEST_FROM]
            found = {
                a.pk: a
                for a in Article.objects.published()
                .filter(pk__in=ids)
                .select_related("category")
                .only("id", "title", "category__slug")
            }
            ranked = [found[pk] for pk in ids if pk in found]
            # Titles that start with what is typed first, in the search's order.
            typed = normalize(text)
            ranked.sort(key=lambda a: not normalize(a.title).startswith(typed))
            suggestions = [
                {"title": a.title, "url": a.get_absolute_url()} for a in ranked[:SUGGESTIONS]
            ]
    if request.GET.get("format") == "opensearch":
        data = [
            text,
            [s["title"] for s in suggestions],
            [],
            [absolute_url(request, s["url"]) for s in suggestions],
        ]
        response = JsonResponse(data, safe=False, status=status)
    else:
        response = JsonResponse({"query": text, "suggestions": suggestions}, status=status)
    response["Cache-Control"] = "max-age=60"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def opensearch(request):
    context = {
        "search_url": absolute_url(request, reverse("search:search")),
        "suggest_url": absolute_url(request, reverse("search:suggest")),
        "home_url": absolute_url(request, reverse("articles:home")),
        "icon_url": absolute_url(request, static("img/favicon.ico")),
    }
    return render(
        request,
        "search/opensearch.xml",
        context,
        content_type="application/opensearchdescription+xml; charset=utf-8",
    )
