"""``jinxiu up`` (what ``make run`` starts): migrate, load data, serve, work; Ctrl-C stops all."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jinxiu.apps.core.demo import demo_logins
from jinxiu.apps.core.fonts import INSTALL_HINT, cjk_font_missing
from jinxiu.apps.core.management.commands.serve import gunicorn_argv
from jinxiu.apps.core.models import Organization, Region


class Command(BaseCommand):
    help = "Prepare the database, then run the web server and one background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("JINXIU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JINXIU_PORT", "8000")))
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(self, *args, host, port, no_demo, **options):
        loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
        if not no_demo and not loopback and os.environ.get("JINXIU_ALLOW_DEMO_ON_NETWORK") != "1":
            raise CommandError(
                f"Refusing to serve the demo data set (known passwords) on {host}: use "
                "--no-demo, or set JINXIU_ALLOW_DEMO_ON_NETWORK=1 on a closed network.")
        call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.exists():
            call_command("regions", "load")
        if not no_demo and not Organization.objects.filter(is_synthetic=True).exists():
            call_command("demo", "load")

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "jinxiu.config.settings.base")}
        jinxiu = [sys.executable, "-m", "jinxiu.cli"]
        workers = int(os.environ.get("JINXIU_WEB_WORKERS", "2"))
        children = [
            subprocess.Popen(gunicorn_argv(host, port, workers), env=env),
            subprocess.Popen([*jinxiu, "worker"], env=env),
        ]
        self._banner(host, port)

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    self.stderr.write(f"process {child.args[2:4]} exited with {child.returncode}")
                    exit_code = child.returncode or 1
                    stopping = True
            time.sleep(0.3)
        self.stdout.write("Stopping ...")
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("Stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _banner(self, host, port):
        line = "=" * 64
        self.stdout.write(line)
        self.stdout.write(f"Jinxiu (锦绣) is running at  http://{host}:{port}/")
        self.stdout.write(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"
                          f"   task backend: {settings.TASK_BACKEND}   API: /api/docs/")
        self.stdout.write("Demo logins (synthetic data; change these on a real server):")
        for username, password, who in demo_logins():
            self.stdout.write(f"  {username:10} {password:18} {who}")
        if cjk_font_missing():
            self.stdout.write(f"Note: no Chinese font here; PDF exports will show empty boxes "
                              f"for Chinese text. Install one: {INSTALL_HINT}")
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.write(line)
