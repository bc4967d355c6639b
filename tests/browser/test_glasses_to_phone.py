"""The whole way round: the wearer asks through the real ``glasses edge``
(the bundled clip and question, real VAD, Whisper, redaction and outbox, in
a process of its own) and then sees the question in the phone app's history
with the frame exactly as it was sent. And what the wearer is told when the
server is down, or when this phone's key was revoked elsewhere."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from edge.channel import open_channel
from edge.phone_client import PhoneClient
from edge.uplink import bearer
from server.accounts import Accounts
from tests.browser.steps import pair


@pytest.mark.slow  # the edge's models load in a process of its own
def test_a_question_asked_through_glasses_edge_shows_in_the_history(stack, phone, tmp_path):
    glasses = pair(stack, phone)
    edge = stack.edge()
    env = {
        **os.environ,
        "GLASSES__EDGE__SERVER": edge.server,
        "GLASSES__EDGE__TLS_CA": str(edge.tls_ca),
        "GLASSES__EDGE__TOKEN": glasses,
        "GLASSES__EDGE__DEVICE_ID": "glasses",
        "GLASSES__EDGE__UPLINK__OUTBOX": str(tmp_path / "outbox.sqlite"),
        "GLASSES__EDGE__CONTROL_SOCKET": str(tmp_path / "control.sock"),
        "GLASSES__EDGE__CONSENT__SCOPES": "[assist, history]",
        "GLASSES__MODELS__CACHE_DIR": str(tmp_path / "models"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "glasses", "edge", "--no-keys"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "asked (wake_phrase)" in done.stdout and "answered" in done.stdout
    phone.reload()
    card = phone.locator(".card").first
    assert re.search(r"what is this table made", card.inner_text(), re.I)  # as Whisper heard it
    assert "1 card number masked" in card.inner_text()
    card.get_by_role("link").click()
    frame = phone.get_by_role("img", name=re.compile("exactly as it left the device"))
    assert frame.evaluate("img => img.complete && img.naturalWidth > 0")


def test_the_server_down_and_a_revoked_key_are_said_plainly(stack, phone):
    glasses = pair(stack, phone)
    # revoked from the glasses' side (another device of the same user)
    user = Accounts(stack.store).caller(glasses).user_id
    (phone_device,) = [d for d, _ in stack.store.devices(user) if d != "glasses"]

    async def revoke() -> None:
        async with open_channel(stack.edge()) as channel:
            await PhoneClient(channel, bearer(glasses)).revoke_device(phone_device)

    stack.call(revoke())
    phone.goto(stack.app_url + "/history")
    phone.wait_for_url("**/pair?ended=1")
    assert "access has ended" in phone.get_by_role("status").inner_text()
    # paired again, then the server goes away
    pair(stack, phone)
    stack.call(stack.running.stop(grace=0.1))
    response = phone.goto(stack.app_url + "/consent")
    assert response.status == 503
    text = phone.get_by_role("alert").inner_text()
    assert "did not answer" in text and "Nothing on this phone was lost" in text
