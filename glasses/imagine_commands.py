"""``glasses imagine``: as the wearer's device, over gRPC with its token.

- ``glasses imagine "prompt" --out DIR``: text to images (4 by default);
- ``glasses imagine riff PHOTO "second prompt"``: the photo is redacted here
  first (only a redacted image can be sent), then edited by the server;
- ``glasses imagine verify FILE…``: watermark and manifest of each file,
  and whether they agree (``--local``: on this machine, with the server's
  watermark key and provenance root, no server needed).
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import cv2

from core.errors import InvalidInputError
from core.frames import RawImage, Stamp
from glasses.config import edge_from_args, from_args

ACTIONS = ("riff", "verify")


def add_parser(sub) -> None:  # noqa: ANN001 - argparse subparsers
    p = sub.add_parser(
        "imagine",
        help="imagine images from a prompt, riff on a photo, or verify an image",
        description='imagine "PROMPT" | imagine riff PHOTO "PROMPT" | imagine verify FILE... '
        "(as the device: --token, over gRPC). Every image comes back with an invisible "
        "watermark, a visible mark and a signed C2PA manifest.",
    )
    p.add_argument("words", nargs="+", metavar="ARG", help="a prompt, or riff/verify and theirs")
    p.add_argument("--server", help="host:port of the server (default: edge.server)")
    p.add_argument("--token", help="the device's token (default: edge.token)")
    p.add_argument("--n", type=int, default=0, help="number of images (server default: 4)")
    p.add_argument("--size", help="WIDTHxHEIGHT, multiples of 8 up to 1280 (default: model's)")
    p.add_argument("--steps", type=int, default=0, help="denoising steps (server default)")
    p.add_argument("--guidance", type=float, default=0.0, help="guidance scale (0: none)")
    p.add_argument("--strength", type=float, default=0.0, help="riff: how far from the photo")
    p.add_argument("--seed", type=int, default=0, help="0: the server picks one")
    p.add_argument("--format", choices=["png", "jpeg"], default="", help="default: png")
    p.add_argument("--out", default="out/imagine", help="folder for the images")
    p.add_argument("--local", action="store_true", help="verify here with the server's keys")
    p.add_argument("--timeout", type=float, default=300.0)
    p.set_defaults(func=cmd_imagine)


def cmd_imagine(args: argparse.Namespace) -> int:
    action, rest = (args.words[0], args.words[1:]) if args.words[0] in ACTIONS else ("", args.words)
    if action == "verify":
        if not rest:
            raise InvalidInputError("imagine verify needs one or more FILEs")
        return _verify(args, [Path(f) for f in rest])
    if action == "riff":
        if len(rest) != 2:
            raise InvalidInputError('imagine riff needs PHOTO and "PROMPT" (quote the prompt)')
        return _make(args, rest[1], Path(rest[0]))
    return _make(args, " ".join(rest), None)


def _options(args: argparse.Namespace, prompt: str):  # noqa: ANN202 - ImagineOptions
    from edge.domain import ImagineOptions

    width = height = 0
    if args.size:
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            raise InvalidInputError(
                f"--size {args.size!r}: write WIDTHxHEIGHT, e.g. 512x512"
            ) from None
    return ImagineOptions(
        prompt, args.n, width, height, args.steps, args.guidance, args.seed, args.format
    )


def _redacted_photo(args: argparse.Namespace, path: Path):  # noqa: ANN202 - RedactedImage
    from edge.components import build_redactor

    if not path.is_file():
        raise InvalidInputError(f"no such photo: {path}")
    pixels = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if pixels is None:
        raise InvalidInputError(f"{path} is not a decodable image; give a JPEG or PNG")
    config = from_args(args)
    redactor = build_redactor(config.models, config.edge.redaction)
    redacted = redactor.redact(RawImage(0, pixels, Stamp.wall(), source="file"))
    print(f"redacted {path.name} here first: {redacted.report.counts() or 'nothing found'}")
    return redacted


def _make(args: argparse.Namespace, prompt: str, photo_path: Path | None) -> int:
    from edge.channel import connect
    from edge.imagine_client import ImagineClient
    from edge.uplink import bearer

    edge = edge_from_args(args, server=args.server, token=args.token)
    options = _options(args, prompt)
    photo = _redacted_photo(args, photo_path) if photo_path is not None else None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    async def run() -> int:
        async with connect(edge) as channel:
            client = ImagineClient(channel, bearer(edge.token))
            if photo is None:
                images = client.generate(options, timeout=args.timeout)
            else:
                images = client.riff(photo, options, args.strength, timeout=args.timeout)
            withheld = 0
            async for image in images:
                if image.safety_blocked:
                    withheld += 1
                    print(f"image {image.index}: {image.notice}")
                    continue
                stem = "riff" if photo is not None else "imagine"
                path = out / f"{stem}_{image.seed}_{image.index}.{image.extension}"
                path.write_bytes(image.data)
                print(f"{path} {image.width}x{image.height} watermark={image.watermark_id}")
        return 1 if withheld else 0

    return asyncio.run(run())


def _verify(args: argparse.Namespace, files: list[Path]) -> int:
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise InvalidInputError(f"no such file: {', '.join(missing)}")
    reports = [(f, f.read_bytes()) for f in files]
    if args.local:
        from server.imagine.build import build_verifier

        verifier = build_verifier(from_args(args).server)
        lines = [(f, verifier.verify(data).verdict()) for f, data in reports]
    else:
        lines = asyncio.run(_verify_remote(args, reports))
    for path, verdict in lines:
        print(f"{path}: {verdict}")
    return 0


async def _verify_remote(args: argparse.Namespace, reports: list) -> list[tuple[Path, str]]:
    from edge.channel import connect
    from edge.imagine_client import ImagineClient
    from edge.uplink import bearer

    edge = edge_from_args(args, server=args.server, token=args.token)
    async with connect(edge) as channel:
        client = ImagineClient(channel, bearer(edge.token))
        return [
            (path, (await client.verify(data, timeout=args.timeout)).verdict)
            for path, data in reports
        ]
