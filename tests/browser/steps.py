"""What the browser tests do again and again: pair a phone in the browser, and
ask a question from the glasses (a redacted card scene) as they would."""

from __future__ import annotations

from core.frames import Hello, Query, RawImage, Stamp
from edge.channel import open_channel
from edge.uplink import ConverseSession, bearer
from server.accounts import Accounts
from tests.conftest import card_scene
from tests.integration.serving import ASSIST_HISTORY, enrol


def ask(stack, token: str, redactor, question: str) -> str:  # noqa: ANN001
    """A question from the glasses with a redacted card scene: its sample id."""

    async def asking() -> str:
        async with open_channel(stack.edge()) as channel:
            async with ConverseSession(channel, bearer(token)) as session:
                await session.open(Hello("glasses", ASSIST_HISTORY))
                session.send_frame(redactor.redact(RawImage(1, card_scene(), Stamp.media(0.5))))
                await session.wait_ack(1)
                events = [e async for e in session.ask(Query(2, question, (1,), 0, 8))]
        return events[-1].sample_id

    return stack.call(asking())


def pair(stack, page) -> str:  # noqa: ANN001
    """Enrol glasses, pair the phone in the browser: the glasses' token."""
    glasses = enrol(stack.store, "glasses")
    code = Accounts(stack.store).pairing_code(Accounts(stack.store).caller(glasses).user_id)
    page.goto(stack.app_url + "/history")
    assert page.url.endswith("/pair")  # nothing without pairing
    page.get_by_label("Pairing code").fill(code)
    page.get_by_role("button", name="Pair").click()
    page.wait_for_url("**/history")
    return glasses
