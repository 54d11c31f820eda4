"""``jinxiu mqtt-ingest``: store device batches published to the MQTT broker at
``JINXIU_MQTT_URL`` (e.g. ``mqtt://127.0.0.1:1883``). Without that setting the HTTP endpoint is
the only way in and this command says so."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jinxiu.apps.tracking.mqtt import EVENTS_TOPIC, make_subscriber


class Command(BaseCommand):
    help = "Subscribe to the MQTT broker and store floor events (acknowledged after commit)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="Broker URL (default JINXIU_MQTT_URL).")
        parser.add_argument("--client-id", default="jinxiu-ingest",
                            help="A fixed id keeps the broker session across restarts.")
        parser.add_argument("--share", default="",
                            help="Shared-subscription group: run several subscribers (each "
                                 "with its own --client-id) to split the load.")
        parser.add_argument("--group-size", type=int, default=1,
                            help="Batches stored per commit at most.")
        parser.add_argument("--group-wait", type=float, default=0.05,
                            help="Seconds to wait at most for a group to fill.")

    def handle(self, *args, url="", client_id="jinxiu-ingest", share="", group_size=1,
               group_wait=0.05, **options):
        url = url or settings.JINXIU_MQTT_URL
        if not url:
            raise CommandError("JINXIU_MQTT_URL is not set: MQTT ingestion is off "
                               "(devices can post batches to /api/tracking/ingest/).")
        try:
            client = make_subscriber(url, client_id=client_id, share=share,
                                     group_size=group_size, group_wait=group_wait,
                                     on_ready=self._ready)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot reach the MQTT broker at {url}: {exc}") from exc
        self.stdout.write(f"mqtt-ingest: {url} {EVENTS_TOPIC}")
        self.stdout.flush()
        try:
            client.loop_forever(retry_first_connection=True)
        except KeyboardInterrupt:
            client.disconnect()

    def _ready(self):
        self.stdout.write("mqtt-ingest: subscribed")  # the load generator waits for this line
        self.stdout.flush()
