"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser).

They run when Chromium is found (``JINXIU_CHROMIUM``, default ``/usr/bin/chromium``); with
``JINXIU_E2E=1`` (CI) a missing browser is an error, not a skip.
"""

import os
import shutil
import threading

import pytest

CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium() -> str | None:
    path = os.environ.get("JINXIU_CHROMIUM", "/usr/bin/chromium")
    return path if shutil.which(path) else None


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    path = _chromium()
    if path is None:
        if os.environ.get("JINXIU_E2E") == "1":
            pytest.fail("JINXIU_E2E=1 but no Chromium: install Debian's chromium package")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def task_worker(settings, transactional_db):
    """A database task backend with one worker thread, as `jinxiu worker` runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.db import connection
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=0.2, batch=False, backend_name="default",
                    startup_delay=False, max_tasks=None, worker_id="e2e",
                    excluded_queue_names=[])

    def run():
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=10)
