"""The history: what the glasses (and this app) sent and what came back,
newest first, a page at a time; one entry in full, with the frame exactly as
it was kept; and deleting one entry, after a page that says what goes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from glasses.app.sessions import Session
from glasses.app.web import checked_form, paired, phone_of, render, sample_id_of

KIND_NAMES = {"question": "Question", "imagine": "Imagine", "riff": "Riff"}
MASK_NAMES = {
    "card_number": ("card number", "card numbers"),
    "face": ("face", "faces"),
    "email": ("e-mail address", "e-mail addresses"),
    "phone": ("phone number", "phone numbers"),
}


def masked_words(masked: dict[str, int]) -> str:
    """ "2 faces, 1 card number masked" (counts by kind, never the content)."""
    parts = []
    for label, n in sorted(masked.items(), key=lambda kv: -kv[1]):
        one, many = MASK_NAMES.get(label, (label.replace("_", " "), label.replace("_", " ")))
        parts.append(f"{n} {one if n == 1 else many}")
    return (", ".join(parts) + " masked") if parts else "nothing masked"


@paired
async def history(request: Request, session: Session) -> Response:
    phone = phone_of(request)
    before = request.query_params.get("before", "")
    page = await phone.client(session).history(phone.config.page_size, before)
    return render(
        request,
        "history.html",
        session=session,
        items=page.items,
        next_token=page.next_token,
        first_page=not before,
        kinds=KIND_NAMES,
        masked_words=masked_words,
        deleted=request.query_params.get("deleted") == "1",
    )


@paired
async def sample(request: Request, session: Session) -> Response:
    view = await phone_of(request).client(session).sample(sample_id_of(request))
    return render(
        request,
        "sample.html",
        session=session,
        view=view,
        item=view.item,
        kinds=KIND_NAMES,
        masked_words=masked_words,
    )


@paired
async def frame(request: Request, session: Session) -> Response:
    """The frame exactly as it was kept (what left the device)."""
    data, media_type = await phone_of(request).client(session).blob(sample_id_of(request), "frame")
    return Response(data, media_type=media_type)


@paired
async def image(request: Request, session: Session) -> Response:
    """One of Imagine's images, byte for byte as sent (watermark and signed
    manifest intact); ``?download=1`` saves it."""
    sample_id, index = sample_id_of(request), request.path_params["index"]
    data, media_type = await phone_of(request).client(session).blob(sample_id, "image", index)
    headers = {}
    if request.query_params.get("download") == "1":
        ext = "png" if media_type == "image/png" else "jpg"
        headers["Content-Disposition"] = f'attachment; filename="imagine_{sample_id}_{index}.{ext}"'
    return Response(data, media_type=media_type, headers=headers)


@paired
async def confirm_delete(request: Request, session: Session) -> Response:
    view = await phone_of(request).client(session).sample(sample_id_of(request))
    return render(request, "delete_sample.html", session=session, item=view.item, kinds=KIND_NAMES)


@paired
async def delete(request: Request, session: Session) -> Response:
    await checked_form(request, session)
    await phone_of(request).client(session).delete(sample_id_of(request))
    return RedirectResponse("/history?deleted=1", 303)


async def home(request: Request) -> Response:
    return RedirectResponse("/history", 303)


ROUTES = [
    Route("/", home),
    Route("/history", history),
    Route("/history/{sample_id}", sample),
    Route("/history/{sample_id}/frame.jpg", frame),
    Route("/history/{sample_id}/image/{index:int}", image),
    Route("/history/{sample_id}/delete", confirm_delete, methods=["GET"]),
    Route("/history/{sample_id}/delete", delete, methods=["POST"]),
]
