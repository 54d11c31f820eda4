"""Production profile: HTTPS only, secure cookies, HSTS. Passes ``check --deploy``.

Put a TLS-terminating proxy in front and set ``JINXIU_ALLOWED_HOSTS``,
``JINXIU_CSRF_TRUSTED_ORIGINS`` and ``JINXIU_DATABASE_URL`` (PostgreSQL).
"""

from jinxiu.config.env import env_bool, env_int
from jinxiu.config.settings.base import *  # noqa: F403

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("JINXIU_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("JINXIU_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_AGE = 8 * 3600
