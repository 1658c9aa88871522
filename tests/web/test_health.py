from flask.testing import FlaskClient


def test_healthz_reports_an_unlocked_store(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["status"] == "ok"
    assert response.json["store"] == "unlocked"
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_path_is_problem_json(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json is not None and response.json["status"] == 404
