"""manage.py reindex_pending: re-index what queued dictionary changes
affect (search/pending.py), batch by batch, until the queue is empty. The
saving process's thread normally does this; the command finishes what a
restart interrupted, and can run from a timer."""

from django.core.management.base import BaseCommand

from search.pending import drain


class Command(BaseCommand):
    help = "处理词典改动后排队等待的搜索索引重建。"

    def handle(self, *args, **options):
        batches = drain()
        self.stdout.write(f"已处理 {batches} 批待重建的索引。")
