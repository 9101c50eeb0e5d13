"""manage.py rebuild_search_index: every article's search document written
afresh (after a deploy that changed the segmenter, or data changed outside
the site), with a progress bar."""

import time

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from search.index import rebuild


class Command(BaseCommand):
    help = "重建全部文章的搜索索引。"

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条。")

    def handle(self, *args, no_progress=False, **options):
        started = time.monotonic()
        total = Article.objects.count()
        with tqdm(
            total=total, unit="篇", desc="重建索引", disable=no_progress, file=self.stderr._out
        ) as bar:
            written = rebuild(progress=bar.update)
        seconds = time.monotonic() - started
        self.stdout.write(f"已重建 {written} 篇文章的搜索索引,用时 {seconds:.1f} 秒。")
