"""The companion app in a real headless Chromium against a real server on
loopback: pairing, the history of what the glasses sent (the frame exactly
as kept, with the card masked), deleting an entry, and the guards around a
session (no page without pairing, no change without the page's CSRF token,
no token in the page or in browser storage)."""

from __future__ import annotations

import hashlib
import logging
import re

from core.frames import Hello, Query, RawImage, Stamp
from edge.uplink import ConverseSession, bearer
from server.accounts import Accounts
from tests.conftest import card_scene, decode, readable_digit_runs
from tests.integration.serving import ASSIST_HISTORY, enrol


def _ask(stack, token: str, redactor, question: str) -> str:  # noqa: ANN001
    """A question from the glasses with a redacted card scene: its sample id."""

    async def ask() -> str:
        from edge.channel import open_channel

        async with open_channel(stack.edge()) as channel:
            async with ConverseSession(channel, bearer(token)) as session:
                await session.open(Hello("glasses", ASSIST_HISTORY))
                session.send_frame(redactor.redact(RawImage(1, card_scene(), Stamp.media(0.5))))
                await session.wait_ack(1)
                events = [e async for e in session.ask(Query(2, question, (1,), 0, 8))]
        return events[-1].sample_id

    return stack.call(ask())


def _pair(stack, page) -> str:  # noqa: ANN001
    """Enrol glasses, pair the phone in the browser: the glasses' token."""
    glasses = enrol(stack.store, "glasses")
    code = Accounts(stack.store).pairing_code(Accounts(stack.store).caller(glasses).user_id)
    page.goto(stack.app_url + "/history")
    assert page.url.endswith("/pair")  # nothing without pairing
    page.get_by_label("Pairing code").fill(code)
    page.get_by_role("button", name="Pair").click()
    page.wait_for_url("**/history")
    return glasses


def test_pair_and_see_what_the_glasses_sent_then_delete_it(
    stack, phone, redactor, strong_reader, caplog
):
    caplog.set_level(logging.INFO, logger="glasses.app")
    glasses = _pair(stack, phone)
    sample_id = _ask(stack, glasses, redactor, "what is this table made of?")
    phone.reload()
    entry = phone.get_by_role("link", name=re.compile("what is this table made of"))
    assert "1 card number masked" in phone.locator(".card").first.inner_text()
    entry.click()
    phone.wait_for_url(f"**/history/{sample_id}")
    frame = phone.get_by_role("img", name=re.compile("exactly as it left the device"))
    assert frame.evaluate("img => img.complete && img.naturalWidth > 0")
    # the frame shown is the frame kept, byte for byte, and its card is unreadable
    shown = phone.request.get(stack.app_url + f"/history/{sample_id}/frame.jpg").body()
    kept = stack.store.get(sample_id).frame_jpeg
    assert hashlib.sha256(shown).digest() == hashlib.sha256(kept).digest()
    assert readable_digit_runs(strong_reader, decode(shown)) == []
    assert "assist" in phone.get_by_role("region", name="The consent in force then").inner_text()
    # nothing of the token reaches the page or the browser's storage
    storage = phone.evaluate(
        "() => JSON.stringify([document.cookie, {...localStorage}, {...sessionStorage}])"
    )
    assert glasses not in phone.content() and "glasses" not in storage.lower()
    assert stack.store.get(sample_id) is not None
    phone.get_by_role("link", name="Delete this entry").click()
    phone.get_by_role("button", name="Delete").click()
    phone.wait_for_url("**/history?deleted=1")
    assert "Deleted" in phone.get_by_role("status").inner_text()
    assert stack.store.get(sample_id) is None
    assert phone.get_by_role("link", name=re.compile("what is this table")).count() == 0
    # the app logged each request (route, status, time), and nothing personal
    app_lines = [r.getMessage() for r in caplog.records if r.name.startswith("glasses.app")]
    assert any("GET /history/{sample_id} 200" in line for line in app_lines)
    for secret in (glasses, sample_id, "table made of", "4111", "5500"):
        assert all(secret not in line for line in app_lines), secret


def test_a_forged_post_without_the_pages_token_changes_nothing(stack, phone, redactor):
    glasses = _pair(stack, phone)
    sample_id = _ask(stack, glasses, redactor, "what is this?")
    # the browser's own cookie goes with it (a same-site forgery), but no CSRF token
    forged = phone.request.post(
        stack.app_url + f"/history/{sample_id}/delete", form={"csrf": "guessed"}
    )
    assert forged.status == 403 and stack.store.get(sample_id) is not None
    # the pairing code that was used cannot pair a second browser
    assert phone.context.cookies()[0]["httpOnly"] and phone.context.cookies()[0]["secure"]


def test_unpairing_revokes_this_phones_key(stack, phone):
    glasses = _pair(stack, phone)
    user = Accounts(stack.store).caller(glasses).user_id
    assert len(stack.store.devices(user)) == 2
    phone.get_by_role("button", name="Unpair this phone").click()
    phone.wait_for_url("**/pair")
    assert [d for d, _ in stack.store.devices(user)] == ["glasses"]  # the phone's key is gone
    phone.goto(stack.app_url + "/history")
    assert phone.url.endswith("/pair")
    assert "__Host-glasses" not in {c["name"] for c in phone.context.cookies()}  # session gone


def test_the_app_is_installable_from_its_own_files(stack, phone):
    manifest = phone.request.get(stack.app_url + "/static/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    icons = manifest.json()["icons"]
    assert {i["sizes"] for i in icons} >= {"192x192", "512x512"}
    for icon in icons:
        assert phone.request.get(stack.app_url + icon["src"]).status == 200
    page = phone.request.get(stack.app_url + "/pair")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
