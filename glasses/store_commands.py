"""``glasses consent`` and ``glasses export``: the commands that work on the
sample store and its consent ledger (as an operator), or on a user's consent
over gRPC (as the user's phone app)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from core.errors import GlassesError
from glasses.config import edge_from_args, from_args


def cmd_consent(args: argparse.Namespace) -> int:
    """As the phone app (``--token``, over gRPC) or as an operator (``--user``, on the store)."""
    if args.action == "enrol":
        return _consent_enrol(args)
    if args.token:
        return _consent_over_grpc(args)
    if args.user or args.action == "verify":
        return _consent_operator(args)
    raise GlassesError(
        "say whose consent: --token TOKEN (as the user's device, over gRPC) or "
        "--user USER_ID (as an operator, directly on the configured store)"
    )


def _open_store(args: argparse.Namespace):  # noqa: ANN202
    from server.components import build_store

    config = from_args(args)
    return config, build_store(config.server.store)


def _consent_enrol(args: argparse.Namespace) -> int:
    from server.accounts import Accounts

    if not args.scopes or len(args.scopes) != 1:
        raise GlassesError("usage: glasses consent enrol DEVICE_ID [--user USER_ID]")
    config, store = _open_store(args)
    try:
        accounts = Accounts(store)
        caller, token = accounts.enrol(args.scopes[0], args.user or "")
        code = accounts.pairing_code(caller.user_id)
    finally:
        store.close()
    print(f"user: {caller.user_id}\ndevice: {caller.device_id}\ntoken: {token}")
    print("(the token is shown once; only its hash is stored)", file=sys.stderr)
    _print_pairing(code, config.app)
    return 0


def _print_pairing(code: str, app) -> None:  # noqa: ANN001 - glasses.app.config.CompanionConfig
    """The phone's one-time pairing code, as text, a terminal QR code and a PNG."""
    from glasses.app.qr import show_pairing
    from glasses.app.serve import pairing_url

    png = Path(app.sessions).expanduser().parent / "pairing.png"
    show_pairing(code, pairing_url(app, code), png)


def _scopes(names: list[str]):  # noqa: ANN202
    from core.frames import Scope

    known = {s.name.lower(): s for s in Scope}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise GlassesError(f"unknown scope(s) {unknown}; use {', '.join(known)}")
    return [known[n] for n in names]


def _consent_lines(snapshot) -> str:  # noqa: ANN001 - core.frames.ConsentSnapshot
    from core.frames import scope_names

    return (
        f"scopes: {','.join(scope_names(snapshot.scopes))}\nregion: {snapshot.region}\n"
        f"policy: {snapshot.policy_version or '-'}\n"
        f"ledger entry: {snapshot.ledger_entry_id or '-'}"
    )


def _consent_operator(args: argparse.Namespace) -> int:
    from server.consent import ConsentLedger

    config, store = _open_store(args)
    try:
        ledger = ConsentLedger(store, config.server.consent.policy())
        if args.action == "verify":
            print(f"consent ledger verifies: {ledger.verify()} entries")
            return 0
        if args.action != "get":
            scopes = _scopes(args.scopes)
            ledger.update(
                args.user,
                grant=scopes if args.action == "grant" else (),
                revoke=scopes if args.action == "revoke" else (),
                region=args.region or "",
                policy_version=args.policy_version or ledger.policy.policy_version,
                actor="operator:cli",
                reason=args.reason,
            )
        now = ledger.current(args.user)
    finally:
        store.close()
    print(f"user: {args.user}\n{_consent_lines(now)}")
    return 0


def _consent_over_grpc(args: argparse.Namespace) -> int:
    from edge.channel import connect
    from edge.consent_client import ConsentClient
    from edge.uplink import bearer

    if args.action not in ("get", "grant", "revoke"):
        raise GlassesError(f"'{args.action}' is an operator action; use --user, not --token")
    edge = edge_from_args(args, server=args.server, token=args.token)

    async def run():  # noqa: ANN202 - core.frames.ConsentState
        async with connect(edge) as channel:
            client = ConsentClient(channel, bearer(edge.token), timeout=args.timeout)
            if args.action == "get":
                return await client.get()
            change = client.grant if args.action == "grant" else client.revoke
            return await change(
                _scopes(args.scopes),
                region=args.region or "",
                policy_version=args.policy_version or "",
                reason=args.reason,
            )

    state = asyncio.run(run())
    print(_consent_lines(state.snapshot))
    print(f"training offered in: {', '.join(state.training_regions) or '-'}")
    return 0


def _instant_ns(text: str | None, default: int) -> int:

    if not text:
        return default
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise GlassesError(
            f"'{text}' is not a date or time; use e.g. 2026-11-01 or 2026-11-01T12:00"
        ) from None
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp() * 1e9)


def cmd_export(args: argparse.Namespace) -> int:
    from edge.components import build_redactor
    from server.consent import ConsentLedger
    from server.export import Exporter, ExportSpec
    from server.export.batch import redaction_scan
    from server.export.run import FOREVER

    config, store = _open_store(args)
    try:
        spec = ExportSpec(
            since_ns=_instant_ns(args.since, 0),
            until_ns=_instant_ns(args.until, FOREVER),
            min_policy=args.min_policy or "",
            regions=tuple(r.strip().upper() for r in args.regions.split(","))
            if args.regions
            else (),
            shard_size=args.shard_size,
            rescan=not args.no_rescan,
            dedupe_bits=args.dedupe_bits,
        )
        scan, versions = None, {}
        if spec.rescan:
            redactor = build_redactor(config.models, config.edge.redaction)
            scan = redaction_scan(redactor)
            versions = {d.name: d.version for d in redactor.detectors}
        ledger = ConsentLedger(store, config.server.consent.policy())
        result = Exporter(store, ledger, Path(args.out), spec, scan, versions).run(
            progress=False if args.no_progress else None
        )
    finally:
        store.close()
    reasons = ", ".join(f"{r}: {n}" for r, n in sorted(result.excluded.items())) or "none"
    print(
        f"exported {result.included} of {result.considered} samples into {result.out} "
        f"({len(result.shards)} shard(s), index.parquet, README.md); excluded: {reasons}"
    )
    return 0
