"""RFP-side API fixtures: vendors with client-credentials tokens, and the owner's RFPs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from pds.services import Services
from tests.auth.clientkit import RfpVendor

OWNER = {"name": "Xaviera Quillfeather", "email": "xaviera@quill.example"}


def deadline(days: int = 7) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfp_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A silver road bike",
        "description": "Light, for commuting.",
        "category": "bikes",
        "requirements": [{"key": "size", "operator": "eq", "value": "M"}],
        "budget": {"min": "500", "max": "900.50", "currency": "EUR"},
        "deadline": deadline(),
    }
    return {**data, **overrides}


def offer_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "price": "799.00",
        "currency": "EUR",
        "line_items": [{"description": "Road bike, size M", "unit_price": "799.00"}],
        "delivery_date": "2099-03-20",
        "conditions": "Two years warranty.",
        "message": "In stock in silver.",
    }
    return {**data, **overrides}


def publish(services: Services, **overrides: Any) -> dict[str, Any]:
    return services.rfps.publish(services.rfps.draft(rfp_data(**overrides))["id"])


@dataclass
class Caller:
    """A vendor calling the RFP API with its client-credentials token."""

    vendor: RfpVendor
    token: str

    @classmethod
    def register(cls, http: FlaskClient, name: str = "Velo Shop") -> Caller:
        vendor = RfpVendor.register(http, name)
        return cls(vendor, vendor.access_token())

    @property
    def client_id(self) -> str:
        return self.vendor.client_id

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.vendor.http.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.call("GET", path, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> Any:
        return self.call("PUT", path, json=body, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.call("POST", path, json=body, **kwargs)


def problem(response: Any) -> tuple[int, str, str]:
    """The status, ``code`` and ``detail`` of a problem JSON answer."""
    assert response.mimetype == "application/problem+json", response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == response.status_code
    return response.status_code, body["code"], body["detail"]
