"""Widgets over a real kernel, fed raw comm messages as a crafted front end would send them.

No message may put a traceback on IOPub or apply a bad value; the widget keeps its last good value and
says why in a short message. The kernel is shut down at the end whatever happens.
"""

import json
import math
import queue
import time

import pytest
from jupyter_client.manager import start_new_kernel

SETUP = """
import json
import bp_core as bp
from bpwidgets import ParameterPanel, RasterCanvas
panel = ParameterPanel({'g': 1.0, 'h': 0.5}, ranges={'g': (0., 2.), 'h': (0., 1.)})
view = panel.widget
canvas = RasterCanvas(n_neurons=10)
print(json.dumps({'slider': panel.sliders['g'].comm.comm_id,
                  'box': view.children[0].children[1].comm.comm_id,
                  'other': panel.sliders['h'].comm.comm_id,
                  'canvas': canvas.comm.comm_id}))
"""
PROBE = "print(json.dumps({'g': panel.g, 'h': panel.h, 'message': panel.message, 'n': canvas.n_neurons}))"


class Kernel:
    def __init__(self):
        self.manager, self.client = start_new_kernel(kernel_name="python3")

    def execute(self, code: str, timeout: float = 120) -> tuple[str, list[dict]]:
        msg_id = self.client.execute(code)
        return self._collect(msg_id, timeout)

    def _collect(self, msg_id: str, timeout: float) -> tuple[str, list[dict]]:
        out, seen = "", []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            seen.append(msg)
            if msg["msg_type"] == "stream":
                out += msg["content"]["text"]
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and \
                    msg["content"]["execution_state"] == "idle":
                return out, seen
        raise TimeoutError("the kernel did not answer")

    def send_value(self, comm_id: str, value) -> None:
        self.send(comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []})

    def send(self, comm_id: str, data: dict) -> None:
        self.client.shell_channel.send(self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data}))

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernel():
    k = Kernel()
    try:
        out, _ = k.execute(SETUP)
        k.ids = json.loads(out.strip().splitlines()[-1])
        yield k
    finally:
        k.close()


def _tracebacks(messages: list[dict]) -> list[str]:
    bad = []
    for msg in messages:
        if msg["msg_type"] == "error":
            bad.append(msg["content"].get("ename", "error"))
        if msg["msg_type"] == "stream" and "Traceback" in msg["content"]["text"]:
            bad.append(msg["content"]["text"][:200])
    return bad


def _state(kernel: Kernel) -> tuple[dict, list[dict]]:
    out, seen = kernel.execute(PROBE)
    return json.loads(out.strip().splitlines()[-1]), seen


BAD_VALUES = [math.nan, math.inf, -math.inf, 1e308, -1e308, "abc", "", [1, 2], {"a": 1}, None, True, "1; import os"]


@pytest.mark.parametrize("control", ["slider", "box"])
@pytest.mark.parametrize("value", BAD_VALUES, ids=[repr(v)[:12] for v in BAD_VALUES])
def test_bad_values_are_refused_without_a_traceback(kernel, control, value):
    kernel.execute("panel.g = 1.25")
    kernel.send_value(kernel.ids[control], value)
    state, seen = _state(kernel)
    assert not _tracebacks(seen)
    if isinstance(value, float) and abs(value) > 2 and not math.isinf(value):
        assert state["g"] in (0.0, 2.0, 1.25)  # clamped to the slider's range by ipywidgets, or refused
    else:
        assert state["g"] == 1.25
    assert state["h"] == 0.5


def test_a_good_value_is_applied(kernel):
    kernel.send_value(kernel.ids["slider"], 0.75)
    state, seen = _state(kernel)
    assert state["g"] == 0.75 and not _tracebacks(seen)


def test_a_disabled_control_applies_nothing(kernel):
    kernel.execute("panel.g = 1.0\npanel.sliders['g'].disabled = True")
    kernel.send_value(kernel.ids["slider"], 0.2)
    state, seen = _state(kernel)
    assert state["g"] == 1.0 and "disabled" in state["message"] and not _tracebacks(seen)
    kernel.execute("panel.sliders['g'].disabled = False")


def test_a_flood_of_200_messages_leaves_the_last_good_value(kernel):
    for k in range(200):
        kernel.send_value(kernel.ids["slider"], [0.1 + k * 0.009, "junk", math.nan, None][k % 4])
    kernel.send_value(kernel.ids["slider"], 1.9)
    state, seen = _state(kernel)
    assert state["g"] == 1.9 and not _tracebacks(seen)


@pytest.mark.parametrize("value", [-1, 10**12, "ten", 2.5, None, [3]], ids=repr)
def test_raster_canvas_keeps_a_valid_neuron_count(kernel, value):
    kernel.send_value(kernel.ids["canvas"], value)  # not a 'value' trait: ignored
    kernel.send(kernel.ids["canvas"], {"method": "update", "state": {"n_neurons": value}, "buffer_paths": []})
    state, seen = _state(kernel)
    assert state["n"] == 10 and not _tracebacks(seen)


@pytest.mark.parametrize("data", [{"method": "update"}, {"method": "custom", "content": {"type": "request_all"}},
                                  {"method": "custom", "content": "x"}, {"method": "nonsense"}, {}],
                         ids=["no state", "request_all", "string content", "unknown method", "empty"])
def test_malformed_messages_do_no_harm(kernel, data):
    kernel.send(kernel.ids["canvas"], data)
    state, seen = _state(kernel)
    assert state["n"] == 10 and state["h"] == 0.5
