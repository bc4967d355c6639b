"""Consent and rights, and devices: each scope with what it means and its
state, grant and revoke, the region; the ledger's history of every change
with the wearer's own check of it; download my data; delete my data (after a
page that names what goes); the devices enrolled, and revoking one."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from core.frames import Scope
from glasses.app.ledger_check import check
from glasses.app.sessions import Session
from glasses.app.web import checked_form, paired, phone_of, render, signed_out

# What each scope means, in the words the wearer reads before choosing.
SCOPES = {
    Scope.ASSIST: (
        "Answer my questions",
        "Your glasses send your question, with the part of the view it needs (card numbers, "
        "other personal text and bystanders' faces masked first), and the answer comes back. "
        "Off: your glasses answer nothing and imagine nothing.",
    ),
    Scope.HISTORY: (
        "Keep my history",
        "What you asked, the frame as sent and the answer are kept so that you can see them "
        "here. Off: they are deleted once answered.",
    ),
    Scope.TRAINING: (
        "Use for training",
        "Your kept questions and frames, as redacted and checked again, may be used to train "
        "models. Off: never used; turning it off takes effect at once, before any export.",
    ),
    Scope.AUDIO: (
        "Send raw audio",
        "Your glasses may send the sound of your question. Off: only the transcript, made on "
        "the glasses and redacted there, leaves them.",
    ),
}


@paired
async def consent(request: Request, session: Session) -> Response:
    phone = phone_of(request)
    state = await phone.consent(session).get()
    ledger = await phone.client(session).ledger()
    return render(
        request,
        "consent.html",
        session=session,
        state=state,
        snapshot=state.snapshot,
        scopes=[(s.name.lower(), *SCOPES[s], s in state.snapshot.scopes) for s in SCOPES],
        records=list(reversed(ledger.records)),
        ledger=ledger,
        mine=check(ledger.records),
        changed=request.query_params.get("changed") == "1",
    )


@paired
async def change_scope(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    names = {s.name.lower(): s for s in SCOPES}
    scope, turn = names.get(str(form.get("scope"))), str(form.get("turn"))
    if scope is None or turn not in ("on", "off"):
        raise HTTPException(400, "choose a scope and whether to turn it on or off")
    client = phone_of(request).consent(session)
    if turn == "on":
        policy = str(form.get("policy", ""))
        await client.grant([scope], policy_version=policy, reason="companion app")
    else:
        await client.revoke([scope], reason="companion app")
    return RedirectResponse("/consent?changed=1", 303)


@paired
async def change_region(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    region = str(form.get("region", "")).strip().upper()
    await phone_of(request).consent(session).update(region=region, reason="companion app")
    return RedirectResponse("/consent?changed=1", 303)


@paired
async def export(request: Request, session: Session) -> Response:
    """Everything kept about the wearer, as the server's zip, streamed through."""
    chunks = phone_of(request).client(session).export_my_data()
    first = await anext(chunks, b"")  # a refusal shows as a page, not a broken download

    async def body():  # noqa: ANN202
        yield first
        async for chunk in chunks:
            yield chunk

    headers = {"Content-Disposition": 'attachment; filename="my-glasses-data.zip"'}
    return StreamingResponse(body(), media_type="application/zip", headers=headers)


@paired
async def confirm_delete_all(request: Request, session: Session) -> Response:
    client = phone_of(request).client(session)
    page, devices, ledger = await client.history(1), await client.devices(), await client.ledger()
    return render(
        request,
        "delete_all.html",
        session=session,
        total=page.total,
        devices=devices,
        ledger_entries=len(ledger.records),
    )


@paired
async def delete_all(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    if form.get("understood") != "yes":
        raise HTTPException(400, "tick the box that says you understand, then delete")
    phone = phone_of(request)
    samples, _ = await phone.client(session).delete_my_data()
    phone.sessions.end_token(session.token)  # its key went with the data
    return signed_out(f"/pair?deleted={samples}")


@paired
async def devices(request: Request, session: Session) -> Response:
    listed = await phone_of(request).client(session).devices()
    revoked = request.query_params.get("revoked") == "1"
    return render(request, "devices.html", session=session, devices=listed, revoked=revoked)


@paired
async def confirm_revoke_device(request: Request, session: Session) -> Response:
    device_id = request.query_params.get("device", "")[:64]
    listed = {d.device_id for d in await phone_of(request).client(session).devices()}
    if device_id not in listed:
        raise HTTPException(404, "no such device is enrolled to you")
    this_device = device_id == session.device_id
    return render(
        request, "revoke_device.html", session=session, device_id=device_id, this_device=this_device
    )


@paired
async def revoke_device(request: Request, session: Session) -> Response:
    form = await checked_form(request, session)
    device_id = str(form.get("device_id", ""))
    phone = phone_of(request)
    await phone.client(session).revoke_device(device_id)
    if device_id == session.device_id:  # this phone: its session ends with its key
        phone.sessions.end_token(session.token)
        return signed_out("/pair?ended=1")
    return RedirectResponse("/devices?revoked=1", 303)


ROUTES = [
    Route("/consent", consent),
    Route("/consent/scope", change_scope, methods=["POST"]),
    Route("/consent/region", change_region, methods=["POST"]),
    Route("/consent/export", export),
    Route("/consent/delete", confirm_delete_all, methods=["GET"]),
    Route("/consent/delete", delete_all, methods=["POST"]),
    Route("/devices", devices),
    Route("/devices/revoke", confirm_revoke_device, methods=["GET"]),
    Route("/devices/revoke", revoke_device, methods=["POST"]),
]
