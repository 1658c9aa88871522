"""Where a login leads: ``next`` read the way a browser will read the ``Location``, and
only ever a path on this site (``pds.web.redirects.safe_next``)."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import OWNER_PASSWORD, csrf_of

#: Values a browser would resolve to another site (or a script), each with how.
ANOTHER_SITE = [
    "//evil.example",  # scheme-relative
    "/\\evil.example",  # the browser reads \ as /
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",  # tabs and newlines are dropped anywhere
    "/\r\n/evil.example",
    "/\n\\evil.example",
    "\t//evil.example",  # C0 controls and spaces are trimmed at both ends
    " //evil.example",
    "\x00//evil.example",
    "\x1f/\\evil.example ",
    "https://evil.example/",
    "https:evil.example",  # a scheme without slashes
    "HTTPS:/evil.example",
    "java\tscript:alert(1)",
    "javascript:alert(1)",
    "data:text/html,x",
    "%2F%2Fevil.example",  # decodes to //evil.example, but nothing decodes it: not a path
    "evil.example",
    "",
]

#: Values that stay on this site, and the Location the browser then gets.
THIS_SITE = [
    ("/purchases?tab=recent", "/purchases?tab=recent"),
    ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # a path here (404), never a host
    ("/%0d%0aSet-Cookie:x=1", "/%0d%0aSet-Cookie:x=1"),  # escaped: no header injected
    ("/\r\nSet-Cookie: x=1", "/Set-Cookie:%20x=1"),  # CR/LF dropped, as a browser would
    ("/purchases?q=tea cups", "/purchases?q=tea%20cups"),
    ("/relationships/caf\u00e9", "/relationships/caf%C3%A9"),
]


def log_in_with_next(client: FlaskClient, target: str) -> TestResponse:
    """The real login form, posted back to ``/login?next=<target>``."""
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login",
        query_string={"next": target},
        data={"password": OWNER_PASSWORD, "csrf_token": token},
    )


def test_a_next_a_browser_reads_as_another_site_leads_to_the_dashboard(
    client: FlaskClient,
) -> None:
    for target in ANOTHER_SITE:
        response = log_in_with_next(client, target)
        assert response.status_code == 303, repr(target)
        assert response.headers["Location"] == "/", repr(target)


def test_a_next_on_this_site_is_kept_as_the_browser_will_request_it(client: FlaskClient) -> None:
    for target, location in THIS_SITE:
        response = log_in_with_next(client, target)
        assert response.status_code == 303, repr(target)
        assert response.headers["Location"] == location, repr(target)
        cookies = response.headers.getlist("Set-Cookie")
        assert not [c for c in cookies if c.startswith("x=")], repr(target)
