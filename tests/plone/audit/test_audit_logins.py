"""Logins, failed logins and logouts are logged with the client's address."""

import transaction


def test_rest_login_and_failed_login_are_logged_with_ip(frecord, session, logged):
    anonymous = session()
    ok = anonymous.post(
        "@login",
        json={"login": "officer", "password": "secret-12345"},
        headers={"X-Forwarded-For": "203.0.113.7, 10.0.0.1"},
    )
    assert ok.status_code == 200
    bad = anonymous.post(
        "@login",
        json={"login": "officer", "password": "wrong"},
        headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert bad.status_code == 401
    transaction.begin()
    [login] = logged(action="login")
    assert (login.actor, login.ip, login.outcome) == ("officer", "203.0.113.7", "ok")
    [failed] = logged(action="login.failed")
    assert (failed.actor, failed.ip, failed.outcome) == ("anonymous", "198.51.100.9", "refused")
    assert failed.details["login"] == "officer"


def test_classic_login_form_failure_is_logged(frecord, session, logged):
    browser = session()
    browser.headers["Accept"] = "text/html"
    response = browser.post(
        "login", data={"__ac_name": "officer", "__ac_password": "nope", "buttons.login": "Log in"}
    )
    assert response.status_code < 500
    [failed] = logged(action="login.failed")
    assert failed.details["login"] == "officer" and failed.ip == "127.0.0.1"
    response = browser.post(
        "login",
        data={"__ac_name": "officer", "__ac_password": "secret-12345", "buttons.login": "Log in"},
    )
    assert [e.actor for e in logged(action="login")] == ["officer"]


def test_wrong_basic_credentials_are_a_failed_login(frecord, fportal, session, logged):
    from sd.archive.testing import rest_session

    wrong = rest_session(fportal, "officer", "wrong-password")
    wrong.get("@navigation")  # public: answered as anonymous
    assert wrong.get(frecord.absolute_url()).status_code == 401  # protected: refused
    failed = logged(action="login.failed")
    assert [e.details["login"] for e in failed] == ["officer", "officer"]
    assert all(e.outcome == "refused" and e.ip == "127.0.0.1" for e in failed)
    wrong.close()
