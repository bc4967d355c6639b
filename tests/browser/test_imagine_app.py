"""Imagine in the companion app, in a real Chromium against a real server
with the tiny diffusion model, NudeNet, the watermark and C2PA signing:
four images appear as they stream in; a download keeps its provenance; a
riff on an imagined image and on a phone photo (redacted on the phone
first); verify; and a server without Imagine says so instead of failing."""

from __future__ import annotations

import os
import re

import cv2

from edge.channel import open_channel
from edge.imagine_client import ImagineClient
from edge.uplink import bearer
from server.accounts import Accounts
from tests.browser.steps import pair
from tests.conftest import TEST_CARD, card_scene, decode, readable_digit_runs


def _verify(stack, data: bytes, token: str):  # noqa: ANN001, ANN202 - a Verification
    async def check():  # noqa: ANN202
        async with open_channel(stack.edge()) as channel:
            return await ImagineClient(channel, bearer(token)).verify(data)

    return stack.call(check())


def _imagined(page, n: int) -> None:  # noqa: ANN001
    page.get_by_role("status").filter(has_text=f"Done: {n} image").wait_for(timeout=120_000)


def test_four_images_stream_in_and_a_download_keeps_its_provenance(imagine_stack, phone):
    stack = imagine_stack
    glasses = pair(stack, phone)
    phone.get_by_role("link", name="Imagine").click()
    phone.get_by_label("Describe a picture").fill("a lighthouse at dusk")
    phone.get_by_role("button", name="Imagine", exact=True).click()
    _imagined(phone, 4)
    images = phone.get_by_role("img", name=re.compile(r"Imagined image \d"))
    assert images.count() == 4
    assert all(img.evaluate("i => i.complete && i.naturalWidth > 0") for img in images.all())
    if shots := os.environ.get("GLASSES_SCREENSHOTS"):  # the README's picture of it
        phone.screenshot(path=f"{shots}/imagined.png", full_page=True)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download image 1").click()
    data = open(download.value.path(), "rb").read()
    check = _verify(stack, data, glasses)
    assert check.manifest_valid and check.watermark_found and check.agreement == "agree"
    # verify through the app: the same file, uploaded
    phone.get_by_label("Image file").set_input_files(download.value.path())
    phone.get_by_role("button", name="Verify").click()
    assert "both name the same image" in phone.locator("#verdict").inner_text()


def test_riff_on_an_imagined_image_then_on_a_photo_redacted_on_the_phone(
    imagine_stack, phone, tmp_path, strong_reader
):
    stack = imagine_stack
    glasses = pair(stack, phone)
    phone.get_by_role("link", name="Imagine").click()
    phone.get_by_label("How many images").select_option("1")
    phone.get_by_label("Describe a picture").fill("a red bicycle")
    phone.get_by_role("button", name="Imagine", exact=True).click()
    _imagined(phone, 1)
    phone.get_by_role("link", name="Riff on image 1").click()
    phone.get_by_label("How should it change?").fill("as a watercolour")
    phone.get_by_role("button", name="Riff", exact=True).click()
    _imagined(phone, 4)
    # a photo with a card on it: only its redacted copy leaves the phone
    photo = tmp_path / "desk.png"
    cv2.imwrite(str(photo), card_scene())
    phone.goto(stack.app_url + "/imagine")
    phone.get_by_label("Photo", exact=True).set_input_files(str(photo))
    phone.get_by_label("How should the photo change?").fill("in pastel")
    phone.get_by_role("button", name="Riff on the photo").click()
    _imagined(phone, 4)
    assert "1 card number masked" in phone.locator(".redacted").inner_text()
    user = Accounts(stack.store).caller(glasses).user_id
    riffs = [s for s in map(stack.store.get, stack.store.sample_ids(user)) if s.frame_jpeg]
    assert len(riffs) == 2  # the riff on an image and the riff on the photo
    for sample in riffs:
        assert TEST_CARD not in readable_digit_runs(strong_reader, decode(sample.frame_jpeg))


def test_without_imagine_on_the_server_the_page_says_so(stack, phone):
    pair(stack, phone)
    phone.get_by_role("link", name="Imagine").click()
    assert "Imagine is not available on this server" in phone.get_by_role("alert").inner_text()
