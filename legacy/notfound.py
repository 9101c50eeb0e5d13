"""The admin's log of the most requested addresses that answer 404.

A 404 adds its path to this process's counter in memory; a background
thread writes the counts every LEGACY_404_FLUSH_SECONDS (and once more when
the process exits) as one `count = count + n` UPDATE per path, inserting the
new ones. Bounds: at most MAX_PENDING distinct paths are held between two
flushes (further new paths are counted once the next batch starts), so a
flush writes at most MAX_PENDING rows, and a reader's request never waits on
the database for it. A failed write puts its counts back.
"""

import atexit
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_PENDING = 1000
MAX_PATH = 400


class NotFoundLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._pending = Counter()
        self._timer = None

    def add(self, path: str) -> None:
        path = path[:MAX_PATH]
        with self._lock:
            if path not in self._pending and len(self._pending) >= MAX_PENDING:
                return
            self._pending[path] += 1
        self._start_timer()

    def flush(self) -> int:
        from .models import NotFoundPath

        with self._lock:
            batch, self._pending = self._pending, Counter()
        if not batch:
            return 0
        now = timezone.now()
        try:
            for path, amount in batch.items():
                rows = NotFoundPath.objects.filter(path=path)
                if rows.update(count=F("count") + amount, last_seen=now):
                    continue
                try:
                    with transaction.atomic():
                        NotFoundPath.objects.create(path=path, count=amount, last_seen=now)
                except IntegrityError:  # another process inserted it meanwhile
                    rows.update(count=F("count") + amount, last_seen=now)
        except Exception:
            logger.exception("Could not write the 404 log; keeping it for the next flush")
            with self._lock:
                self._pending.update(batch)
            return 0
        return sum(batch.values())

    def _start_timer(self):
        if self._timer is not None or settings.LEGACY_404_FLUSH_SECONDS <= 0:
            return
        with self._lock:
            if self._timer is None:
                self._timer = threading.Thread(target=self._run, name="legacy-404-log", daemon=True)
                self._timer.start()

    def _run(self):
        while True:
            time.sleep(settings.LEGACY_404_FLUSH_SECONDS)
            try:
                self.flush()
            finally:
                connection.close()


not_found_log = NotFoundLog()


@atexit.register
def _flush_on_exit():
    try:
        not_found_log.flush()
    except Exception:
        logger.exception("Could not write the 404 log at exit")
