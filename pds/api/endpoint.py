"""One decorator per vendor API endpoint: what it needs and what it gives, declared.

::

    @endpoint(bp, "GET", "/purchases", scope="purchases:read",
              query=ApiPurchaseQuerySchema, response=PurchasePageSchema)
    def list_purchases(access: VendorAccess, query: dict[str, Any]) -> Any:
        \"\"\"Purchases within the grant, newest first (cursor pagination)\"\"\"
        return services().vendor_view.purchases(access.grant, query)._asdict()

The decorator routes the view and does the rest, in this order:

1. authenticates: a live token whose grant has ``scope`` (``pds.auth.vendor_access``;
   401/403 with the RFC 6750 challenge);
2. rate-limits per vendor: 429 with ``Retry-After``, before anything is audited, so a
   flood of refused calls does not flood the audit log;
3. then, audited (``pds.auth.audited``: one access log entry per call, refused or not):
   loads and validates the ``query`` and the JSON ``body`` with their schemas (415, 400,
   422) and hands the view their validated storage form (the services check them again:
   they are the domain's gate for every surface); calls the view; shapes what it
   returns with the ``response`` schema (nothing undeclared leaves; ETag and 304 on a
   GET); the entry's record count is derived from what the view returned: the number
   of ``items`` of a listing (``ListingSchema``), else 1, or 0 for no answer.

The view's docstring is the operation's summary. The declaration stays with the view
(``DeclaredView.operation``): ``pds.api.openapi`` builds the OpenAPI document from the
app's routes and these declarations, so the two cannot disagree.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import update_wrapper
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import Schema

from pds.api.conventions import json_body, rate_limiter, respond
from pds.auth import VendorAccess, audited, records_in, vendor_access
from pds.errors import RateLimited
from pds.schemas import dump, load
from pds.schemas.common import ListingSchema
from pds.services.vendor_text import without_invisible

#: The problems every operation may answer: no valid token, not the scope, too many calls.
ALWAYS = (401, 403, 429)
#: ... and every operation that reads a JSON body: not JSON, too large, not the media type.
WITH_BODY = (400, 413, 415)


@dataclass(frozen=True)
class Answer:
    """One successful answer of an operation, as the document describes it."""

    status: int
    description: str
    example: Any = None
    location: bool = False  # it carries a Location header (the created record's URL)


@dataclass(frozen=True)
class Reply:
    """What a view answers with when it is not the declared first answer: ``data`` (the
    storage form of the record or listing), its ``status`` and extra ``headers``."""

    data: Any
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """What one endpoint declares: the OpenAPI operation is made from it."""

    method: str
    summary: str
    scope: str | None  # None: any consent grant's token (``/me``)
    response: type[Schema] | None  # None: no body
    query: type[Schema] | None
    body: type[Schema] | None
    body_example: Any
    answers: tuple[Answer, ...]
    problems: tuple[int, ...]  # the problem statuses it may answer, sorted
    records: str | None = None  # the kind of the owner's records it returns (access log)

    @property
    def scopes(self) -> tuple[str, ...]:
        return (self.scope,) if self.scope else ()

    @property
    def listing(self) -> bool:
        return self.response is not None and issubclass(self.response, ListingSchema)


class DeclaredView:
    """A vendor API view with its ``Operation``: the function Flask calls for the route."""

    def __init__(self, view: Callable[..., Any], operation: Operation) -> None:
        update_wrapper(self, view)
        self.view = view
        self.operation = operation
        self._query = operation.query() if operation.query else None
        self._body = operation.body() if operation.body else None
        self._response = operation.response() if operation.response else None

    def __call__(self, **path_arguments: str) -> Response:
        access = vendor_access(*self.operation.scopes)
        wait = rate_limiter().take(access.client_id)
        if wait:
            raise RateLimited(wait)
        reply = audited(
            access, lambda: self._answer(access, path_arguments), self._records, self._seen
        )
        return self._respond(reply)

    def _answer(self, access: VendorAccess, arguments: dict[str, str]) -> Reply:
        inputs: dict[str, Any] = dict(arguments)
        if self._query is not None:
            query = load(self._query, request.args.to_dict(), what="query")
            inputs["query"] = dump(self._query, query)
        if self._body is not None:
            what = _noun(type(self._body))
            body = load(self._body, without_invisible(json_body()), what=what)
            inputs["body"] = dump(self._body, body)
        answer = self.view(access, **inputs)
        return answer if isinstance(answer, Reply) else Reply(answer)

    def _records(self, reply: Reply) -> int:
        return records_in(reply.data, listing=self.operation.listing)

    def _seen(self, reply: Reply) -> list[str]:
        """Which of the owner's records the answer holds, as ``"<kind>:<id>"`` (a
        preference by its key), for "what has this vendor seen"."""
        kind = self.operation.records
        if kind is None or reply.data is None:
            return []
        items = reply.data["items"] if self.operation.listing else [reply.data]
        key = "key" if kind == "preference" else "id"
        return [f"{kind}:{item[key]}" for item in items]

    def _respond(self, reply: Reply) -> Response:
        status = reply.status or self.operation.answers[0].status
        if self._response is None or reply.data is None:
            return Response(status=status, headers=reply.headers)
        return respond(self._response, reply.data, status, reply.headers)


def endpoint(
    bp: Blueprint,
    method: str,
    path: str,
    *,
    scope: str | None,
    response: type[Schema] | None,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    body_example: Any = None,
    answers: tuple[Answer, ...] | None = None,
    problems: tuple[int, ...] | None = None,
    records: str | None = None,
) -> Callable[[Callable[..., Any]], DeclaredView]:
    """Route ``method path`` of ``bp`` to the view, declared as above.

    ``answers``: the successful answers (default: 200 "OK", or 204 without a
    ``response``); the view's plain return value is the first one, a ``Reply`` says
    which. ``problems``: the statuses besides authentication and the rate limit this
    operation may answer with problem details (default: 404 and 422, and 409 for a
    write); 400, 413 and 415 are added when it reads a ``body``. ``records``: the kind
    of the owner's records it returns (``purchase``, ``preference``): the access log
    keeps which ones each call was sent.
    """
    method = method.upper()
    if answers is None:
        answers = (Answer(200, "OK"),) if response is not None else (Answer(204, "No content"),)
    if problems is None:
        problems = (404, 422) if method == "GET" else (404, 409, 422)
    every = {*ALWAYS, *problems, *(WITH_BODY if body is not None else ())}

    def declare(view: Callable[..., Any]) -> DeclaredView:
        summary = " ".join((inspect.getdoc(view) or "").split("\n\n")[0].split())
        if not summary:
            raise TypeError(f"{view.__name__} needs a docstring: the operation's summary")
        operation = Operation(
            method=method,
            summary=summary,
            scope=scope,
            response=response,
            query=query,
            body=body,
            body_example=body_example,
            answers=answers,
            problems=tuple(sorted(every)),
            records=records,
        )
        declared = DeclaredView(view, operation)
        bp.add_url_rule(path, view_func=declared, methods=[method])
        return declared

    return declare


def _noun(schema: type[Schema]) -> str:
    """What a body of ``schema`` is called in its error message: ``OfferSchema`` -> offer."""
    return schema.__name__.removesuffix("Schema").lower()
