"""The phone's pairing code as a person meets it: the code, a QR code of the
app's pairing page in the terminal, and the same QR code as a PNG."""

from __future__ import annotations

from pathlib import Path

import segno


def show_pairing(code: str, url: str, png: Path) -> None:
    qr = segno.make(url, error="m")
    png.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    qr.save(png, scale=8, border=4)
    png.chmod(0o600)
    print(f"pairing code for the phone app: {code} (once, within 10 minutes)")
    print(f"  open {url} in the phone's browser ('glasses app'), or scan:")
    qr.terminal(compact=True)
    print(f"  QR code also saved to {png}", flush=True)
