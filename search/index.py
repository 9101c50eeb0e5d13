"""Writing the index: an article's SearchDocument from its title, tags,
summary and plain-text body.

Every article gets a document, whatever its state: drafts, scheduled and
live alike. Readers' searches join the article table with the publication
rule (`Article.objects.published()`), so publishing, unpublishing and a
publish time being reached change what readers find without touching the
index. Deleting an article deletes its document (a cascade, in the same
transaction). What writes documents is `reindex()`, called by the signal
handlers in search/signals.py within the writing transaction, by the
dictionary's changes (search/pending.py), and by `manage.py rebuild_search_index`.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from taggit.models import TaggedItem

from articles.models import Article

from .models import SearchDocument
from .segment import segmenter

BATCH = 500


def tag_names(article_ids):
    """{article id: [tag names]} in one query."""
    content_type = ContentType.objects.get_for_model(Article)
    names = {}
    rows = TaggedItem.objects.filter(
        content_type=content_type, object_id__in=list(article_ids)
    ).values_list("object_id", "tag__name")
    for article_id, name in rows:
        names.setdefault(article_id, []).append(name)
    return names


def document_for(article, tags, vocabulary) -> SearchDocument:
    def words(text):
        return " ".join(vocabulary.index_words(text))

    return SearchDocument(
        article_id=article.pk,
        title=words(article.title),
        tags=words(" ".join(sorted(tags))),
        summary=words(article.summary),
        body=words(article.body_text),
    )


def reindex(article_ids) -> int:
    """(Re)write the documents of these articles; those that no longer exist
    lose theirs. Returns how many documents were written."""
    ids = sorted(set(article_ids))
    written = 0
    vocabulary = segmenter.current()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        articles = list(
            Article.objects.filter(pk__in=chunk).only("id", "title", "summary", "body_text")
        )
        tags = tag_names(chunk)
        documents = [document_for(a, tags.get(a.pk, []), vocabulary) for a in articles]
        with transaction.atomic():
            SearchDocument.objects.filter(article_id__in=chunk).delete()
            SearchDocument.objects.bulk_create(documents)
        written += len(documents)
    return written


def rebuild(*, progress=None) -> int:
    """Every article's document written afresh (`manage.py
    rebuild_search_index`, the bench), BATCH articles per transaction;
    documents of articles that no longer exist deleted. The backend
    prepares the bulk load (PostgreSQL: an empty index gets its GIN indexes
    built after the load). `progress(n)` is told of each batch. Returns
    how many documents were written."""
    from .backends import backend

    segmenter.forget()
    engine = backend()
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    # An empty index outside a transaction (the command, the bench) is
    # loaded first and indexed after; otherwise documents are rewritten in place.
    fresh = not connection.in_atomic_block and not SearchDocument.objects.exists()
    with engine.bulk_load(fresh=fresh):
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            written += reindex(chunk)
            if progress:
                progress(len(chunk))
    SearchDocument.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
    engine.optimize()
    return written
