"""The MQTT way in: a subscriber that stores device batches and acknowledges after commit.

Topics (``docs/tracking-events.md`` for vendors):

* a device publishes a batch to ``jinxiu/v1/devices/<token prefix>/events`` at QoS 1, payload
  ``{"token": "<device token>", "batch": "<its own batch id>", "events": [<event>, ...]}``;
* the subscriber answers on ``jinxiu/v1/devices/<token prefix>/ack`` at QoS 1 with
  ``{"batch": ..., "received": n, "stored": n, "duplicates": n}`` once the batch is committed,
  or ``{"batch": ..., "stored": 0, "errors": [...]}`` when it was refused.

The subscriber hands the batches it receives to a storing thread (the network thread keeps
reading meanwhile). With ``group_size`` > 1 it stores them in groups (waiting at most
``group_wait`` for a group to fill), each batch in its own savepoint, with one commit per
group; the answers and broker acknowledgements of a group go out after its commit. The default
is one batch per commit: devices wait for their ack before the next batch, and on the bench
machine groups of 20 halved the throughput (bench/results/ingest.md).

The subscriber keeps a persistent session (``clean_session=False``, a fixed client id) and
acknowledges each PUBLISH to the broker only after the batch is committed (paho's manual
acknowledgement): a subscriber killed in the middle leaves the message with the broker, which
delivers it again to the restarted subscriber; the event ids make that second delivery a
no-op. A device resends a batch for which it saw no ack; the same ids again store nothing new.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from urllib.parse import urlparse

from django.db import DatabaseError, close_old_connections, transaction
from django.utils.translation import gettext as _

from jinxiu.apps.tracking.ingest import IngestError, device_for_token, events_ingest

log = logging.getLogger("jinxiu.tracking.mqtt")

TOPIC_PREFIX = "jinxiu/v1/devices"
EVENTS_TOPIC = f"{TOPIC_PREFIX}/+/events"


def ack_topic(prefix: str) -> str:
    return f"{TOPIC_PREFIX}/{prefix}/ack"


def handle_message(topic: str, payload: bytes) -> tuple[str | None, dict]:
    """Store one published batch; (topic to answer on, answer). A message on a malformed
    topic or with an unknown token gets no answer (there is nobody to answer)."""
    parts = topic.split("/")
    if len(parts) != 5 or parts[-1] != "events":
        return None, {}
    prefix = parts[3]
    try:
        message = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return ack_topic(prefix), {"batch": None, "stored": 0, "errors": [
            {"line": 0, "field": "", "reason": _("Not valid JSON: %(error)s") % {"error": exc}}]}
    if not isinstance(message, dict):
        message = {}
    batch = message.get("batch")
    device = device_for_token(str(message.get("token") or ""))
    if device is None or device.token_prefix != prefix:
        log.warning("mqtt: refused a batch on %s (unknown token)", topic)
        return None, {}
    events = message.get("events")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return ack_topic(prefix), {"batch": batch, "stored": 0, "errors": [
            {"line": 0, "field": "events", "reason": _("Give the events as a list of "
                                                       "objects.")}]}
    items = [{**e, "_line": i} for i, e in enumerate(events, start=1)]
    try:
        result = events_ingest(device=device, items=items)
    except IngestError as exc:
        return ack_topic(prefix), {"batch": batch, **exc.as_dict()}
    return ack_topic(prefix), {"batch": batch, **result.as_dict()}


def broker_address(url: str) -> tuple[str, int, str | None, str | None, bool]:
    """``mqtt://user:pass@host:1883`` or ``mqtts://...`` → host, port, user, password, tls."""
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "mqtts", "tcp"):
        raise ValueError(f"JINXIU_MQTT_URL: expected mqtt:// or mqtts://, got {url!r}")
    tls = parsed.scheme == "mqtts"
    return (parsed.hostname or "127.0.0.1", parsed.port or (8883 if tls else 1883),
            parsed.username, parsed.password, tls)


def handle_group(messages: list) -> list[tuple]:
    """Store several published batches in one transaction, each in its own savepoint (a batch
    stays all or nothing, a refused or failing batch leaves the others alone), and commit
    once: [(message, topic to answer on, answer)] of the batches to acknowledge, returned
    after the commit. A batch whose savepoint failed on the database is left out: no ack,
    the broker or the device delivers it again."""
    done = []
    with transaction.atomic():
        for msg in messages:
            try:
                with transaction.atomic():
                    reply_topic, reply = handle_message(msg.topic, msg.payload)
            except DatabaseError:
                log.exception("mqtt: batch on %s not stored; it stays with the broker",
                              msg.topic)
                continue
            done.append((msg, reply_topic, reply))
    return done


class _GroupCommitter(threading.Thread):
    """Takes the messages the network thread receives and stores them in groups of up to
    ``size`` batches, waiting at most ``wait`` seconds for a group to fill: one commit for
    several batches, and the network thread keeps reading meanwhile. Answers and broker
    acknowledgements go out only after the group's commit."""

    def __init__(self, client, size: int, wait: float) -> None:
        super().__init__(daemon=True, name="mqtt-ingest-store")
        self.client, self.size, self.wait = client, size, wait
        self.queue: queue.Queue = queue.Queue()

    def run(self) -> None:
        while True:
            group = [self.queue.get()]
            deadline = time.monotonic() + self.wait
            while len(group) < self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    group.append(self.queue.get(timeout=left))
                except queue.Empty:
                    break
            close_old_connections()
            try:
                done = handle_group(group)
            except Exception:  # the database is away: no ack, the broker delivers them again
                log.exception("mqtt: %d batches not stored; they stay with the broker",
                              len(group))
                continue
            for msg, reply_topic, reply in done:
                if reply_topic:
                    self.client.publish(reply_topic, json.dumps(reply, ensure_ascii=False),
                                        qos=1)
                self.client.ack(msg.mid, msg.qos)


def make_subscriber(url: str, *, client_id: str = "jinxiu-ingest", share: str = "",
                    group_size: int = 1, group_wait: float = 0.05, on_ready=None):
    """A paho client subscribed to every device's events, acknowledging after commit. With
    ``share``, several subscribers (each with its own client id) split the batches between
    them through the broker's shared subscription ``$share/<share>/...``. Batches are stored
    in groups of up to ``group_size`` per commit, waiting at most ``group_wait`` seconds
    for a group to fill. ``on_ready()`` is called when the broker has confirmed the
    subscription (from then on no batch is missed, even across restarts)."""
    import paho.mqtt.client as mqtt

    host, port, user, password, tls = broker_address(url)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=False, manual_ack=True)
    if user:
        client.username_pw_set(user, password)
    if tls:
        client.tls_set()

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.error("mqtt: connection refused: %s", reason_code)
            return
        topic = f"$share/{share}/{EVENTS_TOPIC}" if share else EVENTS_TOPIC
        client.subscribe(topic, qos=1)
        log.info("mqtt: subscribed to %s on %s:%s", topic, host, port)

    committer = _GroupCommitter(client, max(1, group_size), max(0.0, group_wait))
    committer.start()

    def on_message(client, userdata, msg):
        committer.queue.put(msg)

    def on_subscribe(client, userdata, mid, reason_codes, properties):
        if on_ready is not None and not any(rc.is_failure for rc in reason_codes):
            on_ready()

    client.on_connect = on_connect
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.connect(host, port, keepalive=30)
    return client
