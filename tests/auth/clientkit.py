"""A vendor that answers the owner's RFPs: registered for client credentials only, it
gets ``rfp:respond`` tokens with its id and secret (no owner, no consent)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient


@dataclass
class RfpVendor:
    http: FlaskClient
    client_id: str
    client_secret: str

    @classmethod
    def register(cls, http: FlaskClient, name: str = "Velo Shop", **metadata: Any) -> RfpVendor:
        body = {"client_name": name, "grant_types": ["client_credentials"], **metadata}
        response = http.post("/oauth/register", json=body)
        assert response.status_code == 201, response.get_json()
        data = response.get_json()
        return cls(http, data["client_id"], data["client_secret"])

    def basic_auth(self) -> dict[str, str]:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}

    def request_token(self, **form: Any) -> Any:
        body = {"grant_type": "client_credentials", "scope": "rfp:respond", **form}
        body = {k: v for k, v in body.items() if v is not None}
        return self.http.post("/oauth/token", data=body, headers=self.basic_auth())

    def access_token(self) -> str:
        response = self.request_token()
        assert response.status_code == 200, response.get_json()
        return str(response.get_json()["access_token"])
