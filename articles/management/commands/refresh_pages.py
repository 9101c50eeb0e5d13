"""manage.py refresh_pages: make every cached page stale after changes made outside the site."""

from django.core.management.base import BaseCommand

from articles.planner import update_statistics
from articles.version import bump


class Command(BaseCommand):
    help = (
        "Make every cached page, fragment and cached article stale. The site "
        "does this itself on every change made through it; run this after "
        "changing data another way (SQL, a shell update()). It also refreshes "
        "the database's planner statistics, which changes in bulk leave stale."
    )

    def handle(self, *args, **options):
        update_statistics()
        bump(every_page=True)
        self.stdout.write("已刷新:所有页面将在 1 秒内按最新内容重新生成。")
