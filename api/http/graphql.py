"""``POST /graphql`` with a JSON body: the short way through the GraphQL view.

The hot reads of every front end arrive here. Strawberry's HTTP view builds request and
response adapters, parses the content type and the body in several steps and answers
through Starlette's ``Response``; this reads the body once, decodes it with orjson, runs the
same schema with the same context and sends the bytes. What it does not know as its own
goes to the stock view unchanged, body included: other content types, ``Idempotency-Key``
(api/idempotency.py), batches, bodies that are not one operation with well-typed fields,
and streaming ``Accept`` types. ``tests/api/platform/test_graphql_post.py`` checks that both
ways give the same answers, statuses and headers.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import process_result
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from api.auth import InvalidToken, authenticate
from api.context import Context
from api.observability import client_app_var

_POST = OperationType.from_http("POST")


def _replay(body: bytes) -> Receive:
    """A ``receive`` that hands the stock view the body this path has already read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


_NOT_AN_OBJECT = ("", None, None, None)


def _operation(body: bytes) -> tuple[str, dict | None, str | None, dict | None] | None:
    """query, variables, operationName and extensions, when the body is one operation whose
    fields have the types the stock view accepts; None sends it the stock way, and
    ``_NOT_AN_OBJECT`` is refused."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(data) is not dict:
        return None if type(data) is list else _NOT_AN_OBJECT
    query, variables = data.get("query"), data.get("variables")
    name, extensions = data.get("operationName"), data.get("extensions")
    if type(query) is not str or not query or not (variables is None or type(variables) is dict) \
            or not (name is None or type(name) is str) \
            or not (extensions is None or type(extensions) is dict):
        return None
    return query, variables, name, extensions


class JsonPost:
    """``POST /graphql`` with ``Content-Type: application/json``, for ``api/http/front.py``."""

    def __init__(self, view: Any) -> None:
        self.stock = view  # api/app.py GraphQLView, as an ASGI app: the stock way
        self.sub_response = view.get_sub_response
        self.schema = view.schema
        self.settings = view.settings
        self.streams = bool(view._stream_transport_map)
        self.fastpath = view.fastpath

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        content_type = authorization = b""
        stock = False
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value
            elif name == b"authorization":
                authorization = value
            elif name == b"idempotency-key" or (name == b"accept" and self.streams):
                stock = True  # not this path's to answer
        if stock or not content_type.lower().startswith(b"application/json"):
            await self.stock(scope, receive, send)
            return
        body = await _read(receive)
        operation = _operation(body)
        if operation is _NOT_AN_OBJECT:  # the stock view fails on these with a 500
            await _plain(400, "The request body must be a JSON object: one GraphQL operation.",
                         scope, receive, send)
            return
        if operation is None:
            await self.stock(scope, _replay(body), send)
            return
        try:
            actor = await authenticate(authorization.decode("latin-1") or None, self.settings)
        except InvalidToken:
            await self.stock(scope, _replay(body), send)  # the stock 401
            return
        request = Request(scope, _replay(body))
        request._body = body  # read once, here
        sub_response = await self.sub_response(request)
        context = Context(request=request, response=sub_response, settings=self.settings,
                          actor=actor, client_app=client_app_var.get())
        try:
            answer = await self.execute(context, *operation)
        except (CannotGetOperationTypeError, MissingQueryError) as error:
            reason = (error.as_http_error_reason() if isinstance(error, CannotGetOperationTypeError)
                      else "No GraphQL query found in the request")
            await _plain(400, reason, scope, receive, send)
            return
        except InvalidOperationTypeError as error:
            await _plain(400, error.as_http_error_reason("POST"), scope, receive, send)
            return
        headers = [(b"content-length", str(len(answer)).encode()),
                   (b"content-type", b"application/json"), *sub_response.headers.raw]
        await send({"type": "http.response.start", "status": sub_response.status_code or 200,
                    "headers": headers})
        await send({"type": "http.response.body", "body": answer})
        if sub_response.background is not None:
            await sub_response.background()

    async def execute(self, context: Context, query: str, variables: dict | None,
                      operation_name: str | None, extensions: dict | None) -> bytes:
        """The one place a ``POST /graphql`` operation runs (the executor's fast path hooks in
        here, before the stock executor)."""
        if not extensions:
            body = await self.fastpath.execute(context, query, variables, operation_name)
            if body is not None:
                return body
        result = await self.schema.execute(
            query, root_value=None, variable_values=variables, context_value=context,
            operation_name=operation_name, allowed_operation_types=_POST,
            operation_extensions=extensions)
        return orjson.dumps(process_result(result))


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _plain(status: int, text: str, scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse(text, status_code=status)(scope, receive, send)
