"""Settings for the seller knowledge base.

Everything that differs between a laptop and production comes from the
environment (see .env.example). The defaults are safe and need nothing
installed: SQLite, the local-memory cache, DEBUG off.
"""

import datetime
import fnmatch
import hashlib
import ipaddress
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# Reading the environment. A variable that is unset or empty (or only spaces)
# takes its default. A value that is set but not understood stops the site at
# start-up, naming the variable and what it accepts: DJANGO_DEBUG=ture must
# not quietly mean "off".
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _env(name):
    """The variable's value without surrounding spaces, or None when it is
    unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or None


def _not_understood(name, accepted):
    return ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not understood: {accepted}, "
        "or leave it empty for the default."
    )


def env_str(name, default=""):
    value = _env(name)
    return default if value is None else value


def env_choice(name, default, choices):
    value = _env(name)
    if value is None:
        return default
    if value.upper() not in choices:
        raise _not_understood(name, "use one of " + ", ".join(choices) + " (any case)")
    return value.upper()


def env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _not_understood(name, "use 1/0, true/false, yes/no or on/off (any case)")


def env_list(name, default, *, example="a.example.com,b.example.com"):
    """A comma-separated list; spaces around the commas are ignored. An empty
    item, or one with spaces, quotes or semicolons inside, is refused: it is
    almost always a list written with another separator."""
    value = _env(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(not item or re.search(r"[\s;'\"]", item) for item in items):
        raise _not_understood(
            name, f"give a comma-separated list without empty items, e.g. {example}"
        )
    return items


def env_int(name, default, *, minimum=0):
    value = _env(name)
    if value is None:
        return default
    if not re.fullmatch(r"-?[0-9]+", value) or int(value) < minimum:
        raise _not_understood(name, f"give a whole number, at least {minimum}")
    return int(value)


def env_float(name, default, *, minimum=0.0):
    value = _env(name)
    if value is None:
        return default
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) or float(value) < minimum:
        raise _not_understood(name, f"give a number such as 1 or 0.5, at least {minimum:g}")
    return float(value)


def env_rate(name, default):
    """A rate limit, "count/seconds" (both whole numbers, at least 1)."""
    value = _env(name)
    if value is None:
        return default
    match = re.fullmatch(r"([0-9]+)\s*/\s*([0-9]+)", value)
    if not match or int(match[1]) < 1 or int(match[2]) < 1:
        raise _not_understood(name, "give count/seconds, e.g. 5/600 (both at least 1)")
    return f"{int(match[1])}/{int(match[2])}"


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("DJANGO_REQUIRE_SECRET_KEY"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # A fixed, clearly-marked development key: fine on 127.0.0.1, and
    # `manage.py check --deploy` flags it (it starts with "django-insecure").
    SECRET_KEY = "django-insecure-local-development-key-change-me-in-production"

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost", "[::1]"],
    example="www.example.com,example.com",
)
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [], example="https://www.example.com,https://example.com"
)

INSTALLED_APPS = [
    "security.apps.StaffAdminConfig",  # django.contrib.admin with the staff login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "django_ckeditor_5",  # the editors' rich-text editor (see the block at the end)
    "axes",  # failed staff logins throttled (see "Staff login" below)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "articles",
    "search",
    "comments",
    "pagecache",
    "dashboard",
    "legacy",
    "security.apps.SecurityConfig",
]

MIDDLEWARE = [
    "pagecache.middleware.PageCacheMiddleware",
    "legacy.middleware.OldHomeQueryMiddleware",
    "legacy.middleware.OldArticleAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Inside the page cache, so stored pages carry the header and the WSGI
    # fast path replays it with the rest.
    "security.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "forum.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "forum.wsgi.application"

# Database: SQLite by default, PostgreSQL (or anything dj-database-url reads)
# through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Ready for concurrent writers: WAL lets readers and one writer work at
    # once, the busy timeout waits for a lock instead of failing, and
    # IMMEDIATE transactions take the write lock up front so two writers
    # never deadlock on a lock upgrade ("database is locked"). Connections
    # persist like PostgreSQL's (CONN_MAX_AGE): opening one runs the PRAGMAs
    # and registers Django's SQL functions again, about 0.2 ms a request.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# What code_fingerprint() hashes: the project's own apps (INSTALLED_APPS
# entries that are packages in BASE_DIR, so a new local app counts without
# being listed here), this package, and the templates and static files.
# Inside the Python packages, the folders the running site never reads are
# left out (everything in templates/ and static/ is read: static/img/demo/ is
# served). Everywhere, so are the files collectstatic ignores (".*", "*~") and
# compiled Python, which differs between machines and runs.
PROJECT_FOLDERS = ("forum", "templates", "static")
NOT_READ_BY_THE_SITE = {"tests", "migrations", "demo", "management"}
NEVER_HASHED = ("CVS", ".*", "*~", "__pycache__", "*.pyc", "*.pyo")


def code_folders(installed_apps, base_dir):
    """The folders, relative to base_dir, whose files the running site reads."""
    apps = [entry.split(".")[0] for entry in installed_apps]
    local = [app for app in apps if (base_dir / app / "__init__.py").is_file()]
    return list(dict.fromkeys([*local, *PROJECT_FOLDERS]))


def code_files(*, installed_apps=None, base_dir=None):
    """Every file code_fingerprint() hashes, relative to base_dir, sorted."""
    base_dir = Path(BASE_DIR if base_dir is None else base_dir)
    installed_apps = INSTALLED_APPS if installed_apps is None else installed_apps
    files = []
    for name in code_folders(installed_apps, base_dir):
        skipped = set() if name in ("templates", "static") else NOT_READ_BY_THE_SITE
        for folder, subfolders, filenames in os.walk(base_dir / name):
            subfolders[:] = [d for d in subfolders if d not in skipped and not _never_hashed(d)]
            files += [
                (Path(folder) / filename).relative_to(base_dir).as_posix()
                for filename in filenames
                if not _never_hashed(filename)
            ]
    return sorted(files)


def _never_hashed(name):
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in NEVER_HASHED)


def code_fingerprint(*, installed_apps=None, base_dir=None):
    """A short hash of the code, templates and static files the site runs
    (code_files()). It is part of every cache key, so processes running
    different code (a deploy, even a rolling one with old and new processes
    sharing Redis) never serve each other's cached HTML or pickled objects.
    The same files give the same hash wherever the project lies."""
    base_dir = Path(BASE_DIR if base_dir is None else base_dir)
    digest = hashlib.blake2b(digest_size=6)
    for name in code_files(installed_apps=installed_apps, base_dir=base_dir):
        content = (base_dir / name).read_bytes()
        digest.update(f"{name}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()


# Cache: local memory by default, Redis through REDIS_URL.
CACHE_KEY_PREFIX = f"{env_str('CACHE_KEY_PREFIX', 'forum')}:{code_fingerprint()}"
REDIS_URL = env_str("REDIS_URL")
# What a process's local-memory cache keeps (articles/locmem.py): at most this
# many entries and this many megabytes of them, the least recently used
# dropped first. An article's fragments take about 33 KB, so 16 MB holds the
# ~500 most read; a worker holds about 1.3 times the bound (keys, fragmented
# heap), which counts against its 200 MB (issue #12).
CACHE_MAX_ENTRIES = env_int("CACHE_MAX_ENTRIES", 20000, minimum=1)
CACHE_MAX_MB = env_int("CACHE_MAX_MB", 16, minimum=1)
LOCAL_CACHE_OPTIONS = {"MAX_ENTRIES": CACHE_MAX_ENTRIES, "MAX_BYTES": CACHE_MAX_MB * 1024 * 1024}
# While Redis cannot be reached, the cache stands in with each process's own
# memory and tries Redis again every REDIS_RETRY_SECONDS (articles/cache.py):
# pages are rendered from the database instead of answering 500.
REDIS_RETRY_SECONDS = env_float("REDIS_RETRY_SECONDS", 2.0)
if REDIS_URL:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES = {
        "default": {
            "BACKEND": "articles.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "RETRY_SECONDS": REDIS_RETRY_SECONDS,
            "STAND_IN_OPTIONS": LOCAL_CACHE_OPTIONS,
            # A Redis that is down or unreachable must cost a request little:
            # short timeouts, one immediate retry (a pooled connection that
            # died with a restart), no back-off sleeps.
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 1.0,
                "retry": Retry(NoBackoff(), 1),
            },
        },
        # Each process also keeps the pages it serves for a few seconds, in
        # front of Redis: a page-cache hit then needs no round trip
        # (PAGE_CACHE_LOCAL_SECONDS, pagecache/wsgi.py).
        "local-pages": {
            "BACKEND": "articles.locmem.SizeBoundedLocMemCache",
            "LOCATION": "local-pages",
            "OPTIONS": LOCAL_CACHE_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "articles.locmem.SizeBoundedLocMemCache",
            "LOCATION": "forum",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Django's default of 300 entries holds a few dozen articles'
            # pages and fragments; a page is tens of KB, a fragment or a
            # count a few hundred bytes, hence the bound in bytes too.
            "OPTIONS": LOCAL_CACHE_OPTIONS,
        },
        # Whole pages in files (pagecache/filecache.py), shared by every
        # worker of the machine: a page rendered by one is served by all,
        # and `manage.py warm_pages` renders them ahead of the readers.
        # About 8 KB a page (compressed); at most PAGE_CACHE_MAX_FILES.
        "pages": {
            "BACKEND": "pagecache.filecache.PageFileCache",
            "LOCATION": env_str("PAGE_CACHE_DIR") or str(BASE_DIR / "var" / "pages"),
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_FILES", 500_000, minimum=1)},
        },
    }

# django-axes first: it refuses a locked-out login before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded media are served by Django itself unless a reverse proxy serves
# /media/ (set DJANGO_SERVE_MEDIA=0 then).
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Media on object storage: MEDIA_STORAGE=s3 puts uploads, covers,
# thumbnails and imported images in an S3-compatible bucket (AWS S3, Aliyun
# OSS, Tencent COS, MinIO) through django-storages; every file goes through
# Django's storage API, so nothing else changes. Image names are content
# hashes, so the objects are cached for a year.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "LOCAL", ("LOCAL", "S3"))
if MEDIA_STORAGE == "S3":
    if not _env("S3_BUCKET"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET (the bucket's name).")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            # A CDN or the bucket's public domain, e.g. img.example.com.
            "custom_domain": env_str("S3_CUSTOM_DOMAIN") or None,
            "location": env_str("S3_LOCATION", "media"),
            # "path" for MinIO and most self-hosted servers.
            "addressing_style": {"PATH": "path", "VIRTUAL": "virtual"}.get(
                env_choice("S3_ADDRESSING_STYLE", "AUTO", ("AUTO", "PATH", "VIRTUAL"))
            ),
            # Public images: plain addresses, no signature expiring in the page cache.
            "querystring_auth": False,
            "default_acl": env_str("S3_DEFAULT_ACL") or None,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# Behind a reverse proxy that terminates TLS, set DJANGO_SECURE_PROXY_SSL=1.
if env_bool("DJANGO_SECURE_PROXY_SSL"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTP Strict Transport Security, once the whole site is HTTPS (seconds; 0 is off).
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

TAGGIT_CASE_INSENSITIVE = True

# /metrics (Prometheus, articles/metrics.py) answers these addresses or
# networks only (the connecting peer, never X-Forwarded-For); empty: nobody.
METRICS_ALLOWED_ADDRESSES = env_list(
    "METRICS_ALLOWED_ADDRESSES", [], example="127.0.0.1,10.0.0.5/32"
)
try:
    for _item in METRICS_ALLOWED_ADDRESSES:
        ipaddress.ip_network(_item, strict=False)
except ValueError:
    raise _not_understood(
        "METRICS_ALLOWED_ADDRESSES", "give IP addresses or networks, e.g. 127.0.0.1,10.0.0.0/24"
    ) from None

# REQUEST_LOG=json: one JSON line per request on stdout (pagecache/access_log.py).
REQUEST_LOG = env_choice("REQUEST_LOG", "OFF", ("OFF", "JSON"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Errors, with their stack traces, go to stderr (the console handler).
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "bare",
        },
    },
    "formatters": {"bare": {"format": "%(message)s"}},
    "loggers": {
        "forum.requests": {"handlers": ["requests"], "level": "INFO", "propagate": False},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "DJANGO_LOG_LEVEL", "WARNING", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
        ),
    },
}

# The site itself.
SITE_NAME = env_str("SITE_NAME", "电商卖家知识库")
# Whether prepare_site (make run) loads the demo articles; a real site sets 0.
DEMO_CONTENT = env_bool("DEMO_CONTENT", True)
SITE_DESCRIPTION = env_str(
    "SITE_DESCRIPTION",
    "电商卖家运营知识库:淘宝、京东、拼多多、抖音小店、亚马逊开店与运营实战教程",
)
ARTICLES_PER_PAGE = 20

# Comments (see comments/): the captcha passphrase for automated tests only,
# the per-address rate limit ("count/seconds", counting every submission),
# proxies whose X-Forwarded-For is believed, and moderation.
CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE")
COMMENT_RATE_LIMIT = env_rate("COMMENT_RATE_LIMIT", "5/600")
# New captcha images per address per window (each costs a Pillow drawing).
CAPTCHA_RATE_LIMIT = env_rate("CAPTCHA_RATE_LIMIT", "60/600")
# Comments sent without the captcha by readers who cannot read the picture
# (always held for a moderator), per address per window, on top of
# COMMENT_RATE_LIMIT: what one address can put in the moderation queue.
COMMENT_WITHOUT_CAPTCHA_RATE_LIMIT = env_rate("COMMENT_WITHOUT_CAPTCHA_RATE_LIMIT", "3/3600")
# ... and site-wide: with this many of them from the last hour waiting for a
# moderator, the way without the captcha is closed until they are handled
# (0: never closed).
COMMENT_WITHOUT_CAPTCHA_QUEUE = env_int("COMMENT_WITHOUT_CAPTCHA_QUEUE", 50)
COMMENT_TRUSTED_PROXIES = env_list("COMMENT_TRUSTED_PROXIES", [], example="10.0.0.1,10.0.0.2")
COMMENT_MODERATE_ALL = env_bool("COMMENT_MODERATE_ALL")
COMMENT_MAX_LINKS = 2
# The article page shows its newest visible comments (a popular article has
# thousands) and links to all of them, a page of COMMENTS_PER_PAGE at a time.
COMMENTS_ON_ARTICLE_PAGE = 20
COMMENTS_PER_PAGE = 50
# What else holds a comment for moderation (comments/services.py): contact
# details (phone, QQ, WeChat) in a comment from an address with no shown
# comment yet; the same text (at least COMMENT_REPEAT_MIN_LENGTH letters)
# under another article in the last COMMENT_REPEAT_DAYS days.
COMMENT_HOLD_CONTACT_FROM_NEW = env_bool("COMMENT_HOLD_CONTACT_FROM_NEW", True)
COMMENT_HOLD_REPEATS = env_bool("COMMENT_HOLD_REPEATS", True)
COMMENT_REPEAT_MIN_LENGTH = env_int("COMMENT_REPEAT_MIN_LENGTH", 12, minimum=1)
COMMENT_REPEAT_DAYS = env_int("COMMENT_REPEAT_DAYS", 30, minimum=1)
# The naive Bayes score (comments/bayes.py, `manage.py train_spam_filter`):
# a comment scoring at least the threshold waits for moderation.
COMMENT_SPAM_SCORE = env_bool("COMMENT_SPAM_SCORE", True)
COMMENT_SPAM_THRESHOLD = env_float("COMMENT_SPAM_THRESHOLD", 0.9)
# Proof of work (comments/pow.py): the browser searches up to this many
# SHA-256 hashes (half on average) before a comment is sent; a challenge
# lasts COMMENT_POW_SECONDS. COMMENT_POW=0 switches it off.
COMMENT_POW = env_bool("COMMENT_POW", True)
COMMENT_POW_MAX_NUMBER = env_int("COMMENT_POW_MAX_NUMBER", 50_000, minimum=1)
COMMENT_POW_SECONDS = env_int("COMMENT_POW_SECONDS", 1200, minimum=60)
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"

# Search (search/): results cached per query (seconds), searches and
# suggestion requests per address per window ("count/seconds"), and how
# often each process writes its query log (seconds). A dictionary change is
# re-indexed in a background thread, SEARCH_REINDEX_BATCH articles per
# transaction (search/pending.py).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 60)
SEARCH_RATE_LIMIT = env_rate("SEARCH_RATE_LIMIT", "30/60")
SEARCH_SUGGEST_RATE_LIMIT = env_rate("SEARCH_SUGGEST_RATE_LIMIT", "120/60")
SEARCH_LOG_FLUSH_SECONDS = env_float("SEARCH_LOG_FLUSH_SECONDS", 10.0)
SEARCH_REINDEX_IN_BACKGROUND = env_bool("SEARCH_REINDEX_IN_BACKGROUND", True)
SEARCH_REINDEX_BATCH = env_int("SEARCH_REINDEX_BATCH", 200, minimum=1)

# Reads wait in Redis (or, without it, in memory) and are written in batches
# this often (seconds). Their Redis keys start with this (no code hash: they
# outlive a deploy).
READ_FLUSH_SECONDS = env_float("READ_FLUSH_SECONDS", 10.0)
READS_KEY_PREFIX = f"{env_str('CACHE_KEY_PREFIX', 'forum')}:reads"
# Old addresses (legacy/): how long a lookup is cached (keyed on the content
# version, so a change shows at once), how often the 404 log is written.
LEGACY_CACHE_SECONDS = env_int("LEGACY_CACHE_SECONDS", 600)
LEGACY_404_FLUSH_SECONDS = env_float("LEGACY_404_FLUSH_SECONDS", 10.0)

# Whole pages for anonymous readers are cached this long (seconds); any
# content change makes them stale at once (pagecache/, articles/version.py).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 30)
# How often each process re-reads the content version (seconds).
PAGE_CACHE_VERSION_SECONDS = env_float("PAGE_CACHE_VERSION_SECONDS", 1.0)
# With Redis, how long a process reuses its own copy of a cached page; the
# copy is checked like the shared one (the content version; an article
# page's row and count at each hit), so this only adds to how long a list
# page's "阅读量" can lag (30 + 5 s).
PAGE_CACHE_LOCAL_SECONDS = env_int("PAGE_CACHE_LOCAL_SECONDS", 5)
# Article pages are kept until their article changes, at most this long:
# each hit reads the article's count and whether it changed, in one query
# (pagecache/entries.py), so this bounds only the store's size. 30 days:
# longer than a crawler's round of the whole site (about a week).
PAGE_ARTICLE_SECONDS = env_int("PAGE_ARTICLE_SECONDS", 30 * 24 * 3600, minimum=1)
# An article page served under an older content version is rendered again
# in the background, at most this many a second per process, at most
# PAGE_REFRESH_QUEUE waiting (pagecache/refresh.py).
PAGE_REFRESH_PER_SECOND = env_float("PAGE_REFRESH_PER_SECOND", 5.0)
PAGE_REFRESH_QUEUE = env_int("PAGE_REFRESH_QUEUE", 1000, minimum=1)
# ... and one rendered longer ago than this (its sidebars' counts), at its next hit.
PAGE_REFRESH_AFTER_SECONDS = env_int("PAGE_REFRESH_AFTER_SECONDS", 3600, minimum=1)
PAGE_REFRESH_IN_BACKGROUND = True

# ---------------------------------------------------------------------------
# The editors' admin (issue 4): the rich-text editor and the image pipeline.
# CKEditor 5 (django-ckeditor-5) ships its JavaScript in the wheel; uploads go
# to the admin's own view (ArticleAdmin.upload_image), which runs every image
# through articles/images.py. What the editor offers is limited to what
# articles/sanitize.py keeps; the plugins that write inline styles, iframes,
# raw HTML or Markdown are removed.
# ---------------------------------------------------------------------------
ARTICLE_IMAGE_MAX_BYTES = env_int("ARTICLE_IMAGE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
ARTICLE_IMAGE_MAX_WIDTH = 1600  # pixels; wider images are scaled down
ARTICLE_IMAGE_MAX_SIDE = 8000  # pixels; larger dimensions are refused unread
CK_EDITOR_5_UPLOAD_FILE_VIEW_NAME = "admin:articles_article_upload_image"
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "staff"
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "png", "gif", "webp"]
CKEDITOR_5_CONFIGS = {
    "article": {
        "language": "zh-cn",
        "removePlugins": [
            "Markdown", "FullPage", "HtmlEmbed", "MediaEmbed", "ImageResize", "Autosave",
            "Font", "Highlight", "Alignment", "TodoList", "Mention", "SourceEditing",
        ],
        "toolbar": {
            "items": [
                "heading", "style", "|", "bold", "italic", "link", "|",
                "numberedList", "bulletedList", "blockQuote", "|",
                "uploadImage", "insertTable", "horizontalLine", "|",
                "removeFormat", "undo", "redo",
            ],
            "shouldNotGroupWhenFull": True,
        },
        "heading": {
            "options": [
                {"model": "paragraph", "title": "正文", "class": "ck-heading_paragraph"},
                {"model": "heading2", "view": "h2", "title": "一级小标题(一、二、三、)", "class": "ck-heading_heading2"},
                {"model": "heading3", "view": "h3", "title": "二级小标题", "class": "ck-heading_heading3"},
                {"model": "heading4", "view": "h4", "title": "三级小标题", "class": "ck-heading_heading4"},
            ]
        },
        "style": {"definitions": [{"name": "温馨提示", "element": "p", "classes": ["tip"]}]},
        "image": {
            "toolbar": ["imageTextAlternative", "toggleImageCaption"],
            "upload": {"types": ["jpeg", "png", "gif", "webp"]},
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
        "link": {"defaultProtocol": "https://"},
        "list": {"properties": {"styles": False, "startIndex": True, "reversed": False}},
        "placeholder": "在这里写正文。小标题用“一、二、三、”,要点用编号列表,图片点工具栏的“上传图片”。",
    },
}  # fmt: skip

# ---------------------------------------------------------------------------
# Staff login (security/login.py). django-axes counts failed logins in the
# database (never in files) per user name and, separately, per address (the
# same client address as the comment limits: X-Forwarded-For believed only
# from COMMENT_TRUSTED_PROXIES); STAFF_LOGIN_FAILURES failures lock that
# name or address out for STAFF_LOGIN_COOLOFF_MINUTES. Accounts with a
# confirmed TOTP device (django-otp) also give a one-time code;
# STAFF_REQUIRE_2FA=1 makes it compulsory for every staff account.
# ---------------------------------------------------------------------------
AXES_FAILURE_LIMIT = env_int("STAFF_LOGIN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("STAFF_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "articles.limits.client_ip"
AXES_LOCKOUT_CALLABLE = "security.login.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA")
OTP_TOTP_ISSUER = SITE_NAME

# ---------------------------------------------------------------------------
# Content-Security-Policy (django-csp 4; security/csp.py takes the reports).
# One fixed policy, no nonces: pages are cached whole and served again by the
# WSGI fast path, so the header is stored with them. No page has an inline
# script (scripts are files in static/js/; JSON-LD is data, not run).
# The admin's editor (CKEditor 5) sets styles from its script, hence
# 'unsafe-inline' for styles there only (security/middleware.py).
# ---------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": "/csp-report/",
    },
}
CSP_ADMIN_EXTRA = {"style-src": ["'unsafe-inline'"]}
# Violation reports taken per address per window ("count/seconds").
CSP_REPORT_RATE_LIMIT = env_rate("CSP_REPORT_RATE_LIMIT", "20/60")
