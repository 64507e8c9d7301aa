"""Every intake answer says ``Content-Type: application/json`` (its body is JSON), whatever
its status: stored, the same package again, refused before or after reading."""

from intake_helpers import post
from intake_helpers import sample
from intake_helpers import session_for


def test_every_intake_answer_is_application_json(site, svc, anon):
    package = sample("archive-gongwen.zip")
    answers = {
        "201": post(svc, "@archive", package),
        "200": post(svc, "@archive", package),
        "401": post(anon, "@archive", package),
        "403": post(session_for(site, "member"), "@pre-archive", package),
        "415": post(svc, "@archive", b"{}", "application/json"),
        "400 empty": post(svc, "@pre-archive", b""),
        "400 not a zip": post(svc, "@pre-archive", b"not a zip file"),
        "transfer 400": post(svc, "@transfer", b"not a zip file"),
    }
    for name, response in answers.items():
        assert response.headers["Content-Type"] == "application/json", (name, response.headers)
        assert response.json()["@id" if response.status_code < 300 else "errors"], (
            name,
            response.text,
        )
