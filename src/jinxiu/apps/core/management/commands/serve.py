import os
import sys

from django.core.management.base import BaseCommand


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "jinxiu.config.wsgi:application",
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", "4",
        "--timeout", "120",
        "--graceful-timeout", "10",
        "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("JINXIU_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (a production WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("JINXIU_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JINXIU_PORT", "8000")))
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("JINXIU_WEB_WORKERS", "2")))

    def handle(self, *args, host, port, workers, **options):
        argv = gunicorn_argv(host, port, workers)
        os.execv(argv[0], argv)
