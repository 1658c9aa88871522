import re

from flask.testing import FlaskClient

from tests.conftest import OWNER_PASSWORD


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def test_dashboard_needs_login(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_login_form_has_labels_and_csrf(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<label for="password">Password</label>' in html
    assert ">Log in</button>" in html
    assert _csrf(html)


def test_login_without_csrf_token_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"password": OWNER_PASSWORD}, headers={"Accept": "text/html"}
    )
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_wrong_password_is_a_form_error(client: FlaskClient) -> None:
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"password": "nope", "csrf_token": token})
    assert response.status_code == 401
    assert "That password is not right." in response.get_data(as_text=True)


def test_login_shows_dashboard_then_logout(client: FlaskClient) -> None:
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"password": OWNER_PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "What it holds" in html and "purchases" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    logout = client.post("/logout", data={"csrf_token": _csrf(html)})
    assert logout.status_code == 303 and logout.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_login_redirect_stays_on_this_site(client: FlaskClient) -> None:
    token = _csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x", data={"password": OWNER_PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"] == "/"
