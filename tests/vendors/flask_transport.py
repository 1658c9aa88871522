"""A ``requests`` transport adapter that hands each request to a Flask app in-process.

Mounted on the store's issuer URL, it lets the SDK (which only speaks ``requests``)
talk to the real app without a socket: same routes, headers, status codes, bodies.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Flask
from requests.adapters import BaseAdapter, HTTPAdapter
from urllib3 import HTTPResponse


class FlaskTransport(BaseAdapter):
    def __init__(self, app: Flask) -> None:
        super().__init__()
        self._client = app.test_client(use_cookies=False)
        self.sent: list[requests.PreparedRequest] = []  # what went over the "wire"

    def send(self, request: requests.PreparedRequest, **_: Any) -> requests.Response:
        self.sent.append(request)
        parts = urlsplit(request.url or "")
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        body = request.body.encode() if isinstance(request.body, str) else request.body
        answer = self._client.open(
            parts.path,
            base_url=f"{parts.scheme}://{parts.netloc}",
            method=request.method or "GET",
            query_string=parts.query,
            headers=headers,
            data=body or b"",
        )
        raw = HTTPResponse(
            body=io.BytesIO(answer.get_data()),
            headers=list(answer.headers.items()),
            status=answer.status_code,
            reason=answer.status.partition(" ")[2],
            preload_content=False,
        )
        return HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        pass
