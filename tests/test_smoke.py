from __future__ import annotations


def test_health_answers(server) -> None:
    with server.client() as client:
        assert client.get("/health").json()["status"] == "ok"


def test_a_new_account_can_add_a_prospect(api) -> None:
    response = api.post("/rest/v1/add_prospects_list", json={"prospects": [{"email": "a@b.co"}]})
    assert response.status_code == 200
    assert response.json()["prospects"][0]["status"] == "OK"
