"""Settings for a real `jinxiu worker` process started by a test (see test_worker_kill.py)."""

import os

import tests.helpers.slow_job  # noqa: F401  (registers tests.slow_writer)
from jinxiu.config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["JINXIU_TEST_CACHE_DIR"],
    }
}
