"""manage.py rebuild_search_index: every article's search document written
afresh (after a deploy that changed the segmenter, or data changed outside
the site), with a progress bar."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from search.backends import backend
from search.index import BATCH, reindex
from search.models import SearchDocument
from search.segment import segmenter


class Command(BaseCommand):
    help = "重建全部文章的搜索索引。"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, no_progress=False, **options):
        started = time.monotonic()
        segmenter.forget()
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        written = 0
        with tqdm(
            total=len(ids), unit="篇", desc="重建索引", disable=no_progress, file=self.stderr._out
        ) as bar:
            for start in range(0, len(ids), BATCH):
                chunk = ids[start : start + BATCH]
                written += reindex(chunk)
                bar.update(len(chunk))
        # Documents of articles that no longer exist (deleted outside the site).
        SearchDocument.objects.exclude(article_id__in=Article.objects.values("pk")).delete()
        backend().optimize()
        seconds = time.monotonic() - started
        self.stdout.write(f"已重建 {written} 篇文章的搜索索引,用时 {seconds:.1f} 秒。")
