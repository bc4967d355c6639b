"""Every page of the companion app, at a phone's 375 px and at a desktop's
1280 px, checked by axe-core (from the npm registry: ``make install`` runs
``npm ci`` in tests/browser): no serious or critical finding. Every control
is reached by the keyboard. With ``GLASSES_SCREENSHOTS=DIR`` each page is
also saved there at phone size (the README's screenshots), and the axe
results as ``DIR/axe.json``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.browser.steps import ask, pair

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
SIZES = {"phone": (375, 812), "desktop": (1280, 900)}
BLOCKING = {"serious", "critical"}


def _axe(page) -> list[dict]:  # noqa: ANN001
    """axe-core's violations on the page as it is."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "help": v["help"]}
        for v in result["violations"]
    ]


def _pages(stack, sample_id: str) -> dict[str, str]:  # noqa: ANN001
    return {
        "history": "/history",
        "entry": f"/history/{sample_id}",
        "delete-entry": f"/history/{sample_id}/delete",
        "imagine": "/imagine",
        "consent": "/consent",
        "delete-my-data": "/consent/delete",
        "devices": "/devices",
        "not-found": "/history/no-such-sample",
    }


@pytest.mark.skipif(
    not AXE.is_file(),
    reason="axe-core is not installed: npm ci --prefix tests/browser (make install)",
)
def test_no_serious_or_critical_accessibility_findings_on_any_page(
    imagine_stack, chromium, redactor
):
    stack = imagine_stack
    shots = os.environ.get("GLASSES_SCREENSHOTS")
    found: dict[str, dict[str, list]] = {}
    for size, (width, height) in SIZES.items():
        # the checker is injected as a script: this context lets it past the page's CSP
        context = chromium.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        page = context.new_page()
        try:
            page.goto(stack.app_url + "/pair")
            found[f"pair/{size}"] = _axe(page)
            if shots and size == "phone":
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/pair.png", full_page=True)
            glasses = pair(stack, page)
            sample_id = ask(stack, glasses, redactor, "what is this table made of?")
            for name, path in _pages(stack, sample_id).items():
                page.goto(stack.app_url + path)
                found[f"{name}/{size}"] = _axe(page)
                # nothing wider than the screen: no sideways scrolling on a phone
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                assert wide <= width, f"{name} is {wide} px wide at {width}"
                if shots and size == "phone":
                    page.screenshot(path=f"{shots}/{name}.png", full_page=True)
        finally:
            context.close()
    if shots:
        Path(shots, "axe.json").write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    blocking = {
        page: [v for v in violations if v["impact"] in BLOCKING]
        for page, violations in found.items()
        if any(v["impact"] in BLOCKING for v in violations)
    }
    assert blocking == {}


def test_every_control_is_reached_by_the_keyboard(stack, phone):
    pair(stack, phone)
    phone.goto(stack.app_url + "/consent")
    controls = phone.evaluate(
        "() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), "
        "select, textarea')].filter(e => e.getClientRects().length)"
        ".map((e, i) => { e.dataset.k = String(i); return i; })"
    )
    reached = set()
    for _ in range(len(controls) + 5):
        phone.keyboard.press("Tab")
        reached.add(phone.evaluate("() => document.activeElement.dataset.k ?? ''"))
    # every visible control takes the focus in turn, the skip link among them
    assert {str(i) for i in controls} <= reached
