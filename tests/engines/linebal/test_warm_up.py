"""The kernels' warm-up: once per process, and a second caller waits for the first."""

import threading
import time

import pytest

from jinxiu.engines.linebal import cbfs


def test_a_second_caller_waits_for_a_warm_up_in_progress_and_says_how_long(monkeypatch):
    loads = []
    started = threading.Event()

    def slow_load():
        started.set()
        loads.append(1)
        time.sleep(0.3)

    monkeypatch.setattr(cbfs, "_warm", False)
    monkeypatch.setattr(cbfs, "_load_kernels", slow_load)
    first = threading.Thread(target=cbfs.warm_up)
    first.start()
    started.wait(5)
    waited = cbfs.warm_up()  # solve() adds this to its time limit
    first.join()
    assert loads == [1]
    assert 0.15 < waited < 5
    assert cbfs.warm_up() == 0.0 and loads == [1]


def test_a_failed_warm_up_is_tried_again(monkeypatch):
    tries = []

    def failing():
        tries.append(1)
        if len(tries) == 1:
            raise RuntimeError("interrupted")

    monkeypatch.setattr(cbfs, "_warm", False)
    monkeypatch.setattr(cbfs, "_load_kernels", failing)
    with pytest.raises(RuntimeError):
        cbfs.warm_up()
    assert cbfs._warm is False
    cbfs.warm_up()
    assert cbfs._warm is True and len(tries) == 2
