"""manage.py restore FILE: the site as a `manage.py backup` archive holds it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into this site: its "
        "database and media files. Every checksum is checked before anything "
        "changes. A site that already has articles or categories is refused "
        "unless --force is given (everything there is then replaced)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive written by manage.py backup")
        parser.add_argument(
            "--force", action="store_true", help="replace a site that already has content"
        )

    def handle(self, *args, file, force, **options):
        try:
            manifest = restore(Path(file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"已从 {file} 恢复:数据库和 {media} 个媒体文件(备份时间 {manifest['created']})。"
            f" / Restored the database and {media} media files."
        )
