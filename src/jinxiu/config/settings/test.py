"""Settings for the test suite: fast hashing, in-process cache and tasks."""

import os

os.environ.setdefault("JINXIU_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")

from jinxiu.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = os.environ.get("JINXIU_TEST_MEDIA_ROOT", "/tmp/jinxiu-test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
JINXIU_DEMO_CLUSTER_FIRMS = 0  # the synthetic registry cluster: tests build their own
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared memory: the browser tests run a server thread and a worker thread
    # beside the test, and in-memory SQLite locks whole tables between connections.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"jinxiu-test-{os.getpid()}.sqlite3")
    }
elif os.environ.get("JINXIU_TEST_DATABASE_NAME"):
    # a shared PostgreSQL server: the test database under a name of one's own
    DATABASES["default"]["TEST"] = {"NAME": os.environ["JINXIU_TEST_DATABASE_NAME"]}  # noqa: F405
