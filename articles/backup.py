"""One archive holding the whole site, and the site restored from it
(`manage.py backup`, `manage.py restore`).

The archive is a gzipped tar:

- `database.sqlite3`, written by SQLite's online backup API (a consistent
  copy of a live database, never a copy of its file), or `database.pgdump`,
  PostgreSQL's `pg_dump --format=custom`;
- `media/<name>` for every file in the default storage, read through the
  storage API (local files or an S3 bucket alike);
- `manifest.json`: the format, the database vendor, and the SHA-256 and size
  of every other member. A restore checks every checksum before it changes
  anything.

Reads still pending in memory or in Redis are written to the database
before it is copied, so the archive holds every counted read.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in
    Chinese and English, for the operator."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_names(storage=None, folder=""):
    """Every file name in the storage, depth first."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from media_names(storage, f"{folder}/{sub}" if folder else sub)


# -- the database ------------------------------------------------------------


def _pg_command(program, settings_dict):
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"找不到 {program}:请安装 PostgreSQL 客户端(apt-get install postgresql-client)。"
            f" / {program} not found: install the PostgreSQL client."
        )
    args = [binary, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args.append(f"{option}={settings_dict[key]}")
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    return args, env


def _run(args, env, what):
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{what}失败 / {what} failed:\n{result.stderr.strip()}")


def dump_database(target: Path) -> str:
    """Writes the database to `target`; returns the vendor."""
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
    elif vendor == "postgresql":
        args, env = _pg_command("pg_dump", connection.settings_dict)
        args += ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
        _run([*args, connection.settings_dict["NAME"]], env, "pg_dump")
    else:
        raise BackupError(f"不支持的数据库:{vendor} / unsupported database: {vendor}")
    return vendor


def load_database(source: Path, vendor: str) -> None:
    """Replaces the site's database with the one in `source`."""
    if vendor != connection.vendor:
        raise BackupError(
            f"这个备份是 {VENDOR_NAMES.get(vendor, vendor)} 数据库的,本站用的是 "
            f"{VENDOR_NAMES.get(connection.vendor, connection.vendor)},不能直接恢复。"
            f" / The backup holds a {vendor} database; this site uses {connection.vendor}."
        )
    if vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(source) as backup:
            backup.backup(connection.connection)
        backup.close()
    else:
        connection.close()  # no open transaction of ours while tables are replaced
        args, env = _pg_command("pg_restore", connection.settings_dict)
        args += ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        _run(
            [*args, f"--dbname={connection.settings_dict['NAME']}", str(source)], env, "pg_restore"
        )
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


# -- backup ------------------------------------------------------------------


def backup(output: Path, *, progress=None) -> dict:
    """Writes the archive to `output` (atomically: a partial file is never
    left under that name). Returns the manifest."""
    from .reads import reads

    reads.flush()  # counted reads belong in the copy
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "created": timezone.now().isoformat(), "files": {}}
    with tempfile.TemporaryDirectory(prefix="forum-backup-") as work:
        partial = output.with_name(f".{output.name}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            vendor = connection.vendor
            database = Path(work) / DATABASE_FILES.get(vendor, "database")
            manifest["database"] = dump_database(database)
            manifest["database_file"] = database.name
            manifest["files"][database.name] = {
                "sha256": _sha256(database),
                "size": database.stat().st_size,
            }
            archive.add(database, arcname=database.name)
            for name in media_names():
                with default_storage.open(name, "rb") as handle:
                    data = handle.read()
                member = f"media/{name}"
                info = tarfile.TarInfo(member)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                manifest["files"][member] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
                if progress:
                    progress(name)
            payload = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(payload)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(payload))
        os.replace(partial, output)
    return manifest


# -- restore -----------------------------------------------------------------


def site_contents() -> dict:
    """What the site holds that a restore would overwrite: {label: count}
    of what is there (empty when the site is empty)."""
    from .models import Article, Category

    counts = {
        "篇文章 articles": Article.objects.count(),
        "个分类 categories": Category.objects.count(),
    }
    return {label: count for label, count in counts.items() if count}


def _open_checked(source: Path, work: Path) -> dict:
    """Unpacks `source` into `work` and checks it against its manifest."""
    try:
        with tarfile.open(source, "r:*") as archive:
            archive.extractall(work, filter="data")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(
            f"无法读取备份文件 {source}:{error} / cannot read the backup {source}"
        ) from None
    try:
        manifest = json.loads((work / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        raise BackupError(
            f"{source} 不是本站的备份文件(没有 manifest.json)。 / not a backup of this site."
        ) from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式:{manifest.get('format')} / unknown backup format.")
    for member, expected in manifest["files"].items():
        path = work / member
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(
                f"备份文件已损坏:{member} 的校验和不符,什么都没有改动。"
                f" / The backup is damaged: {member} does not match its checksum; nothing was changed."
            )
    return manifest


def restore(source: Path, *, force=False) -> dict:
    """Restores the archive `source` into this site. Refuses a site that
    has content unless `force`. Returns the manifest."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"找不到备份文件:{source} / no such backup file: {source}")
    contents = site_contents()
    if contents and not force:
        held = "、".join(f"{count} {label.split()[0]}" for label, count in contents.items())
        held_en = ", ".join(f"{count} {label.split()[1]}" for label, count in contents.items())
        raise BackupError(
            f"本站已有内容({held}),恢复会覆盖全部数据。确认覆盖请加 --force。"
            f" / This site is not empty ({held_en}); restoring replaces everything. "
            "Add --force to overwrite it."
        )
    with tempfile.TemporaryDirectory(prefix="forum-restore-") as work:
        work = Path(work)
        manifest = _open_checked(source, work)
        load_database(work / manifest["database_file"], manifest["database"])
        for member in manifest["files"]:
            if not member.startswith("media/"):
                continue
            name = member.removeprefix("media/")
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile((work / member).read_bytes()))
    _forget_the_old_site()
    return manifest


def _forget_the_old_site():
    """Nothing cached or counted for the site that was replaced survives."""
    from .reads import reads
    from .version import bump, version

    reads.discard_pending()
    for alias in settings.CACHES:
        caches[alias].clear()
    version.forget()
    bump(every_page=True)
