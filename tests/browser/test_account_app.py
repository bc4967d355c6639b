"""Consent, rights and devices in the companion app, in a real Chromium
against a real server: training on and off with the ledger growing and
checking; download my data; delete my data (history empty, session ended);
revoking a device; two users side by side, neither reaching the other."""

from __future__ import annotations

import io
import re
import zipfile

from server.accounts import Accounts
from tests.browser.steps import ask, pair


def _ledger_rows(page) -> int:  # noqa: ANN001
    return page.locator("table tbody tr").count()


def test_training_on_then_off_grows_the_ledger_and_it_checks(stack, phone):
    pair(stack, phone)
    phone.get_by_role("link", name="Consent").click()
    before = _ledger_rows(phone)
    training = phone.locator(".card", has=phone.get_by_role("heading", name="Use for training"))
    training.get_by_role("button", name="Turn on").click()
    phone.wait_for_url("**/consent?changed=1")
    assert "On" in training.inner_text()
    training.get_by_role("button", name="Turn off").click()
    phone.wait_for_url("**/consent?changed=1")
    assert "Off" in training.inner_text()
    assert _ledger_rows(phone) == before + 2
    verdict = phone.locator("#ledger-check").inner_text()
    assert re.search(r"all \d+ of your entries hash to their ids", verdict), verdict
    assert "it holds" in verdict
    # the server's own view agrees: the latest entry has no training
    latest = stack.store.ledger_entries()[-1]
    assert "training" not in {s.name.lower() for s in latest.scopes}


def test_download_then_delete_my_data_ends_the_session(stack, phone, redactor):
    glasses = pair(stack, phone)
    user = Accounts(stack.store).caller(glasses).user_id
    sample_id = ask(stack, glasses, redactor, "what is this table made of?")
    phone.get_by_role("link", name="Consent").click()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert f"samples/{sample_id}/frame.jpg" in archive.namelist()
    phone.get_by_role("link", name="Delete my data").click()
    assert "1 entry" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="Delete my data").click()
    assert phone.url.endswith("/consent/delete")  # the box must be ticked first
    phone.get_by_label("I understand").check()
    phone.get_by_role("button", name="Delete my data").click()
    phone.wait_for_url("**/pair?deleted=1")
    assert "Your data was deleted" in phone.get_by_role("status").inner_text()
    assert stack.store.get(sample_id) is None
    phone.goto(stack.app_url + "/history")  # the session ended with the data
    assert phone.url.endswith("/pair")
    assert stack.store.devices(user) == []  # every key went: the glasses' and this phone's


def test_revoking_the_glasses_keeps_the_phone(stack, phone):
    pair(stack, phone)
    phone.get_by_role("link", name="Devices").click()
    glasses = phone.locator(".card", has=phone.get_by_role("heading", name="glasses"))
    glasses.get_by_role("link", name="Revoke glasses").click()
    phone.get_by_role("button", name="Revoke glasses").click()
    phone.wait_for_url("**/devices?revoked=1")
    assert "Revoked" in phone.get_by_role("status").inner_text()
    names = phone.get_by_role("heading", level=2).all_inner_texts()
    assert len(names) == 1 and names[0].endswith("(this phone)")


def test_two_users_cannot_reach_each_others_pages_or_actions(stack, chromium, redactor):
    alice_context = chromium.new_context(viewport={"width": 375, "height": 812})
    bob_context = chromium.new_context(viewport={"width": 375, "height": 812})
    try:
        alice, bob = alice_context.new_page(), bob_context.new_page()
        alice_glasses = pair(stack, alice)
        pair(stack, bob)
        hers = ask(stack, alice_glasses, redactor, "what is on my desk?")
        for path in (f"/history/{hers}", f"/history/{hers}/frame.jpg", f"/history/{hers}/delete"):
            response = bob.goto(stack.app_url + path)
            assert response.status == 404, path
            assert "what is on my desk" not in bob.content()
        # Bob's own page's token, on a form aimed at Alice's sample
        bob.goto(stack.app_url + "/consent")
        csrf = bob.locator("input[name=csrf]").first.get_attribute("value")
        forged = bob.request.post(stack.app_url + f"/history/{hers}/delete", form={"csrf": csrf})
        assert forged.status == 404 and stack.store.get(hers) is not None
        # nor riff on her images by naming one
        riff = bob.request.post(
            stack.app_url + "/imagine/riff",
            multipart={"csrf": csrf, "source": f"{hers}:0", "prompt": "as a sketch", "count": "1"},
        )
        assert riff.status == 404
        assert bob.goto(stack.app_url + f"/history/{hers}/image/0").status == 404
        assert bob.get_by_role("link", name=re.compile("what is on my desk")).count() == 0
    finally:
        alice_context.close()
        bob_context.close()
