"""manage.py backup --output FILE: the database and every media file in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) of the database (SQLite through its online "
        "backup API, PostgreSQL through pg_dump) and every media file, with a "
        "manifest of SHA-256 checksums. Restore it with `manage.py restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="where to write the archive")

    def handle(self, *args, output, **options):
        try:
            manifest = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        size = Path(output).stat().st_size
        self.stdout.write(
            f"已备份到 {output}:{manifest['database']} 数据库和 {media} 个媒体文件,"
            f"共 {size / 1024 / 1024:.1f} MB。 / Backed up the database and {media} media files."
        )
