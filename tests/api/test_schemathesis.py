"""Property-based conformance of the vendor API to its own OpenAPI document (schemathesis).

Generated requests, valid and invalid, with a live token of a broad grant (the RFP side:
a vendor's client-credentials token, an open RFP it may answer) and with no token at all:
never a 5xx, and every response conforms to ``/openapi.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from pds.app import create_app
from pds.runtime.current import runtime_of
from tests.api.conftest import ALL_SCOPES, seed
from tests.api.rfpkit import publish
from tests.auth.clientkit import RfpVendor
from tests.auth.vendorkit import Vendor, authorized_tokens
from tests.conftest import PASSPHRASE, log_in, services_of


@pytest.fixture(scope="module")
def api_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Tokens]]:
    from pds.services.collections import SPECS
    from pds.services.identity.credentials import OwnerCredentials
    from pds.store import ScryptParams, Store
    from tests.conftest import CHEAP_HASHER, CHEAP_KDF_N, OWNER_PASSWORD

    home = tmp_path_factory.mktemp("schemathesis") / "store"
    store = Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=CHEAP_KDF_N))
    OwnerCredentials(store, hasher=CHEAP_HASHER).set_password(OWNER_PASSWORD)
    store.close()
    app = create_app({"home": home, "passphrase": PASSPHRASE, "api_rate_per_minute": 10**6})
    app.config["TESTING"] = True
    seed(services_of(app))
    owner = app.test_client()
    log_in(owner)
    vendor = Vendor.register(app.test_client())
    token = authorized_tokens(owner, vendor, scope=ALL_SCOPES, purchases_reach="all")
    publish(services_of(app))
    rfp_token = RfpVendor.register(app.test_client()).access_token()
    yield app, Tokens(token["access_token"], rfp_token)
    runtime_of(app).close()


#: The paths a vendor calls with its client-credentials token (scope rfp:respond).
RFP_SIDE = ("/rfps", "/offers", "/subscription")


class Tokens(NamedTuple):
    grant: str  # a consent grant with every scope but rfp:respond
    rfp: str  # a client-credentials token (rfp:respond)


def operations(app: Flask) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def check_all(app: Flask, examples: int, check: Any) -> None:
    """Run ``check(case, rfp_side)`` on generated cases of every operation of the document."""
    found = operations(app)
    assert len(found) == 17
    for operation in found:
        rfp_side = operation.path.startswith(RFP_SIDE)

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            check(case, rfp_side)  # noqa: B023 (run is called at once, in this iteration)

        run()


#: What must hold for every generated request. (Not ``positive_data_acceptance``: some
#: rules span fields - a receipt's total must add up, ``since`` must not follow ``until`` -
#: and JSON Schema cannot say so; those requests get a documented 422.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
SKIPPED = [checks.positive_data_acceptance]


def test_with_a_valid_token(api_app: tuple[Flask, Tokens]) -> None:
    app, tokens = api_app

    def valid(case: Any, rfp_side: bool) -> None:
        auth = {"Authorization": f"Bearer {tokens.rfp if rfp_side else tokens.grant}"}
        case.call_and_validate(headers=auth, checks=CHECKS, excluded_checks=SKIPPED)

    check_all(app, 25, valid)


def test_without_a_token(api_app: tuple[Flask, Tokens]) -> None:
    def refused(case: Any, rfp_side: bool) -> None:
        response = case.call()
        assert response.status_code == 401
        case.validate_response(response, checks=CHECKS, excluded_checks=SKIPPED)

    check_all(api_app[0], 5, refused)
