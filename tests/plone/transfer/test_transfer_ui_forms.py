"""The transfer pages' forms posted as a browser posts them (表单：签字、接收、续做、移交出库).

Each form carries the CSRF token (``_authenticator``) that plone.protect checks; a form
whose token is not the bare token answers with an error page instead of doing its work."""

import re

import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import setRoles
from transfer_helpers import SAMPLE
from transfer_helpers import holdings
from transfer_helpers import post
from transfer_helpers import session_for
from transfer_helpers import unrestricted

from sd.archive.transfer import worker


def form_post(session, url, **fields):
    """GET the page, take its form token, POST the fields without following the redirect."""
    page = session.get(url, headers={"Accept": "text/html"})
    tokens = set(re.findall(r'name="_authenticator" value="([^"]*)"', page.text))
    assert len(tokens) == 1 and re.fullmatch(r"[0-9a-f]{20,}", next(iter(tokens))), tokens
    return session.post(
        url,
        data={"_authenticator": tokens.pop(), **fields},
        headers={"Accept": "text/html"},
        allow_redirects=False,
    )


def test_sign_off_and_accept_through_the_batch_page(site, room, archivist):
    batch = post(room, SAMPLE.read_bytes()).json()["@id"]
    page = batch + "/@@transfer-batch"
    for code in ("YJ-4-3", "YJ-4-4", "HANDOVER"):
        answer = form_post(
            archivist, page, code=code, outcome="passed", note=f"{code} ok", sign_off="1"
        )
        assert answer.status_code == 302, answer.text[-2000:]
    manual = {m["code"]: m for m in archivist.get(batch).json()["transfer"]["manual_items"]}
    assert {m["outcome"] for m in manual.values()} == {"passed"}
    assert manual["YJ-4-4"]["by"] == "archivist" and manual["YJ-4-4"]["note"] == "YJ-4-4 ok"
    answer = form_post(archivist, page, accept="1")
    assert answer.status_code == 302, answer.text[-2000:]
    assert archivist.get(batch).json()["transfer"]["status"] == "received"


def test_resume_through_the_holdings_page(site, room, archivist, monkeypatch):
    started = []
    original = worker.start
    monkeypatch.setattr(
        worker,
        "start",
        lambda batch, stop_after=None: started.append(original(batch, stop_after=2)) or started[-1],
    )
    body = post(room, SAMPLE.read_bytes(), Prefer="respond-async").json()
    started[0].join(60)
    monkeypatch.setattr(worker, "start", original)
    answer = form_post(archivist, "@@transfer-holdings", resume="1")
    assert answer.status_code == 302, answer.text[-2000:]
    transaction.begin()
    worker.join(unrestricted(body["UID"]), 60)
    assert holdings(site) == (5, {"received": 5})


def test_build_a_transfer_package_through_the_records_room_page(site):
    from test_transfer_roundtrip import room_records

    setRoles(site, TEST_USER_ID, ["Manager"])
    login(site, TEST_USER_NAME)
    uids = [r.UID() for r in room_records(site["j001"])]
    transaction.commit()
    admin = session_for(site, "admin")
    # the confirmation step is part of the flow now: build only with confirm=1 and the count
    answer = form_post(
        admin,
        "j001/@@transfer-out",
        **{
            "uids:list": uids,
            "build": "1",
            "confirm": "1",
            "expected": "3",
            "description": "2018年度文书档案",
        },
    )
    assert answer.status_code == 302, answer.text[-2000:]
    batch = admin.get(answer.headers["Location"]).json()
    assert batch["transfer"]["direction"] == "outgoing" and batch["transfer"]["record_count"] == 3
    transaction.begin()
    assert {api.content.get_state(unrestricted(uid)) for uid in uids} == {"transferred"}
