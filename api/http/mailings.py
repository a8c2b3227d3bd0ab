"""The mailing links, no login (R-6.3, R-6.4, RFC 8058), and the bounce intake.

- ``GET /u/{token}``: a plain page saying what will happen, with one button. A GET never
  unsubscribes: mail scanners and link previews follow links.
- ``POST /u/{token}``: unsubscribes at once (RFC 8058 one-click: the mail client posts
  ``List-Unsubscribe=One-Click``; the page's button posts the same). 200, no cookie, no
  redirect. A genuine token always succeeds, also twice and after the list was deleted.
- ``GET /m/confirm/{token}``: a page with the confirm button; ``POST`` confirms.
- ``POST /mailings/bounces``: a returned message (DSN or spam report) as the raw body,
  ``Authorization: Bearer <OKNO_MAILING_BOUNCE_SECRET>``; 404 while no secret is set.
"""

from __future__ import annotations

import html
import secrets

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from domain.errors import DomainError
from domain.mailings import service
from domain.mailings.models import ConsentSource

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff", "X-Robots-Tag": "noindex",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                      "form-action 'self'"}
STYLE = ("body{font:18px/1.5 sans-serif;max-width:36em;margin:3em auto;padding:0 1em}"
         "button{font-size:18px;padding:.5em 1.5em}")


def _page(status: int, title: str, text: str, button: str | None = None,
          hidden: str | None = None) -> Response:
    form = ""
    if button:
        field = f'<input type="hidden" name="List-Unsubscribe" value="{hidden}">' \
            if hidden else ""
        form = f'<form method="post">{field}<button type="submit">{html.escape(button)}' \
               "</button></form>"
    body = (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width"><title>{html.escape(title)}</title><style>{STYLE}'
            f"</style></head><body><h1>{html.escape(title)}</h1><p>{html.escape(text)}</p>"
            f"{form}</body></html>")
    return HTMLResponse(body, status_code=status, headers=PRIVATE)


def _status(exc: DomainError) -> int:
    return {"EXPIRED_TOKEN": 410, "INVALID_STATE": 410}.get(str(exc.code), 404)


def _request(request: Request, source: ConsentSource) -> service.Request:
    return service.Request(source, ip=request.client.host if request.client else None,
                           user_agent=request.headers.get("user-agent"))


async def unsubscribe_link(request: Request) -> Response:
    token = request.path_params["token"]
    if request.method == "GET":
        try:
            name = await service.unsubscribe_preview(token, request.app.state.settings)
        except DomainError as exc:
            return _page(_status(exc), "Ссылка не работает", exc.message)
        what = f"от рассылки «{name}»" if name else "от рассылки"
        return _page(200, "Отписаться от рассылки",
                     f"Нажмите кнопку, чтобы отписаться {what}. Писем больше не будет.",
                     "Отписаться", hidden="One-Click")
    try:
        await service.unsubscribe(token, _request(request, ConsentSource.LINK),
                                  request.app.state.settings)
    except DomainError as exc:
        return _page(_status(exc), "Ссылка не работает", exc.message)
    return _page(200, "Вы отписались", "Вы отписались от рассылки. Писем больше не будет.")


async def confirm_link(request: Request) -> Response:
    token = request.path_params["token"]
    if request.method == "GET":
        return _page(200, "Подтверждение подписки",
                     "Нажмите кнопку, чтобы подтвердить подписку на рассылку.", "Подтвердить")
    try:
        subs = await service.confirm(token, _request(request, ConsentSource.FORM),
                                     request.app.state.settings)
    except DomainError as exc:
        return _page(_status(exc), "Подписка не подтверждена", exc.message)
    names = "», «".join(s.mailing_list.name for s in subs)
    return _page(200, "Подписка подтверждена",
                 f"Вы подписаны на рассылку «{names}». Отписаться можно по ссылке в любом "
                 "письме рассылки.")


async def bounce_intake(request: Request) -> Response:
    secret = request.app.state.settings.mailing_bounce_secret
    if not secret:
        return PlainTextResponse("Not found", status_code=404)
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), secret.encode()):
        return PlainTextResponse("Unauthorized", status_code=401,
                                 headers={"WWW-Authenticate": "Bearer"})
    raw = await request.body()
    if not raw:
        return PlainTextResponse("Empty message", status_code=400)
    counts = await service.record_bounce(raw, request.app.state.settings)
    return JSONResponse(counts)
