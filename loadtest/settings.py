"""Production settings for the load test, served over plain HTTP on loopback.

Everything is as in production (DEBUG off, manifest static files, axes, CSP, PostgreSQL) except
that the cookies are not marked Secure: the load generator talks HTTP to 127.0.0.1, and an
HTTP client never sends a Secure cookie back.
"""

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
