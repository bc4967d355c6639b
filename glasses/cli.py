"""``glasses``: one command line for the server, the edge and the tools.

Subcommands import only what they need, so ``glasses edge`` and
``glasses redact`` never load torch.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
from pathlib import Path

from core.errors import GlassesError
from glasses import imagine_commands
from glasses.config import edge_from_args, from_args
from glasses.store_commands import cmd_consent, cmd_export

PROG = "glasses"


# ------------------------------------------------------------------ commands


def cmd_demo(args: argparse.Namespace) -> int:
    from glasses import demo

    out = Path(args.out)
    return demo.main(from_args(args, defaults=demo_defaults(out)), out)


def demo_defaults(out: Path) -> dict:
    """What the demo (and the app over its store) runs with unless configured."""
    return {
        "server": {"port": 0, "store": {"path": str(out / "store")}},
        "edge": {"consent": {"scopes": ["assist", "history"]}},
    }


def cmd_server(args: argparse.Namespace) -> int:
    from server.app import serve

    overrides = {"server": {"port": args.port}} if args.port is not None else None
    config = from_args(args, overrides=overrides)

    def ready(running) -> None:  # noqa: ANN001 - server.app.RunningServer
        if config.server.plaintext:
            link = "plaintext, loopback only"
        elif running.tls_ca:
            link = f"TLS; devices trust {running.tls_ca} (edge.tls_ca)"
        else:
            link = f"TLS with {config.server.tls.cert}"
        print(f"serving on port {running.port} ({link})", flush=True)

    asyncio.run(serve(config, on_ready=ready))
    return 0


def cmd_certs(args: argparse.Namespace) -> int:
    from server.certs import describe, ensure_local_certificates

    server = from_args(args).server
    folder = Path(args.out) if args.out else server.tls_folder()
    made = ensure_local_certificates(folder, [server.host, *server.tls.hosts, *args.host])
    names, until = describe(made.cert)
    print(f"CA certificate: {made.ca}")
    print(f"  give this file to every device: edge.tls_ca (GLASSES__EDGE__TLS_CA={made.ca})")
    print(f"server certificate: {made.cert}, key {made.key}")
    print(f"  valid for {', '.join(names)} until {until:%Y-%m-%d}")
    if folder.resolve() != server.tls_folder().resolve():
        print(f"  the server uses them with server.tls.dir: {folder} (GLASSES__SERVER__TLS__DIR)")
    else:
        print("  the server uses them from here (its state folder)")
    print(f"keep {made.ca.with_name('ca.key')} secret: its holder can impersonate the server")
    return 0


def cmd_edge(args: argparse.Namespace) -> int:
    from core.errors import ConfigError
    from glasses.assets import DEMO_AUDIO, DEMO_VIDEO
    from glasses.edge_run import run_edge

    config = from_args(args, overrides={"edge": {"server": args.server}} if args.server else None)
    if not config.edge.token:
        raise ConfigError(
            "edge.token is empty: the server needs the device's token. Enrol the device with "
            "'glasses consent enrol DEVICE_ID' and set GLASSES__EDGE__TOKEN to the token it prints"
        )
    camera = str(args.camera or DEMO_VIDEO)
    microphone = None if args.live_mic else str(args.mic or DEMO_AUDIO)
    keys = not args.no_keys and sys.stdin.isatty()
    try:
        return asyncio.run(run_edge(config, camera, microphone, args.timings, keys))
    except KeyboardInterrupt:
        print("stopped (Ctrl-C); undelivered questions stay in the outbox", file=sys.stderr)
        return 130


def cmd_app(args: argparse.Namespace) -> int:
    from glasses.app.qr import show_pairing
    from glasses.app.serve import pairing_url, serve, serve_demo

    overrides = {"app": {"port": args.port}} if args.port is not None else None
    if args.demo:
        out = Path(args.demo)
        config = from_args(args, defaults=demo_defaults(out), overrides=overrides)

        def paired_ready(port: int, code: str) -> None:
            print(f"companion app: http://{config.app.host}:{port}/ (the demo's server)")
            png = Path(config.app.sessions).expanduser().parent / "pairing.png"
            show_pairing(code, pairing_url(config.app, code, port), png)

        run = serve_demo(config, out, paired_ready)
    else:
        config = from_args(args, overrides=overrides)
        edge = edge_from_args(args, server=args.server)

        def ready(port: int) -> None:
            print(f"companion app: http://{config.app.host}:{port}/ (server {edge.server})")

        run = serve(config.app, edge, config.models, ready)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run)
    return 0


def cmd_ptt(args: argparse.Namespace) -> int:
    from edge.control import send_command

    edge = from_args(args).edge
    print(asyncio.run(send_command(edge.control_socket, args.action)))
    return 0


def cmd_redact(args: argparse.Namespace) -> int:
    from glasses.redact_files import redact_paths

    config = from_args(args)
    report = redact_paths([Path(p) for p in args.inputs], Path(args.out), config)
    text = json.dumps(report, indent=2)
    if args.report:
        Path(args.report).write_text(text)
    withheld = sum(1 for r in report["images"] if r.get("withheld"))
    print(
        f"redacted {len(report['images']) - withheld} image(s) into {args.out}"
        + (f", withheld {withheld}" if withheld else "")
        + (f"; report: {args.report}" if args.report else "")
    )
    return 1 if withheld else 0


# ------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Privacy-first runtime for smart-glasses assistants."
    )
    parser.add_argument("--config", help="YAML config file (or set GLASSES_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("demo", help="run the whole path end to end on the bundled clip")
    p.add_argument("--out", default="out/demo", help="folder for frames and the store")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("server", help="run the gRPC server (Assistant, health, reflection)")
    p.add_argument("--port", type=int, help="port to bind (default from config: 50051)")
    p.set_defaults(func=cmd_server)

    p = sub.add_parser(
        "certs",
        help="create a local CA and the server's TLS certificate (or reuse them)",
        description="Writes ca.pem (give it to every device: edge.tls_ca), ca.key (keep it "
        "secret) and server.pem/server.key, valid for localhost, 127.0.0.1, ::1, server.host, "
        "server.tls.hosts and every --host. Re-running reuses the CA and re-issues the server "
        "certificate only when it nears its end or lacks a host. The server does the same on "
        "its first start when server.tls.cert is empty.",
    )
    p.add_argument("--out", help="folder to write to (default: the server's, store.path/tls)")
    p.add_argument(
        "--host",
        action="append",
        default=[],
        help="a name or address devices use to reach the server (repeat for more)",
    )
    p.set_defaults(func=cmd_certs)

    p = sub.add_parser("edge", help="run the edge runtime against a server")
    p.add_argument("--server", help="host:port of the server (default from config)")
    p.add_argument(
        "--camera",
        "--video",
        help="camera: a device index or path (0, /dev/video0), a stream URL (rtsp://, "
        "http://), a video file or replay:DIR (default: the bundled clip)",
    )
    p.add_argument(
        "--mic", "--audio", help="microphone: a device, a WAV file or replay:DIR (default: bundled)"
    )
    p.add_argument("--live-mic", action="store_true", help="use the sound card's microphone")
    p.add_argument("--timings", action="store_true", help="print each question's stages")
    p.add_argument("--no-keys", action="store_true", help="no push-to-talk from the terminal")
    p.set_defaults(func=cmd_edge)

    p = sub.add_parser(
        "app",
        help="serve the companion phone app (history, Imagine, consent, devices)",
        description="Serves the wearer's companion web app on loopback (app.host, app.port). "
        "It talks to the server (edge.server, edge.tls_ca) only over gRPC, with the token it "
        "gets by pairing: 'glasses consent enrol' prints the code.",
    )
    p.add_argument("--port", type=int, help="port to listen on (default from config: 8765)")
    p.add_argument("--server", help="host:port of the server (default: edge.server)")
    p.add_argument(
        "--demo",
        nargs="?",
        const="out/demo",
        metavar="DIR",
        help="over what 'glasses demo --out DIR' kept: starts a server on it here and prints "
        "a pairing code for the demo's wearer (default DIR: out/demo)",
    )
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("ptt", help="push-to-talk on a running edge (as the phone app does)")
    p.add_argument("action", choices=["press", "release", "toggle", "status"])
    p.set_defaults(func=cmd_ptt)

    p = sub.add_parser("redact", help="redact image files or folders on this machine")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="image files or folders")
    p.add_argument("--out", required=True, help="folder for redacted images (same names)")
    p.add_argument("--report", help="write a JSON report with per-image findings and latency")
    p.set_defaults(func=cmd_redact)

    imagine_commands.add_parser(sub)

    p = sub.add_parser(
        "consent",
        help="enrol a device; read or change a user's consent",
        description="As the user's device: --token TOKEN (Consent service over gRPC). As an "
        "operator: --user USER_ID, directly on the configured store (server.store). "
        "'enrol DEVICE_ID' binds a new token to a device; 'verify' checks the ledger's chain.",
    )
    p.add_argument("action", choices=["get", "grant", "revoke", "enrol", "verify"])
    p.add_argument(
        "scopes", nargs="*", help="scopes to grant or revoke (assist, history, training, audio)"
    )
    p.add_argument("--token", help="the user's device token (talks to --server)")
    p.add_argument("--user", help="the user's id (operator: acts on the store)")
    p.add_argument("--region", help="ISO 3166-1 alpha-2 region to set")
    p.add_argument("--policy-version", help="the policy version accepted (default: current)")
    p.add_argument("--reason", default="glasses consent", help="recorded in the ledger")
    p.add_argument("--server", help="host:port of the server (default: edge.server)")
    p.add_argument("--timeout", type=float, default=10.0)
    p.set_defaults(func=cmd_consent)

    p = sub.add_parser(
        "export",
        help="export consented, re-scanned samples as a training dataset",
        description="Selects samples whose consent snapshot and live ledger allow training, "
        "re-scans them with the redaction engine, drops near duplicates, and writes WebDataset "
        "shards, index.parquet and a dataset card. Re-running on the same folder resumes.",
    )
    p.add_argument("--out", required=True, help="dataset folder (re-run to resume)")
    p.add_argument("--since", help="logged at or after (ISO date/time, UTC)")
    p.add_argument("--until", help="logged before (ISO date/time, UTC)")
    p.add_argument("--min-policy", help="policy version at least, e.g. 2026-11")
    p.add_argument("--regions", help="comma-separated regions (default: the training regions)")
    p.add_argument("--shard-size", type=int, default=1000, help="samples considered per shard")
    p.add_argument("--dedupe-bits", type=int, default=4, help="pHash distance of a duplicate")
    p.add_argument("--no-rescan", action="store_true", help="skip the redaction re-scan")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args)
    except GlassesError as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # gRPC errors from client commands
        import grpc

        if isinstance(exc, grpc.RpcError):
            print(
                f"{PROG} {args.command}: server said {exc.code().name}: {exc.details()}",
                file=sys.stderr,
            )
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
