"""What the site needs before it serves, as one command (`make run`, `make
audit`, `make bench` and `make bench-render` all run it):

    manage.py prepare_site [--verbosity N]

1. `migrate --noinput`;
2. `import_articles articles/demo/articles.jsonl --skip-existing`: the demo
   content; articles already there (same source_url) keep what they have,
   read counts included, so running it again adds nothing. Not with
   DEMO_CONTENT=0 (a real site; `remove_demo` takes it out again);
3. `ANALYZE`: the planner statistics for what is there now
   (articles/planner.py);
4. `collectstatic --noinput`.

Verbosity 1 (the default) shows what migrate does and the import's summary,
with collectstatic quiet; 0 shows only errors; from 2 on, collectstatic gets
one level less than the others.
"""

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.planner import update_statistics

DEMO_FILE = settings.BASE_DIR / "articles" / "demo" / "articles.jsonl"


class Command(BaseCommand):
    help = (
        "站点开始服务前的准备:迁移数据库,导入演示文章(已有的跳过),更新数据库统计信息,收集静态文件。"
    )

    def handle(self, *args, verbosity, **options):
        output = {"stdout": self.stdout._out, "stderr": self.stderr._out}
        # import_articles prints its summary whatever the verbosity.
        import_output = output if verbosity else {**output, "stdout": StringIO()}
        call_command("migrate", interactive=False, verbosity=verbosity, **output)
        if settings.DEMO_CONTENT:
            call_command(
                "import_articles",
                DEMO_FILE,
                skip_existing=True,
                verbosity=verbosity,
                **import_output,
            )
        update_statistics()
        call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0), **output)
