"""The portal's shell: landmarks, skip link, navigation with the current page, error pages."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from pds.errors import PermissionDenied
from tests.conftest import csrf_of, log_in

NAV = [
    ("/", "Dashboard"),
    ("/purchases", "Purchases"),
    ("/preferences", "Preferences"),
    ("/relationships", "Relationships"),
    ("/reminders", "Reminders"),
    ("/insights", "Insights"),
    ("/rfps", "RFPs"),
    ("/vendors", "Vendors &amp; access"),
    ("/access-log", "Access log"),
    ("/archive", "Archive"),
    ("/settings", "Settings"),
]
HTML = {"Accept": "text/html"}


def test_every_page_has_the_landmarks_and_marks_itself_in_the_nav(owner: FlaskClient) -> None:
    for path, label in NAV:
        response = owner.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert '<a class="skip" href="#main">Skip to the content</a>' in html
        assert '<nav aria-label="Main">' in html and '<main id="main"' in html
        assert "<header" in html and "<footer" in html and "<script" not in html
        assert f'<a href="{path}" aria-current="page">{label}</a>' in html, path
        assert html.count('aria-current="page"') == 1 or path == "/relationships", path
        links = [f'<li><a href="{p}"' for p, _ in NAV]
        positions = [html.index(link) for link in links]
        assert positions == sorted(positions), "the navigation keeps its order"


def test_reminders_and_insights_are_not_marked_as_relationships(owner: FlaskClient) -> None:
    for path in ("/reminders", "/insights"):
        html = owner.get(path).get_data(as_text=True)
        assert '<a href="/relationships">Relationships</a>' in html


def test_the_login_page_has_no_navigation(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<nav aria-label="Main">' not in html and '<main id="main"' in html


def test_a_404_page_in_the_portal_style(owner: FlaskClient) -> None:
    response = owner.get("/no/such/page", headers=HTML)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<h1 id="error-title">404 · Not Found</h1>' in html
    assert "The page or record may have been deleted" in html
    assert '<nav aria-label="Main">' in html and 'href="/">Back to the dashboard</a>' in html


def test_a_403_page_in_the_portal_style(app: Flask, client: FlaskClient) -> None:
    def forbidden() -> str:
        raise PermissionDenied("this vendor may not do that")

    app.add_url_rule("/test-forbidden", "test_forbidden", forbidden)
    log_in(client)
    response = client.get("/test-forbidden", headers=HTML)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "403 · Permission denied" in html and "this vendor may not do that" in html
    assert "this action is not open to you here" in html


def test_a_400_for_a_form_without_its_token(owner: FlaskClient) -> None:
    response = owner.post("/logout", headers=HTML)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "the form expired or was not sent by this portal; reload it" in html
    assert "Go back, reload the page and send the form again." in html
    token = csrf_of(owner.get("/").get_data(as_text=True))
    assert owner.post("/logout", data={"csrf_token": token}).status_code == 303
