"""Re-indexing what a dictionary change affects, out of the editor's request.

Saving (or deleting) a dictionary word or a synonym group takes effect at
once for searches (the segmenter reloads, the content version moves) and
queues a PendingReindex row with the words it touched, in the same
transaction. The articles containing those words are then re-indexed in
batches of SEARCH_REINDEX_BATCH (200) articles, one transaction each:

- by a background thread of the process that saved the change, started
  when its transaction commits (one thread per process at a time, which
  drains the whole queue and then ends);
- by `manage.py reindex_pending` (what is left after a restart, or for a
  timer), and again whenever an editor opens the dictionary's admin list
  while rows are queued.

A batch finds its articles with LIKE over the text (the old segmentation
cannot be searched for the new word), from the id where the last batch
stopped, so an interrupted re-index resumes where it was. Each row's
progress is committed with its batch; a row is taken with SKIP LOCKED on
PostgreSQL, so two processes never re-index the same batch.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Q

from articles.models import Article
from articles.version import content_changed

from .index import reindex
from .models import PendingReindex

logger = logging.getLogger(__name__)
RETRIES = 5


def batch_size():
    return getattr(settings, "SEARCH_REINDEX_BATCH", 200)


def enqueue(words):
    """Queue the re-index of the articles containing any of these words
    (within the caller's transaction); the thread starts on commit."""
    words = sorted({w for w in words if w and not w.isspace()})
    if not words:
        return None
    pending = PendingReindex.objects.create(words=" ".join(words))
    transaction.on_commit(start_worker)
    return pending


def _containing(words):
    condition = Q()
    for word in words:
        condition |= (
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body_text__icontains=word)
            | Q(tags__name__icontains=word)
        )
    return Article.objects.filter(condition)


def process_batch() -> bool:
    """Re-index one batch of the oldest queued change. False when the queue
    is empty (or every row is being worked on by another process)."""
    size = batch_size()
    with transaction.atomic():
        pending = PendingReindex.objects.select_for_update(skip_locked=True).order_by("pk").first()
        if pending is None:
            return False
        ids = list(
            _containing(pending.word_list())
            .filter(pk__gt=pending.after_id)
            .order_by("pk")
            .values_list("pk", flat=True)
            .distinct()[:size]
        )
        reindex(ids)
        if len(ids) < size:
            pending.delete()
            content_changed()  # cached search results start afresh
        else:
            pending.after_id = ids[-1]
            pending.save(update_fields=["after_id"])
    return True


def drain(max_batches=None) -> int:
    """Process batches until the queue is empty (or max_batches); how many."""
    done = 0
    while (max_batches is None or done < max_batches) and process_batch():
        done += 1
    return done


_lock = threading.Lock()
_state = {"thread": None, "again": False}


def _drain_retrying():
    """drain(), again after a moment when SQLite says another connection
    holds its lock (the saving request's last writes), a few times."""
    for attempt in range(RETRIES):
        try:
            return drain()
        except OperationalError:
            if attempt == RETRIES - 1 or connection.vendor != "sqlite":
                raise
            time.sleep(0.2 * (attempt + 1))


def _work():
    try:
        while True:
            _drain_retrying()
            with _lock:
                if not _state["again"]:
                    _state["thread"] = None
                    return
                _state["again"] = False
    except Exception:
        logger.exception("search re-index failed; manage.py reindex_pending resumes it")
        with _lock:
            _state["thread"] = None
    finally:
        connection.close()


def start_worker():
    """Start this process's re-index thread, or tell the running one to look
    again before it ends. Does nothing when SEARCH_REINDEX_IN_BACKGROUND is
    off (the tests drain the queue themselves)."""
    if not getattr(settings, "SEARCH_REINDEX_IN_BACKGROUND", True):
        return None
    with _lock:
        thread = _state["thread"]
        if thread is not None and thread.is_alive():
            _state["again"] = True
            return thread
        thread = threading.Thread(target=_work, name="search-reindex", daemon=True)
        _state["thread"], _state["again"] = thread, False
        thread.start()
        return thread
