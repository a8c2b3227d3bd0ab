"""The plain pages behind a booking's signed links (R-4.6, R-4.4), for citizens without a
login: ``/reception/cancel/{token}`` and ``/reception/accept/{token}``.

A GET only shows what will happen (official, date and local time, address) and asks to
confirm with a POST form: mail scanners and link previews fetch links, so a GET never
changes anything. The POST does it and shows the result. The token in the URL is the only
permission (no cookies, hence no cross-site request to forge). A forged or unknown link
is 404, an expired or stale one 410, a refused accept (used, or the booking cancelled) 409,
each a short Russian page; never a 500.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from domain.deliveries.rendering import datetime_ru
from domain.errors import DomainError, ErrorCode
from domain.reception import by_link

PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer",
           "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                      "form-action 'self'"}
STATUS = {ErrorCode.INVALID_TOKEN: 404, ErrorCode.EXPIRED_TOKEN: 410,
          ErrorCode.INVALID_STATE: 409}
STYLE = ("body{font-family:Arial,Helvetica,sans-serif;font-size:18px;line-height:1.5;"
         "color:#1a1a1a;max-width:640px;margin:24px auto;padding:0 16px}"
         "button{font-size:18px;padding:12px 24px;border-radius:4px;border:0;"
         "background:#0b57d0;color:#fff;cursor:pointer}dt{font-weight:bold}")


def _page(title: str, body: Markup | str, status: int = 200) -> Response:
    html = Markup(
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{title}</title><style>{style}</style></head><body><h1>{title}</h1>{body}"
        "</body></html>").format(title=title, style=Markup(STYLE), body=body)
    # The token stays out of caches, other sites' Referer headers and frames.
    return HTMLResponse(str(html), status_code=status, headers=PRIVATE)


def _details(view: by_link.LinkView) -> Markup:
    when: datetime = view.starts_at
    rows = [("Кто примет", f"{view.official_name}, {view.official_position}"
             if view.official_position else view.official_name),
            ("Когда", f"{datetime_ru(when)} (время местное)"),
            ("Где", view.place)]
    if view.directions:
        rows.append(("Как добраться", view.directions))
    if view.accessibility:
        rows.append(("Доступность", ", ".join(view.accessibility)))
    return Markup("<dl>{}</dl>").format(Markup("").join(
        Markup("<dt>{}</dt><dd>{}</dd>").format(k, v) for k, v in rows))


def _form(label: str) -> Markup:
    # action="" posts back to this very URL (the token stays where it is).
    return Markup('<form method="post" action=""><button type="submit">{}</button></form>'
                  ).format(label)


def _error(exc: DomainError) -> Response:
    return _page("Ссылка не сработала", Markup("<p>{}</p>").format(exc.message),
                 STATUS.get(exc.code, 400))


async def _guarded(call: Callable[[], Awaitable[Response]]) -> Response:
    try:
        return await call()
    except DomainError as exc:
        return _error(exc)


async def cancel_page(request: Request) -> Response:
    token = request.path_params["token"]
    settings = request.app.state.settings

    async def show() -> Response:
        if request.method == "POST":
            view = await by_link.cancel_by_token(token, settings)
            return _page("Запись отменена", Markup(
                "<p>Ваша запись на личный приём отменена. Время освободилось для других "
                "посетителей.</p>{}").format(_details(view)))
        view = await by_link.cancel_preview(token, settings)
        if view.already_cancelled:
            return _page("Запись уже отменена", Markup(
                "<p>Эта запись на личный приём уже отменена.</p>{}").format(_details(view)))
        return _page("Отменить запись на приём?", Markup(
            "<p>Вы отменяете запись на личный приём:</p>{}"
            "<p>Если передумаете, записаться снова можно на сайте или по линии "
            "консультаций, пока время свободно.</p>{}").format(
                _details(view), _form("Да, отменить запись")))

    return await _guarded(show)


async def accept_page(request: Request) -> Response:
    token = request.path_params["token"]
    settings = request.app.state.settings

    async def show() -> Response:
        if request.method == "POST":
            view = await by_link.accept_by_token(token, settings)
            return _page("Запись подтверждена", Markup(
                "<p>Спасибо! Ждём вас на приёме.</p>{}").format(_details(view)))
        view = await by_link.accept_preview(token, settings)
        if view.accepted:
            return _page("Запись уже подтверждена", Markup(
                "<p>Вы уже подтвердили эту запись. Ждём вас на приёме.</p>{}").format(
                    _details(view)))
        return _page("Подтвердить изменённую запись?", Markup(
            "<p>Ваша запись на личный приём теперь такая:</p>{}{}").format(
                _details(view), _form("Да, мне подходит")))

    return await _guarded(show)

