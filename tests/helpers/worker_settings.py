"""Settings for a real `jinxiu worker` process started by a test (see test_worker_kill.py)."""

import os

from jinxiu.config.settings.test import *  # noqa: F403
import tests.helpers.slow_job  # noqa: E402, F401  (registers tests.slow_writer)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ["JINXIU_TEST_CACHE_DIR"],
    }
}
