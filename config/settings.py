"""Colloquy's settings, read from the environment (see the README's Configuration).

With nothing set, the site runs on the embedded defaults: SQLite, a local-memory
cache, e-mail printed to the console and media on local disk.
"""

import secrets
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.urls import reverse_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")


def _local_secret_key():
    """A key generated once into an ignored file, so a checkout runs with no setup."""
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "csp",
    # Django's form templates, for the project's own widget templates to override.
    "django.forms",
    "taggit",
    "markdownx",
    # Before django_tasks_db: core's `db_worker` wraps that app's own.
    "core",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # "Log in with …" providers; each needs a Social application in the admin.
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.facebook",
    "accounts",
    "blog",
    "comments",
    "wordpress",
    # `manage.py demo_content`, which fills the apps above.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Above the page cache and WhiteNoise: kept pages and static files get the headers too.
    "core.security.SecurityHeadersMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before anything reads the address or a form: NUL and bytes that are not UTF-8 are 400.
    "core.badinput.RefuseUnreadableInput",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and sign-in: a kept page for an anonymous reader costs no query.
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, so it sees the views' 404s first: old addresses (a renamed post's, the WordPress
    # site's an import came from) answer 301 to where the same thing lives now.
    "blog.redirects.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "blog.context_processors.site",
                "accounts.social.context",
            ],
        },
    },
]

# Widgets render with the templates above, so templates/ may correct a built-in widget's.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in WAL mode by default; DATABASE_URL selects PostgreSQL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Writers take the lock when the transaction starts, so a busy site
            # waits for it instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-20000;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else files in CACHE_DIR. Either way every process
# (web workers, the task worker) shares it, as the content generation needs.
REDIS_URL = env.str("REDIS_URL", default="")
if env.bool("CACHE_OFF", default=False):  # benchmarks: what the site costs with no cache
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="colloquy"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FileCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "cache")),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Whole pages for anonymous readers (core.pagecache): how long the cache keeps one (0: not
# at all), and how long a CDN or proxy in front may keep one without asking again.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
PAGE_CACHE_PROXY_SECONDS = env.int("PAGE_CACHE_PROXY_SECONDS", default=60)
# A reader with one of these cookies, or a session, may see something made for them alone:
# never a kept page. Apps add their own (comments: "remember me", pending comments).
PAGE_CACHE_PERSONAL_COOKIES = ["messages"]  # django.contrib.messages
# Query parameters that select a different kept page; any other one gets a fresh page.
PAGE_CACHE_QUERY_PARAMETERS = ["cpage", "replytocom"]

# Background work (e-mail, imports) runs in `manage.py db_worker`.
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
# How often each worker looks for tasks still running past their timeout (core.queue).
TASKS_RECOVERY_SECONDS = env.float("TASKS_RECOVERY_SECONDS", default=60)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Usernames: the admin's own login page, for staff.
    "django.contrib.auth.backends.ModelBackend",
    # E-mail addresses and social accounts: the site's sign-in (allauth).
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "blog:home"
LOGOUT_REDIRECT_URL = "blog:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): sign-up with e-mail and password, verified before the
# first sign-in; usernames (in /author/<username>/) are generated, never typed.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.adapter.SignupForm"}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # the link opens a page whose button confirms
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account, replaced once the new one is verified
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell people when their password or address changes
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # changing the address asks for the password again
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # the sender (DEFAULT_FROM_EMAIL) already names the site
# Failed sign-ins, on the site and on the admin's login page (accounts/ratelimit.py):
# LOGIN_FAILURE_LIMIT per e-mail address or username, LOGIN_FAILURE_IP_LIMIT per IP
# address, within LOGIN_FAILURE_WINDOW seconds; then even the right password waits.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_FAILURE_IP_LIMIT = env.int("LOGIN_FAILURE_IP_LIMIT", default=20)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=5 * 60)
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_FAILURE_IP_LIMIT}/{LOGIN_FAILURE_WINDOW}s/ip,"
    f"{LOGIN_FAILURE_LIMIT}/{LOGIN_FAILURE_WINDOW}s/key",
}
# Social applications (client id and secret) are records in the admin, not settings.
SOCIALACCOUNT_LOGIN_ON_GET = False  # a GET shows a button; only its POST leaves the site
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # never join accounts on an e-mail match alone
SOCIALACCOUNT_PROVIDERS = {"facebook": {"METHOD": "oauth2"}}  # no Facebook JavaScript SDK

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en-us")
# The site's time zone: permalink dates and "one slug per day" are in it.
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# WordPress exports uploaded in the admin hold commenters' e-mail and IP addresses: they
# are kept out of the public media, and deleted once imported.
IMPORTS_ROOT = Path(env.str("IMPORTS_ROOT", default=str(BASE_DIR / "imports")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "imports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": IMPORTS_ROOT, "base_url": None},
    },
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`; DEBUG serves them as they are.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Where `manage.py backup` writes its archives (they hold personal data: keep it private).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds the mail server has to answer: a send never outlives its task's timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Colloquy <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address, for links in e-mail (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Uploaded images: a real raster image, within these limits.
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_RENDITION_WIDTHS = (480, 800, 1200, 1600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

BLOG_POSTS_PER_PAGE = env.int("BLOG_POSTS_PER_PAGE", default=10)
# The limits of a post's Markdown (body, excerpt; pages too): what renders well under a
# second in the worst case (bench/markdown_bench.py).
MARKDOWN_MAX_LENGTH = env.int("MARKDOWN_MAX_LENGTH", default=200_000)
MARKDOWN_MAX_MARKUP = env.int("MARKDOWN_MAX_MARKUP", default=10_000)
MARKDOWN_MAX_DEPTH = env.int("MARKDOWN_MAX_DEPTH", default=12)
# Search ranks this many of the newest matching posts; a word found in more says so.
SEARCH_MAX_RESULTS = env.int("SEARCH_MAX_RESULTS", default=1000)
# Feeds carry whole posts (True) or only their excerpts (False).
FEED_FULL_CONTENT = env.bool("FEED_FULL_CONTENT", default=True)

# The admin's Markdown editor posts to Colloquy's own preview and upload views.
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"
MARKDOWNX_SERVER_CALL_LATENCY = 400

TAGGIT_CASE_INSENSITIVE = True

# HTTPS: one switch for everything that only works behind TLS, so a local
# plain-HTTP run keeps working with DEBUG off.
HTTPS = env.bool("HTTPS", default=False)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"  # links in account e-mail
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env.bool("HSTS_PRELOAD", default=True)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Proxies whose X-Forwarded-For gives the client's address (e.g. "127.0.0.1"), for the rate
# limits, sign-in and comments alike; running sites may still set its former name.
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES", default=env.list("COMMENTS_TRUSTED_PROXIES", default=[])
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True


def _origin(url):
    """The scheme and host of an absolute URL (a CDN's, say), or None for a path."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp; README: Security headers). A kept page is the same
# bytes for everyone, so there is no nonce: scripts and styles are files, never inline.
STATIC_ORIGINS = [origin for origin in [_origin(STATIC_URL)] if origin]
MEDIA_ORIGINS = [origin for origin in [_origin(MEDIA_URL)] if origin]
# Origins whose pages the site may show in an <iframe> (frame-src): none today. A video
# player is one: EMBED_ORIGINS=https://www.youtube-nocookie.com,https://player.vimeo.com
EMBED_ORIGINS = env.list("EMBED_ORIGINS", default=[])
# "Log in with …" posts to the site, which sends the browser on to the provider's page: a
# redirect after a form, which form-action must allow. One per provider installed above.
LOGIN_PROVIDER_ORIGINS = [
    "https://accounts.google.com",
    "https://github.com",
    "https://www.facebook.com",
]
# Violation reports logged per IP address per minute; the rest are answered and dropped.
CSP_REPORT_LIMIT = env.int("CSP_REPORT_LIMIT", default=20)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF, *STATIC_ORIGINS],
        "script-src": [SELF, *STATIC_ORIGINS],
        "style-src": [SELF, *STATIC_ORIGINS],
        "img-src": [SELF, *STATIC_ORIGINS, *MEDIA_ORIGINS],
        "object-src": [NONE],
        "frame-src": EMBED_ORIGINS or [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF, *LOGIN_PROVIDER_ORIGINS],
        "report-uri": reverse_lazy("csp_report"),
    }
}
if HTTPS:
    # The Reporting API's endpoint, named in the Reporting-Endpoints header (core.security).
    # Chromium takes that header over HTTPS alone, and once report-to is there it ignores
    # report-uri: over plain HTTP it would send no report at all.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-to"] = "csp"
# Browser features no page uses, off for the site and anything it embeds; and the ad
# interest tracking of Chromium (browsing-topics) and of its earlier FLoC (interest-cohort).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "bluetooth", "browsing-topics", "camera",
        "display-capture", "geolocation", "gyroscope", "hid", "idle-detection",
        "interest-cohort", "local-fonts", "magnetometer", "microphone", "midi",
        "otp-credentials", "payment", "publickey-credentials-get", "screen-wake-lock",
        "serial", "usb", "window-management", "xr-spatial-tracking",
    )
}  # fmt: skip

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Serve uploaded media from Django (fine for one machine; use nginx or object storage beyond).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

# Comments: each of these can be set in the environment.
COMMENTS_MAX_DEPTH = env.int("COMMENTS_MAX_DEPTH", default=5)
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=0)  # 0: never
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", default=10)
COMMENTS_THREADS_PER_PAGE = env.int("COMMENTS_THREADS_PER_PAGE", default=0)  # 0: one page
# With one page, a discussion of more threads than this is split all the same: tens of
# thousands of comments on one page take longer to make than a reader waits.
COMMENTS_ONE_PAGE_LIMIT = env.int("COMMENTS_ONE_PAGE_LIMIT", default=250)
COMMENTS_NEWEST_FIRST = env.bool("COMMENTS_NEWEST_FIRST", default=False)
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
COMMENTS_MAX_LENGTH = env.int("COMMENTS_MAX_LENGTH", default=5000)
COMMENTS_KEEP_IP_DAYS = env.int("COMMENTS_KEEP_IP_DAYS", default=90)
COMMENTS_REPORTS_TO_HOLD = env.int("COMMENTS_REPORTS_TO_HOLD", default=3)
# Anti-spam checks, each on by default; switch off only for load tests.
COMMENTS_HONEYPOT = env.bool("COMMENTS_HONEYPOT", default=True)
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)  # 0 turns the check off
COMMENTS_FORM_MAX_AGE_HOURS = env.int("COMMENTS_FORM_MAX_AGE_HOURS", default=72)
COMMENTS_RATE_LIMIT = env.str("COMMENTS_RATE_LIMIT", default="5/60")  # comments/seconds per IP
COMMENTS_DUPLICATE_CHECK = env.bool("COMMENTS_DUPLICATE_CHECK", default=True)
COMMENTS_SPAM_CHECKER = env.str("COMMENTS_SPAM_CHECKER", default="")  # dotted path, optional
