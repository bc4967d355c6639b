"""The companion app in a real headless Chromium against a real server on
loopback: pairing, the history of what the glasses sent (the frame exactly
as kept, with the card masked), deleting an entry, and the guards around a
session (no page without pairing, no change without the page's CSRF token,
no token in the page or in browser storage)."""

from __future__ import annotations

import hashlib
import logging
import re

from server.accounts import Accounts
from tests.browser.steps import ask, pair
from tests.conftest import decode, readable_digit_runs
from tests.integration.serving import enrol


def test_pair_and_see_what_the_glasses_sent_then_delete_it(
    stack, phone, redactor, strong_reader, caplog
):
    caplog.set_level(logging.INFO, logger="glasses.app")
    glasses = pair(stack, phone)
    sample_id = ask(stack, glasses, redactor, "what is this table made of?")
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
    # the token reaches neither the page nor the browser: the cookie holds an opaque
    # id that no script can read and no other site can send
    assert glasses not in phone.content()
    storage = phone.evaluate("() => JSON.stringify([{...localStorage}, {...sessionStorage}])")
    assert storage == "[{},{}]" and phone.evaluate("() => document.cookie") == ""
    (cookie,) = [c for c in phone.context.cookies() if c["name"] == "__Host-glasses"]
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/" and cookie["value"] != glasses and len(cookie["value"]) >= 40
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
    glasses = pair(stack, phone)
    sample_id = ask(stack, glasses, redactor, "what is this?")
    # the browser's own cookie goes with it (a same-site forgery), but no CSRF token
    forged = phone.request.post(
        stack.app_url + f"/history/{sample_id}/delete", form={"csrf": "guessed"}
    )
    assert forged.status == 403 and stack.store.get(sample_id) is not None
    # nor from another origin, even with the page's own token
    phone.goto(stack.app_url + f"/history/{sample_id}/delete")
    csrf = phone.locator("input[name=csrf]").first.get_attribute("value")
    elsewhere = phone.request.post(
        stack.app_url + f"/history/{sample_id}/delete",
        form={"csrf": csrf},
        headers={"Origin": "https://evil.example"},
    )
    assert elsewhere.status == 403 and stack.store.get(sample_id) is not None


def test_pairing_needs_the_forms_own_guard_and_a_valid_code(stack, phone):
    glasses = enrol(stack.store, "glasses")
    code = Accounts(stack.store).pairing_code(Accounts(stack.store).caller(glasses).user_id)
    phone.goto(stack.app_url + "/pair")
    # a post that did not come from the page (no guard): refused, the code not spent
    forged = phone.request.post(stack.app_url + "/pair", form={"code": code, "guard": "x"})
    assert forged.status == 403
    phone.goto(stack.app_url + "/pair")
    phone.get_by_label("Pairing code").fill("AAAA-BBBB-CCCC")
    phone.get_by_role("button", name="Pair").click()
    assert "not valid" in phone.get_by_role("alert").inner_text()
    phone.get_by_label("Pairing code").fill(code)
    phone.get_by_role("button", name="Pair").click()
    phone.wait_for_url("**/history")


def test_unpairing_revokes_this_phones_key(stack, phone):
    glasses = pair(stack, phone)
    user = Accounts(stack.store).caller(glasses).user_id
    assert len(stack.store.devices(user)) == 2
    phone.get_by_role("link", name="Unpair this phone").click()
    phone.get_by_role("button", name="Unpair").click()
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
