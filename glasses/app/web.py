"""The companion app's web layer: the Starlette application, its pages'
common parts, and what every response carries.

- **Everything is served from here**: templates, CSS, the one script, the
  PWA manifest and icons; nothing from a CDN. The Content-Security-Policy
  allows only this origin (no inline script or style).
- **The session**: the browser holds an opaque id in an HttpOnly, Secure,
  SameSite=Strict ``__Host-`` cookie; the device token stays in
  :class:`~glasses.app.sessions.Sessions`. Every change is a POST that must
  carry the session's CSRF token and come from this origin.
- **Failures reach the wearer as a page that says what happened**: the
  server unreachable (503), the phone's access revoked or the data deleted
  (the session ends, back to pairing), not found, refused with the server's
  reason. Logs hold the route, the status and the time, never a path's ids,
  a prompt or a token.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import grpc
import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from edge.consent_client import ConsentClient
from edge.imagine_client import ImagineClient
from edge.phone_client import PhoneClient
from edge.redaction import Redactor
from edge.uplink import bearer
from glasses.app.config import CompanionConfig
from glasses.app.sessions import Session, Sessions

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
COOKIE = "__Host-glasses"
COOKIE_FLAGS = {"path": "/", "secure": True, "httponly": True, "samesite": "strict"}
SAMPLE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # what the server's sample ids look like
MAX_UPLOAD_BYTES = 20 << 20  # a phone photo, or an imagined PNG to verify
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # "no-referrer" makes a form's Origin "null"
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}


@dataclass
class Phone:
    """What every page needs: settings, sessions, the channel to the server."""

    config: CompanionConfig
    sessions: Sessions
    channel: grpc.aio.Channel
    server: str  # host:port, for messages
    redactor: Callable[[], Redactor]  # the edge's redaction engine, built on first use

    def client(self, session: Session) -> PhoneClient:
        """History, devices, the ledger and my data, as this phone."""
        return PhoneClient(self.channel, bearer(session.token), self.config.timeout_s)

    def consent(self, session: Session) -> ConsentClient:
        return ConsentClient(self.channel, bearer(session.token), self.config.timeout_s)

    def imagine(self, session: Session) -> ImagineClient:
        return ImagineClient(self.channel, bearer(session.token), session.device_id)


_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _when(ns: int) -> str:
    if not ns:
        return "-"
    return datetime.fromtimestamp(ns / 1e9, UTC).strftime("%Y-%m-%d %H:%M UTC")


_TEMPLATES.filters["when"] = _when
_TEMPLATES.filters["iso"] = lambda ns: datetime.fromtimestamp(ns / 1e9, UTC).isoformat()
_TEMPLATES.filters["percent"] = lambda f: f"{f * 100:.0f} %"


def phone_of(request: Request) -> Phone:
    return request.app.state.phone


def session_of(request: Request) -> Session | None:
    return phone_of(request).sessions.get(request.cookies.get(COOKIE, ""))


def render(
    request: Request, name: str, status: int = 200, session: Session | None = None, **context
) -> HTMLResponse:
    """Page ``name`` with ``context``; ``session`` gives its forms their CSRF token."""
    html = _TEMPLATES.get_template(name).render(
        csrf=session.csrf if session else "",
        paired=session is not None,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status)


def paired(handler: Callable) -> Callable:
    """A page for a paired phone: ``handler(request, session)``; unpaired, to /pair.
    The cookie's lifetime starts again with each use, as the session's does."""

    @functools.wraps(handler)
    async def page(request: Request) -> Response:
        session = session_of(request)
        if session is None:
            return RedirectResponse("/pair", 303)
        request.state.token = session.token  # for the error handler: end it if refused
        response = await handler(request, session)
        if "set-cookie" not in response.headers:  # not signed out by the handler
            max_age = int(phone_of(request).config.session_days * 86400)
            response.set_cookie(COOKIE, request.cookies[COOKIE], max_age=max_age, **COOKIE_FLAGS)
        return response

    return page


def sample_id_of(request: Request) -> str:
    """The path's sample id, when it is shaped like one (else 404 before any call)."""
    sample_id = request.path_params["sample_id"]
    if not SAMPLE_ID.match(sample_id):
        raise HTTPException(404, "there is no such entry in your history")
    return sample_id


async def read_upload(form: FormData, field: str, what: str) -> bytes:
    """The bytes of an uploaded file, at most MAX_UPLOAD_BYTES."""
    upload = form.get(field)
    if not (isinstance(upload, UploadFile) and upload.filename):
        raise HTTPException(400, f"choose {what}")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, f"{what} is over {MAX_UPLOAD_BYTES >> 20} MB; send a smaller one")
    return data


async def checked_form(request: Request, session: Session) -> FormData:
    """The POSTed form, once it is shown to come from this app's own page."""
    check_origin(request)
    form = await request.form()
    if not session.csrf_ok(str(form.get("csrf", ""))):
        raise HTTPException(403, "this form is out of date; go back, reload and send it again")
    return form


def signed_out(url: str) -> RedirectResponse:
    """To ``url``, the session cookie gone (the session itself was ended)."""
    response = RedirectResponse(url, 303)
    response.delete_cookie(COOKIE, **COOKIE_FLAGS)
    return response


def check_origin(request: Request) -> None:
    """A change must come from this origin (a second guard beside the CSRF token)."""
    origin = request.headers.get("origin")
    if origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}":
        raise HTTPException(403, "a change must come from this app's own page")


def _rpc_error(request: Request, exc: grpc.aio.AioRpcError) -> Response:
    code, details = exc.code(), exc.details() or ""
    phone = phone_of(request)
    if code == grpc.StatusCode.UNAUTHENTICATED:
        token = getattr(request.state, "token", "")
        if token:
            phone.sessions.end_token(token)
        return signed_out("/pair?ended=1")
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        title, status = "The server cannot be reached", 503
        message = (
            f"The server at {phone.server} did not answer. Nothing on this phone was lost: "
            "try again in a moment."
        )
    elif code == grpc.StatusCode.NOT_FOUND:
        title, status, message = "Not found", 404, details
    elif code == grpc.StatusCode.PERMISSION_DENIED:
        title, status, message = "Not allowed by your consent", 403, details
    elif code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION):
        title, status, message = "Refused", 400, details
    else:
        title, status, message = "The server could not do this", 502, details
    log.info("server refused a page's call: %s", code.name)
    session = session_of(request)
    return render(request, "error.html", status, session, title=title, message=message)


def _crash(request: Request, exc: Exception) -> Response:
    """Anything unforeseen: a page that says so; the log names the error's type only
    (its message may hold what the wearer sent)."""
    log.error("a page failed: %s", type(exc).__name__)
    return render(
        request,
        "error.html",
        500,
        session_of(request),
        title="Something went wrong",
        message="This page failed on the phone. Nothing was sent or lost; try again.",
    )


def _http_error(request: Request, exc: HTTPException) -> Response:
    titles = {403: "Not allowed", 404: "Not found", 405: "Not allowed"}
    return render(
        request,
        "error.html",
        exc.status_code,
        session_of(request),
        title=titles.get(exc.status_code, "Something went wrong"),
        message=exc.detail,
    )


async def _headers(request: Request, call_next: Callable) -> Response:
    """Security headers on everything (error pages too); no caching of personal
    pages; one log line per request with the route's pattern, never its ids."""
    t0 = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception as exc:  # noqa: BLE001 - anything unforeseen: a page, not a traceback
        response = _crash(request, exc)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    route = request.scope.get("route")
    log.info(
        "%s %s %d %.0f ms",
        request.method,
        getattr(route, "path", "?"),
        response.status_code,
        (time.perf_counter() - t0) * 1e3,
    )
    return response


def create_app(phone: Phone, routes: list[Route]) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202
        yield
        phone.sessions.close()

    async def service_worker(request: Request) -> Response:
        # served from the root so that it may look after every page of the app
        return FileResponse(HERE / "static" / "sw.js", media_type="text/javascript")

    app = Starlette(
        routes=[
            *routes,
            Route("/sw.js", service_worker),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        exception_handlers={grpc.aio.AioRpcError: _rpc_error, HTTPException: _http_error},
        middleware=[Middleware(BaseHTTPMiddleware, dispatch=_headers)],
        lifespan=lifespan,
    )
    app.state.phone = phone
    return app
