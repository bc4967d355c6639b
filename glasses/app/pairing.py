"""Pairing this phone with a one-time code, and ending its session.

``glasses consent enrol`` prints a code (and a QR code of this app's
``/pair?code=…`` address). The form sends it to ``Devices.Pair``, which
enrols this phone as a device of its own (``app.device_id`` and a short
random suffix, so each pairing can be revoked alone); its token is kept in
the session store, never in the page. Before a session exists, the form is
guarded by a double-submit token: a random value in a ``__Host-`` cookie and
the same value in the form.
"""

from __future__ import annotations

import contextlib
import hmac
import secrets

import grpc
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from edge.phone_client import pair
from glasses.app.sessions import Session
from glasses.app.web import (
    COOKIE,
    COOKIE_FLAGS,
    check_origin,
    checked_form,
    paired,
    phone_of,
    render,
    session_of,
    signed_out,
)

PAIR_COOKIE = "__Host-glasses-pair"


async def pair_page(request: Request, error: str = "", status: int = 200) -> Response:
    guard = secrets.token_urlsafe(24)
    ended = request.query_params.get("ended") == "1"
    response = render(
        request,
        "pair.html",
        status,
        guard=guard,
        code=request.query_params.get("code", "")[:32],
        error=error,
        ended=ended,
        deleted=int(d) if (d := request.query_params.get("deleted", "")).isdecimal() else None,
    )
    response.set_cookie(PAIR_COOKIE, guard, max_age=1800, **COOKIE_FLAGS)
    return response


async def pair_submit(request: Request) -> Response:
    check_origin(request)
    form = await request.form()
    guard = request.cookies.get(PAIR_COOKIE, "")
    if not guard or not hmac.compare_digest(guard, str(form.get("guard", ""))):
        return await pair_page(request, "This form is out of date; enter the code again.", 403)
    phone = phone_of(request)
    code = str(form.get("code", "")).strip()
    if not code:
        return await pair_page(request, "Enter the pairing code.", 400)
    device_id = f"{phone.config.device_id}-{secrets.token_hex(3)}"
    try:
        token, device_id = await pair(phone.channel, code, device_id, phone.config.timeout_s)
    except grpc.aio.AioRpcError as exc:
        if exc.code() == grpc.StatusCode.UNAUTHENTICATED:
            return await pair_page(request, exc.details() or "That code is not valid.", 400)
        raise
    if (earlier := session_of(request)) is not None:  # paired again: the old key goes
        with contextlib.suppress(grpc.aio.AioRpcError):
            await phone.client(earlier).revoke_device(earlier.device_id)
        phone.sessions.end_token(earlier.token)
    session_id, _ = phone.sessions.create(token, device_id)
    response = RedirectResponse("/history", 303)
    response.set_cookie(
        COOKIE, session_id, max_age=int(phone.config.session_days * 86400), **COOKIE_FLAGS
    )
    response.delete_cookie(PAIR_COOKIE, **COOKIE_FLAGS)
    return response


@paired
async def confirm_end_session(request: Request, session: Session) -> Response:
    return render(request, "unpair.html", session=session)


@paired
async def end_session(request: Request, session: Session) -> Response:
    """Unpair this phone: its token is revoked on the server, its session ended."""
    await checked_form(request, session)
    phone = phone_of(request)
    await phone.client(session).revoke_device(session.device_id)
    phone.sessions.end_token(session.token)
    return signed_out("/pair")


ROUTES = [
    Route("/pair", pair_page, methods=["GET"]),
    Route("/pair", pair_submit, methods=["POST"]),
    Route("/session/end", confirm_end_session, methods=["GET"]),
    Route("/session/end", end_session, methods=["POST"]),
]
