import json
import socket
import threading
import uuid

import pytest
from django.core.management import CommandError, call_command

from jinxiu.apps.tracking.models import FloorEvent
from jinxiu.apps.tracking.mqtt import (
    broker_address,
    handle_group,
    handle_message,
    make_subscriber,
)
from tests.apps.tracking.factories import make_floor, scan
from tests.helpers.factories import make_org

BROKER = ("127.0.0.1", 1883)


def _broker_up() -> bool:
    try:
        socket.create_connection(BROKER, timeout=0.5).close()
    except OSError:
        return False
    return True


def _topic(device):
    return f"jinxiu/v1/devices/{device.token_prefix}/events"


@pytest.mark.django_db
def test_a_published_batch_is_stored_once_and_answered(regions):
    floor = make_floor(make_org("甲企业"))
    device, token = floor["device"], floor["token"]
    payload = json.dumps({"token": token, "batch": "b1",
                          "events": [scan("e1", 1), scan("e2", 2, op="2")]}).encode()
    topic, answer = handle_message(_topic(device), payload)
    assert topic == f"jinxiu/v1/devices/{device.token_prefix}/ack"
    assert answer == {"batch": "b1", "received": 2, "stored": 2, "duplicates": 0}
    assert handle_message(_topic(device), payload)[1] == {
        "batch": "b1", "received": 2, "stored": 0, "duplicates": 2}
    # a bad event: the batch is refused with the line and reason, nothing stored
    bad = json.dumps({"token": token, "batch": "b2",
                      "events": [scan("e3", 3), scan("e4", 4, op="99")]}).encode()
    answer = handle_message(_topic(device), bad)[1]
    assert answer["stored"] == 0 and [(e["line"], e["field"]) for e in answer["errors"]] == [
        (2, "operation")]
    # a wrong token, or a token published on another device's topic: no answer, nothing stored
    assert handle_message(_topic(device), json.dumps(
        {"token": "x.y", "events": [scan("e5", 5)]}).encode()) == (None, {})
    other = make_floor(make_org("乙企业"))
    assert handle_message(_topic(other["device"]), payload) == (None, {})
    assert handle_message(_topic(device), b"\xff")[1]["stored"] == 0
    assert FloorEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_group_of_batches_commits_once_and_each_batch_stays_all_or_nothing(regions):
    from types import SimpleNamespace

    floor = make_floor(make_org("甲企业"))
    device, token = floor["device"], floor["token"]

    def msg(mid, batch, events):
        return SimpleNamespace(mid=mid, qos=1, topic=_topic(device), payload=json.dumps(
            {"token": token, "batch": batch, "events": events}).encode())

    group = [msg(1, "b1", [scan("e1", 1), scan("e2", 2, op="2")]),
             msg(2, "b2", [scan("e3", 3), scan("e4", 4, op="99")]),  # refused: bad operation
             msg(3, "b1", [scan("e1", 1), scan("e2", 2, op="2")]),  # resent in the same group
             msg(4, "b3", [scan("e5", 5, op="3", qty=5)])]
    done = handle_group(group)
    assert [(m.mid, r["batch"], r["stored"]) for m, _t, r in done] == [
        (1, "b1", 2), (2, "b2", 0), (3, "b1", 0), (4, "b3", 1)]
    assert done[1][2]["errors"][0]["field"] == "operation"
    assert sorted(FloorEvent.objects.values_list("event_id", flat=True)) == ["e1", "e2", "e5"]


def test_broker_urls_are_read_and_a_missing_url_is_explained(settings):
    assert broker_address("mqtt://u:p@10.0.0.5:1884") == ("10.0.0.5", 1884, "u", "p", False)
    assert broker_address("mqtts://broker.example") == ("broker.example", 8883, None, None, True)
    with pytest.raises(ValueError):
        broker_address("http://x")
    settings.JINXIU_MQTT_URL = ""
    with pytest.raises(CommandError, match="JINXIU_MQTT_URL is not set"):
        call_command("mqtt-ingest")


@pytest.mark.skipif(not _broker_up(), reason="no MQTT broker at 127.0.0.1:1883")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared", [False, True])
def test_end_to_end_through_mosquitto(regions, shared):
    import paho.mqtt.client as mqtt

    floor = make_floor(make_org("甲企业"))
    device, token = floor["device"], floor["token"]
    run = uuid.uuid4().hex[:8]  # a group of its own: no session left by an earlier run joins
    client_id = f"jinxiu-test-{run}"
    subscriber = make_subscriber("mqtt://127.0.0.1:1883", client_id=client_id,
                                 share=f"jinxiu-test-{run}" if shared else "")
    # ready once the broker acknowledged the subscription (SUBACK), not merely the connection:
    # a batch published in between reaches no subscriber
    subscribed = threading.Event()
    subscriber.on_subscribe = lambda *a: subscribed.set()
    subscriber.loop_start()
    acks: list[dict] = []
    got = threading.Event()
    device_client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                client_id=f"dev-{uuid.uuid4().hex[:8]}")

    def on_message(client, userdata, msg):
        acks.append(json.loads(msg.payload))
        if len(acks) == 2:
            got.set()

    device_client.on_message = on_message
    device_client.connect(*BROKER)
    device_client.subscribe(f"jinxiu/v1/devices/{device.token_prefix}/ack", qos=1)
    device_client.loop_start()
    try:
        assert subscribed.wait(5)
        batch = {"token": token, "batch": "b1",
                 "events": [scan("e1", 1), scan("e2", 2, op="2"), scan("e3", 3, op="3")]}
        for _ in range(2):  # the device resends: no ack seen yet, say
            device_client.publish(_topic(device), json.dumps(batch), qos=1).wait_for_publish(5)
        assert got.wait(10), acks
    finally:
        device_client.loop_stop()
        device_client.disconnect()
        subscriber.loop_stop()
        subscriber.disconnect()
        cleaner = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                              clean_session=True)  # ends the test's persistent session
        cleaner.connect(*BROKER)
        cleaner.disconnect()
    assert sorted(a["stored"] for a in acks) == [0, 3]
    assert all(a["batch"] == "b1" and a["received"] == 3 for a in acks)
    assert sorted(FloorEvent.objects.values_list("event_id", flat=True)) == ["e1", "e2", "e3"]
