from __future__ import annotations


def test_unknown_route_is_a_problem(api):
    response = api.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_openapi_describes_the_api(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    assert "/api/me" in response.json()["paths"]
