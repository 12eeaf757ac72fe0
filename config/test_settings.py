"""Test override: fast hashing, in-memory e-mail, a fixed key. Database and broker stay real."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
# Tests never drop Celery messages into the development broker folder (var/celery-broker).
os.environ.setdefault("CELERY_BROKER_DIR", tempfile.mkdtemp(prefix="onestop-test-broker-"))
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
AXES_ENABLED = os.environ.get("AXES_ENABLED", "1") == "1"
# The SMS gateway is the one thing tests replace: messages are kept in memory.
SMS_BACKEND = "followup.sms.MemorySmsBackend"
# Worker tests (tests/followup, with REDIS_URL) start a real Celery worker process, which
# cannot see SQLite's in-memory test database: give it a file.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and REDIS_URL:  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"onestop-test-{os.getpid()}.sqlite3")
    }
# Tests serve static files from the finders (no collectstatic): WhiteNoise has no root to scan.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Flush (between transactional tests) has to get past the event log's TRUNCATE trigger.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql_backend"  # noqa: F405
