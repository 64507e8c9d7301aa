"""The OpenAPI document against the running site (#29 item 6): every documented operation is
called once with a valid and once with an invalid request on a functional site, and each
answer must carry a status the document lists for that operation and, for JSON, a body that
its schema accepts. A new operation in the document without a case here fails the walk.

Fixtures are the other areas' own builders: the sample packages, ``access_data.real_record``
(records with real PDF text, moved through the workflow), ``volume_helpers`` (a fonds whose WS
category is arranged by volume)."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import pytest
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from zope.component.hooks import setSite

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "access"))
sys.path.insert(0, str(HERE.parent / "dossiers"))
sys.path.insert(0, str(HERE.parent / "seals"))
sys.path.insert(0, str(HERE.parent / "mining_suggestions"))
sys.path.insert(0, str(HERE.parent / "appraisal"))
sys.path.insert(0, str(HERE.parent / "openreview"))
sys.path.insert(0, str(HERE.parent / "supervision"))
from access_data import real_record  # noqa: E402
from appraisal_walk import walk_appraisal  # noqa: E402
from findings_walk import walk_findings  # noqa: E402
from mining_walk import walk_mining  # noqa: E402
from openapi_doc import _short  # noqa: E402
from openapi_doc import check_answer  # noqa: E402
from openapi_doc import load  # noqa: E402
from openapi_doc import operations  # noqa: E402
from openreview_walk import walk_openreview  # noqa: E402
from rectification_walk import walk_rectification  # noqa: E402
from seal_helpers import record_with  # noqa: E402
from supervision_walk import walk_supervision  # noqa: E402
from volume_helpers import DESCRIPTION  # noqa: E402
from volume_helpers import archived as volume_record  # noqa: E402
from volume_helpers import volume_fonds  # noqa: E402

from sd.archive.numbering import assign_code  # noqa: E402
from sd.archive.testing import OFD_SAMPLES  # noqa: E402
from sd.archive.testing import PACKAGE_SAMPLES  # noqa: E402
from sd.archive.testing import make_fonds  # noqa: E402
from sd.archive.testing import make_record  # noqa: E402
from sd.archive.testing import rest_session  # noqa: E402

PASSWORD = "secret-12345"
USERS = {
    # user: (global roles, {fonds id: local roles})
    "svc": ([], {"j001": ["Submitter"]}),
    "reader": ([], {}),
    "archivist": (["Archivist"], {}),
    "leader": (["Leader"], {}),
    "auditor": (["SecurityAuditor"], {}),
    "supervisor": (["Supervisor"], {}),
    "officer": ([], {"j001": ["RecordsOfficer", "Reader"]}),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sample(name: str) -> bytes:
    return (PACKAGE_SAMPLES / name).read_bytes()


def rezipped(data: bytes) -> bytes:
    """The same package files in other ZIP bytes (stored, not deflated): another package."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), zipfile.ZIP_STORED)
    return out.getvalue()


def legacy_sheet() -> bytes:
    """A legacy catalogue (旧目录) of one row, as an XLSX."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["档号", "题名", "责任者", "日期", "年度", "保管期限", "件号"])
    sheet.append(
        ["J001-WS·2019-Y-BGS-0001", "关于旧目录的通知", "办公室", "2019-03-01", 2019, "Y", 1]
    )
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


@pytest.fixture
def world(functional, tmp_path, monkeypatch):
    """J001 with an archived record and an old one (transferable), a controlled record for
    access requests, J003 arranged by volume; the accounts; all committed."""
    from sd.archive.ledger import node

    monkeypatch.setenv("SD_ARCHIVE_LEDGER_DIR", str(tmp_path / "ledger"))
    monkeypatch.setenv("SD_ARCHIVE_AUDIT_DIR", str(tmp_path / "audit"))
    node.forget_identities()
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    j001 = make_fonds(portal, "j001", "J001", "DA/T 22-2015")
    j003 = volume_fonds(portal)
    for user, (roles, local) in USERS.items():
        api.user.create(
            email=f"{user}@example.org", username=user, password=PASSWORD, roles=roles or ["Member"]
        )
        for fonds_id, local_roles in local.items():
            api.user.grant_roles(username=user, obj=portal[fonds_id], roles=local_roles)
    record = make_record(j001, 901, year=2023)
    assign_code(record, "WS", 2023, "Y", "BGS")
    api.content.transition(record, transition="archive")
    old = make_record(j001, 902, year=2001)
    assign_code(old, "WS", 2001, "Y", "BGS")
    api.content.transition(old, transition="archive")
    controlled = real_record(j001, 903, "controlled")
    flowing = make_record(j001, 905, year=2023)
    assign_code(flowing, "WS", 2023, "Y", "BGS")
    api.content.transition(flowing, transition="archive")
    in_volume = volume_record(j003, 904)
    sealed = record_with(j001, "正本.ofd", (OFD_SAMPLES / "allprotected.ofd").read_bytes(), n=906)
    assign_code(sealed, "WS", 2023, "Y", "BGS")
    api.content.transition(sealed, transition="archive")
    transaction.commit()
    logout()
    return {
        "portal": portal,
        "site": portal.absolute_url(),
        "j001": j001.absolute_url(),
        "j003": j003.absolute_url(),
        "record": record.absolute_url(),
        "record_uid": record.UID(),
        "main_uid": [c for c in record.objectValues() if c.role == "正本"][0].UID(),
        "old_uid": old.UID(),
        "controlled_uid": controlled.UID(),
        "volume_record_uid": in_volume.UID(),
        "flowing": flowing.absolute_url(),
        "sealed": sealed.absolute_url(),
        "sealed_main_uid": sealed["c001"].UID(),
    }


class Walk:
    """Calls operations and collects what does not match the document."""

    def __init__(self, world):
        self.world = world
        self.document = load()
        self.sessions = {}
        self.faults: list[str] = []
        self.called: dict[tuple[str, str], set[str]] = {}

    def session(self, user):
        if user not in self.sessions:
            who = "admin" if user == "admin" else user
            self.sessions[user] = rest_session(self.world["portal"], who, PASSWORD)
        return self.sessions[user]

    def call(self, kind, path, method, url, user="admin", expect=None, **kw):
        """One call of the documented ``method path`` (``kind``: valid or invalid)."""
        assert (path, method) in {(p, m) for p, m, _ in operations(self.document)}, (path, method)
        transaction.commit()
        response = self.session(user).request(method.upper(), url, **kw)
        self.called.setdefault((path, method), set()).add(kind)
        print("WALK", kind, method.upper(), path, response.status_code, _short(response.text)[:160])
        self.faults += [
            f"[{kind}] {f}" for f in check_answer(self.document, path, method, response)
        ]
        if expect is not None and response.status_code != expect:
            self.faults.append(
                f"[{kind}] {method.upper()} {path}: expected {expect}, got "
                f"{response.status_code}: {_short(response.text)}"
            )
        return response

    def close(self):
        for s in self.sessions.values():
            s.close()


def test_every_operation_answers_as_documented(world):
    w = Walk(world)
    site, j001, j003, record = world["site"], world["j001"], world["j003"], world["record"]
    sections = [
        (_intake, site),
        (_search_and_document, site),
        (_access, site, world),
        (_volumes, j003, world),
        (_fonds_services, j001, world),
        (_record_services, record, world),
        (walk_mining, j001, record),
        (walk_findings, site, world),
        (walk_appraisal, j001, world),
        (walk_openreview, j001, world),
        (walk_supervision, world),
        (walk_rectification, site, j001, world),
        (_ledger_and_verify, site),
        (_audit_and_preservation, site),
        (_preservation_stage, site, j001, world),
        (_transfer, site, j001, world),
    ]
    try:
        for section, *args in sections:
            try:
                section(w, *args)
            except Exception as error:  # a later call needed an answer this one did not give
                w.faults.append(f"{section.__name__} stopped: {error!r}")
    finally:
        w.close()
    uncalled = [
        f"{m.upper()} {p}: {sorted({'valid', 'invalid'} - w.called.get((p, m), set()))}"
        for p, m, _ in operations(w.document)
        if w.called.get((p, m), set()) != {"valid", "invalid"} and (p, m) not in NO_INVALID
    ]
    assert not (uncalled or w.faults), (
        "operations the walk does not call:\n"
        + "\n".join(uncalled)
        + "\nanswers that differ from openapi.yaml:\n"
        + "\n".join(w.faults)
    )


#: operations that take no input at all: no request to them is invalid
NO_INVALID = {("/@openapi", "get"), ("/@ledger", "get")}


def _intake(w, site):
    package = sample("archive-gongwen.zip")
    zip_ = {"Content-Type": "application/zip"}
    # a package whose sender digest is wrong is read and rejected (GD-1-14): a rejection record
    w.call(
        "invalid",
        "/@archive",
        "post",
        f"{site}/@archive",
        "svc",
        422,
        data=package,
        headers={**zip_, "X-Package-SM3": "0" * 64},
    )
    w.call("valid", "/@archive", "post", f"{site}/@archive", "svc", 201, data=package, headers=zip_)
    w.call(
        "invalid", "/@archive", "post", f"{site}/@archive", "svc", 400, data=b"no zip", headers=zip_
    )
    w.call(
        "valid",
        "/@pre-archive",
        "post",
        f"{site}/@pre-archive",
        "svc",
        201,
        data=sample("pre-archive-gongwen.zip"),
        headers=zip_,
    )
    w.call(
        "invalid",
        "/@pre-archive",
        "post",
        f"{site}/@pre-archive",
        None,
        401,
        data=package,
        headers=zip_,
    )
    listed = w.call("valid", "/@rejections", "get", f"{site}/@rejections", "svc", 200)
    w.call("invalid", "/@rejections", "get", f"{site}/@rejections", None, 401)
    rejection = listed.json()["items"][0]["id"]
    w.call("valid", "/@rejections/{id}", "get", f"{site}/@rejections/{rejection}", "svc", 200)
    w.call("invalid", "/@rejections/{id}", "get", f"{site}/@rejections/nothing", "svc", 404)


def _search_and_document(w, site):
    w.call(
        "valid",
        "/@archive-search",
        "get",
        f"{site}/@archive-search",
        "admin",
        200,
        params={"q": "通知"},
    )
    w.call(
        "invalid",
        "/@archive-search",
        "get",
        f"{site}/@archive-search",
        "admin",
        400,
        params={"sort_on": "colour"},
    )
    w.call("valid", "/@openapi", "get", f"{site}/@openapi", None, 200)


def _access(w, site, world):
    path = "/@access-requests"
    body = {"records": [world["controlled_uid"]], "purpose": "work", "form": "online"}
    made = w.call("valid", path, "post", f"{site}{path}", "reader", 201, json=body)
    w.call("invalid", path, "post", f"{site}{path}", "reader", 400, json={**body, "purpose": "fun"})
    w.call("valid", path, "get", f"{site}{path}", "reader", 200, params={"list": "mine"})
    w.call("invalid", path, "get", f"{site}{path}", "reader", 400, params={"list": "everyone"})
    url = made.json()["@id"]
    base = "/access-requests/{id}"
    w.call("valid", f"{base}/@access-request", "get", f"{url}/@access-request", "reader", 200)
    w.call("invalid", f"{base}/@access-request", "get", f"{url}/@access-request", "svc", 401)
    decide = f"{base}/@access-decision"
    w.call(
        "invalid",
        decide,
        "post",
        f"{url}/@access-decision",
        "archivist",
        400,
        json={"decision": "maybe"},
    )
    w.call(
        "valid",
        decide,
        "post",
        f"{url}/@access-decision",
        "archivist",
        200,
        json={"decision": "approve"},
    )
    # a controlled record: a leader's second review (领导复审) before the copy is served
    w.call(
        "valid",
        decide,
        "post",
        f"{url}/@access-decision",
        "leader",
        200,
        json={"decision": "approve"},
    )
    copy = f"{base}/@access-copy"
    uid = world["controlled_uid"]
    w.call(
        "valid",
        copy,
        "get",
        f"{url}/@access-copy",
        "reader",
        200,
        params={"record": uid, "disposition": "inline"},
    )
    w.call(
        "invalid",
        copy,
        "get",
        f"{url}/@access-copy",
        "reader",
        404,
        params={"record": "no-such-uid"},
    )
    effect = f"{base}/@access-effect"
    w.call("invalid", effect, "post", f"{url}/@access-effect", "reader", 400, json={})
    w.call(
        "valid",
        effect,
        "post",
        f"{url}/@access-effect",
        "reader",
        200,
        json={"effect": "查清了事实"},
    )
    w.call("valid", "/@use-register", "get", f"{site}/@use-register", "archivist", 200)
    w.call(
        "invalid",
        "/@use-register",
        "get",
        f"{site}/@use-register",
        "archivist",
        400,
        params={"since": "yesterday"},
    )


def _volumes(w, j003, world):
    path = "/{fonds}/@volumes"
    made = w.call("valid", path, "post", f"{j003}/@volumes", "admin", 201, json=DESCRIPTION)
    w.call(
        "invalid",
        path,
        "post",
        f"{j003}/@volumes",
        "admin",
        400,
        json={**DESCRIPTION, "item_count": 3},
    )
    w.call("valid", path, "get", f"{j003}/@volumes", "admin", 200)
    w.call("invalid", path, "get", f"{j003}/@volumes", None, 401)
    volume = made.json()["@id"]
    path = "/{fonds}/{dossier}/@volume-records"
    body = {"records": [world["volume_record_uid"]], "reason": "组卷", "preview": True}
    w.call("valid", path, "post", f"{volume}/@volume-records", "admin", 200, json=body)
    w.call("invalid", path, "post", f"{volume}/@volume-records", "admin", 400, json={"records": []})
    w.call("valid", path, "get", f"{volume}/@volume-records", "admin", 200)
    w.call("invalid", path, "get", f"{volume}/@volume-records", None, 401)
    path = "/{fonds}/{object}/@catalogue"
    w.call(
        "valid",
        path,
        "get",
        f"{volume}/@catalogue",
        "admin",
        200,
        params={"kind": "contents", "format": "xlsx"},
    )
    w.call("invalid", path, "get", f"{volume}/@catalogue", "admin", 400, params={"format": "doc"})


def _fonds_services(w, j001, world):
    path = "/{fonds}/@series-gaps"
    w.call("valid", path, "get", f"{j001}/@series-gaps", "admin", 200)
    w.call("invalid", path, "get", f"{j001}/@series-gaps", None, 401)
    # the sample package archived above is item 7 of its series: 1-6 are gaps
    w.call(
        "valid",
        path,
        "post",
        f"{j001}/@series-gaps",
        "admin",
        201,
        json={"series": "J001-WS·2023-D30-BGS", "numbers": [1], "reason": "void", "note": "作废"},
    )
    w.call("invalid", path, "post", f"{j001}/@series-gaps", "admin", 422, json={})
    path = "/{fonds}/@arrangement-rules"
    w.call("valid", path, "get", f"{j001}/@arrangement-rules", "admin", 200)
    w.call(
        "invalid", path, "get", f"{j001}/@arrangement-rules", "admin", 400, params={"which": "all"}
    )
    scheme = w.session("admin").get(
        f"{j001}/@arrangement-rules", params={"which": "scheme", "format": "xml"}
    )
    xml = {"Content-Type": "application/xml"}
    w.call(
        "valid",
        path,
        "post",
        f"{j001}/@arrangement-rules",
        "admin",
        204,
        data=scheme.content,
        headers=xml,
    )
    w.call(
        "invalid",
        path,
        "post",
        f"{j001}/@arrangement-rules",
        "admin",
        422,
        data=b"<scheme",
        headers=xml,
    )
    path = "/{fonds}/@retention-due"
    w.call("valid", path, "get", f"{j001}/@retention-due", "admin", 200, params={"within": 24})
    w.call("invalid", path, "get", f"{j001}/@retention-due", "admin", 400, params={"within": "abc"})
    path = "/{fonds}/@batch-describe"
    body = {"uids": [world["record_uid"]], "field": "author", "value": "办公室", "reason": "补录"}
    w.call("valid", path, "post", f"{j001}/@batch-describe", "admin", 200, json=body)
    w.call(
        "invalid",
        path,
        "post",
        f"{j001}/@batch-describe",
        "admin",
        400,
        data=b"[1",
        headers={"Content-Type": "application/json"},
    )
    path = "/{fonds}/@catalogue"
    w.call("valid", path, "get", f"{j001}/@catalogue", "admin", 200, params={"format": "xlsx"})
    w.call("invalid", path, "get", f"{j001}/@catalogue", "admin", 400, params={"year": "last"})
    path = "/{fonds}/@catalogue-import"
    w.call(
        "valid",
        path,
        "post",
        f"{j001}/@catalogue-import",
        "admin",
        200,
        data=legacy_sheet(),
        headers={"Content-Type": XLSX},
    )
    w.call(
        "invalid",
        path,
        "post",
        f"{j001}/@catalogue-import?preview=false",
        "admin",
        422,
        data=b"not a sheet",
        headers={"Content-Type": XLSX},
    )


def _record_services(w, record, world):
    w.call(
        "valid",
        "/{fonds}/{object}/@catalogue",
        "get",
        f"{record}/@catalogue",
        "admin",
        200,
        params={"kind": "stamps"},
    )
    path = "/{fonds}/{record}/@detection"
    w.call("valid", path, "get", f"{record}/@detection", "admin", 200)
    w.call(
        "invalid",
        path,
        "get",
        f"{record}/@detection",
        "admin",
        404,
        params={"format": "pdf", "run": "99"},
    )
    path = "/{fonds}/{record}/@seals"
    w.call("valid", path, "get", f"{record}/@seals", "admin", 200)
    w.call("invalid", path, "get", f"{record}/@seals", None, 401)
    path = "/{fonds}/{record}/@export"
    w.call("valid", path, "get", f"{record}/@export", "admin", 200)
    w.call("invalid", path, "get", f"{record}/@export", None, 401)
    path = "/{fonds}/{record}/@strip-seal"
    body = {"component": world["sealed_main_uid"], "reason": "利用版：证书将过期"}
    w.call("valid", path, "post", f"{world['sealed']}/@strip-seal", "admin", 201, json=body)
    unsigned = {"component": world["main_uid"], "reason": "去除数字签名"}
    w.call("invalid", path, "post", f"{record}/@strip-seal", "admin", 422, json=unsigned)
    w.call(
        "invalid",
        path,
        "post",
        f"{record}/@strip-seal",
        "admin",
        400,
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    path = "/{fonds}/{record}/@workflow/{transition}"
    flowing = world["flowing"]
    # a permanent record is never destroyed: refused in words (409), nothing changed
    w.call("invalid", path, "post", f"{flowing}/@workflow/destroy", "admin", 409, json={})
    w.call("valid", path, "post", f"{flowing}/@workflow/request_transfer", "admin", 200, json={})
    path = "/{fonds}/{record}/@holds"
    hold = {"action": "place", "hold": "诉讼冻结 2026-12", "reason": "诉讼未结"}
    w.call("valid", path, "post", f"{record}/@holds", "admin", 200, json=hold)
    w.call(
        "invalid", path, "post", f"{record}/@holds", "admin", 400, json={**hold, "action": "melt"}
    )
    w.call("valid", path, "get", f"{record}/@holds", "admin", 200)
    w.call("invalid", path, "get", f"{record}/@holds", None, 401)
    path = "/{fonds}/{record}/@correct"
    body = {"changes": {"title": "关于档案工作的通知（更正）"}, "reason": "题名有误"}
    w.call("valid", path, "post", f"{record}/@correct", "admin", 200, json=body)
    w.call(
        "invalid",
        path,
        "post",
        f"{record}/@correct",
        "admin",
        400,
        json={"changes": {"title": "x"}},
    )
    path = "/{fonds}/{record}/@correct-code"
    w.call(
        "valid",
        path,
        "post",
        f"{record}/@correct-code",
        "admin",
        200,
        json={"retention": "D30", "reason": "保管期限有误"},
    )
    w.call(
        "invalid",
        path,
        "post",
        f"{record}/@correct-code",
        "admin",
        422,
        json={"retention": "forever", "reason": "x"},
    )


def _ledger_and_verify(w, site):
    state = w.call("valid", "/@ledger", "get", f"{site}/@ledger", None, 200).json()
    path = "/@ledger/proof"
    w.call("valid", path, "get", f"{site}{path}", None, 200, params={"index": 0})
    w.call("invalid", path, "get", f"{site}{path}", None, 400, params={"index": "first"})
    path = "/@ledger/consistency"
    w.call("valid", path, "get", f"{site}{path}", None, 200, params={"first": 1})
    w.call("invalid", path, "get", f"{site}{path}", None, 400, params={"first": -1})
    path = "/@ledger/entries"
    w.call("valid", path, "get", f"{site}{path}", None, 200, params={"start": 0, "end": 2})
    w.call("invalid", path, "get", f"{site}{path}", None, 400, params={"start": "x"})
    path = "/@ledger/cosignature"
    # our own checkpoint, not cosigned by an admitted peer: the documented refusal
    w.call(
        "valid", path, "post", f"{site}{path}", None, 422, json={"checkpoint": state["checkpoint"]}
    )
    w.call("invalid", path, "post", f"{site}{path}", None, 400, json={})
    path = "/@ledger/cosign"
    w.call("valid", path, "post", f"{site}{path}", "admin", 200)
    w.call("invalid", path, "post", f"{site}{path}", None, 401)
    path = "/@ledger/nodes"
    from sd.archive.core.ledger.keys import NodeKey

    peer = NodeKey.generate("peer.example.org/log")
    node = {"origin": peer.name, "vkey": peer.vkey, "url": "http://127.0.0.1:9/", "role": "log"}
    w.call("valid", path, "post", f"{site}{path}", "admin", 200, json=node)
    w.call("invalid", path, "post", f"{site}{path}", "admin", 400, json={"origin": "example.org/x"})
    w.call(
        "invalid", path, "post", f"{site}{path}", "admin", 422, json={"remove": "example.org/none"}
    )
    w.call("valid", "/@verify", "post", f"{site}/@verify", None, 200, json={"digest": "ab" * 32})
    w.call(
        "invalid",
        "/@verify",
        "post",
        f"{site}/@verify",
        None,
        400,
        data=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


def _audit_and_preservation(w, site):
    w.call("valid", "/@audit-trail", "get", f"{site}/@audit-trail", "auditor", 200)
    w.call("invalid", "/@audit-trail", "get", f"{site}/@audit-trail", None, 401)
    w.call("valid", "/@audit-trail/check", "get", f"{site}/@audit-trail/check", "auditor", 200)
    w.call("invalid", "/@audit-trail/check", "get", f"{site}/@audit-trail/check", None, 401)
    path = "/@audit-trail/{format}"
    w.call("valid", path, "get", f"{site}/@audit-trail/csv", "auditor", 200)
    w.call("invalid", path, "get", f"{site}/@audit-trail/pdf", "auditor", 404)
    w.call("valid", "/@preservation", "get", f"{site}/@preservation", "admin", 200)
    w.call("invalid", "/@preservation", "get", f"{site}/@preservation", None, 401)


def _preservation_stage(w, site, j001, world):
    path, record = "/@preservation-check", world["flowing"]
    w.call("valid", path, "post", f"{site}{path}", "admin", 200)
    w.call("invalid", path, "post", f"{site}{path}", None, 401)
    runs = w.call("valid", path, "get", f"{site}{path}", "admin", 200)
    w.call("invalid", path, "get", f"{site}{path}", "admin", 404, params={"run": "no-such-run"})
    if runs.status_code == 200 and runs.json().get("runs"):
        w.call(
            "valid",
            path,
            "get",
            f"{site}{path}",
            "admin",
            200,
            params={"run": runs.json()["runs"][0]["run_id"]},
        )
    path = "/{fonds}/@preservation-check"
    w.call("valid", path, "post", f"{j001}/@preservation-check", "admin", 200)
    w.call("invalid", path, "post", f"{j001}/@preservation-check", None, 401)
    path = "/{fonds}/{record}/@preservation-check"
    ran = w.call("valid", path, "post", f"{record}/@preservation-check", "admin", 200)
    w.call("invalid", path, "post", f"{record}/@preservation-check", None, 401)
    path = "/{fonds}/{record}/@detection-signoff"
    reports = w.session("admin").get(f"{record}/@detection").json()["reports"]
    manual = ran.json()["records"][0]["manual"]
    body = {"run": len(reports) - 1, "code": manual[0], "outcome": "passed", "note": "已人工核对"}
    w.call(
        "invalid",
        path,
        "post",
        f"{record}/@detection-signoff",
        "admin",
        400,
        json={**body, "note": ""},
    )
    w.call("valid", path, "post", f"{record}/@detection-signoff", "admin", 200, json=body)
    _ferry(w, site)


def _ferry(w, site):
    """#31: the ferry round trip on one node — its own bundle carried into its own inbox is
    held already, and its receipt confirms it (two nodes: tests/plone/preservation/
    test_ferry_nodes.py)."""
    import json
    import shutil

    from sd.archive.preservation import config

    w.call("valid", "/@ferry", "get", f"{site}/@ferry", "admin", 200)
    w.call("invalid", "/@ferry", "get", f"{site}/@ferry", None, 401)
    path = "/@ferry-export"
    w.call("invalid", path, "post", f"{site}{path}", "admin", 400, json={"limit": 0})
    written = w.call("valid", path, "post", f"{site}{path}", "admin", 201).json()
    ferry = config.work_dir("ferry")
    (ferry / "inbox").mkdir(exist_ok=True)
    shutil.copy(ferry / "outbox" / written["bundle"], ferry / "inbox" / written["bundle"])
    w.call("invalid", "/@ferry-import", "post", f"{site}/@ferry-import", None, 401)
    imported = w.call("valid", "/@ferry-import", "post", f"{site}/@ferry-import", "admin", 200)
    receipt = json.loads(
        (ferry / "receipts" / imported.json()["imports"][0]["receipt"]).read_text()
    )
    path = "/@ferry-receipt"
    w.call("invalid", path, "post", f"{site}{path}", "admin", 422, json={"receipt": {}, "note": ""})
    w.call("valid", path, "post", f"{site}{path}", "admin", 200, json=receipt)
    w.call("valid", "/@renewal", "post", f"{site}/@renewal", "admin", 202)
    w.call("invalid", "/@renewal", "post", f"{site}/@renewal", None, 401)
    w.call("valid", "/@renewal", "get", f"{site}/@renewal", "admin", 200)
    w.call("invalid", "/@renewal", "get", f"{site}/@renewal", None, 401)
    _moves(w, site)


def _moves(w, site):
    """#31 item 4: whole-repository moves — an export started in the background and
    followed to its end; an import of an export made here (no fonds in it: only this node's
    audit trail, so the site already holding everything does not refuse it)."""
    import time

    from sd.archive.moves import jobs
    from sd.archive.moves.exporter import export_repository

    path = "/@repository-export"
    w.call("invalid", path, "post", f"{site}{path}", None, 401)
    started = w.call("valid", path, "post", f"{site}{path}", "admin", 202).json()
    for _ in range(120):  # the background export ends (its answer is checked below)
        exports = w.session("admin").get(f"{site}{path}").json()["exports"]
        if not next(e for e in exports if e["id"] == started["id"])["running"]:
            break
        time.sleep(0.5)
    exports = w.call("valid", path, "get", f"{site}{path}", "admin", 200).json()["exports"]
    assert next(e for e in exports if e["id"] == started["id"])["state"] == "done", exports
    w.call("invalid", path, "get", f"{site}{path}", None, 401)
    path = "/@repository-import"
    w.call("invalid", path, "post", f"{site}{path}", "admin", 400, json={"path": "../x"})
    w.call("invalid", path, "post", f"{site}{path}", None, 401, json={"path": started["id"]})
    # the full export: this site holds its records already (MOVE-EXISTS, nothing imported)
    w.call("invalid", path, "post", f"{site}{path}", "admin", 422, json={"path": started["id"]})
    portal = w.world["portal"]
    setSite(portal)
    export_repository(portal, jobs.exports_dir() / "walk-trail-only", root_types=())
    transaction.commit()
    w.call("valid", path, "post", f"{site}{path}", "admin", 200, json={"path": "walk-trail-only"})
    # the trail it brought along, read-only, through the auditor's @audit-trail
    imported = w.session("auditor").get(f"{site}/@audit-trail").json()["imported"]
    trail = {"trail": imported[-1]["name"]}
    w.call("valid", "/@audit-trail", "get", f"{site}/@audit-trail", "auditor", 200, params=trail)
    w.call(
        "invalid",
        "/@audit-trail",
        "get",
        f"{site}/@audit-trail",
        "auditor",
        404,
        params={"trail": "no-such-trail"},
    )


def _transfer(w, site, j001, world):
    zip_ = {"Content-Type": "application/zip"}
    package = sample("transfer-5-records.zip")
    first = rezipped(package)  # the resubmitted package below must differ from the first
    made = w.call(
        "valid",
        "/@transfer",
        "post",
        f"{site}/@transfer",
        "svc",
        201,
        data=first,
        headers={**zip_, "Prefer": "wait"},
    )
    w.call("invalid", "/@transfer", "post", f"{site}/@transfer", "svc", 400, data=b"", headers=zip_)
    batch = made.json()["@id"]
    w.call(
        "valid",
        "/{batch}/@detection",
        "get",
        f"{batch}/@detection",
        "admin",
        200,
        params={"outcome": "failed"},
    )
    w.call("invalid", "/{batch}/@detection", "get", f"{batch}/@detection", None, 401)
    reasons = {"reasons": {"J001-WS·2018-D30-BGS-0001": "请重新计算摘要值"}}
    w.call(
        "invalid",
        "/{batch}/@return",
        "post",
        f"{batch}/@return",
        "archivist",
        400,
        data=b"{",
        headers={"Content-Type": "application/json"},
    )
    w.call("valid", "/{batch}/@return", "post", f"{batch}/@return", "archivist", 200, json=reasons)
    w.call(
        "invalid",
        "/{batch}/@resubmit",
        "post",
        f"{batch}/@resubmit",
        "svc",
        400,
        data=b"",
        headers=zip_,
    )
    again = w.call(
        "valid",
        "/{batch}/@resubmit",
        "post",
        f"{batch}/@resubmit",
        "svc",
        201,
        data=package,
        headers={**zip_, "Prefer": "wait"},
    )
    # a finished batch does not resume: the documented 409 (a running one needs a worker killed)
    w.call("invalid", "/{batch}/@resume", "post", f"{batch}/@resume", None, 401)
    w.call("valid", "/{batch}/@resume", "post", f"{batch}/@resume", "archivist", 409)
    w.call(
        "invalid",
        "/{batch}/@accept",
        "post",
        f"{batch}/@accept",
        "archivist",
        400,
        json={"manual": {"XX-9": {"outcome": "passed"}}},
    )
    manual = {
        i["code"]: {"outcome": "passed", "note": "完好"}
        for i in again.json().get("manual_items", [])
    }
    w.call(
        "valid",
        "/{batch}/@accept",
        "post",
        f"{batch}/@accept",
        "archivist",
        200,
        json={"manual": manual},
    )
    path = "/{fonds}/@transfer-out"
    out = w.call(
        "valid",
        path,
        "post",
        f"{j001}/@transfer-out",
        "admin",
        201,
        json={"uids": [world["old_uid"]]},
    )
    w.call("invalid", path, "post", f"{j001}/@transfer-out", "admin", 422, json={"year": 2999})
    path = "/@transfer-receipt/{batch_uid}"
    uid = out.json().get("UID", "") if out.status_code == 201 else ""
    receipt = base64.b64encode(b"{}").decode()
    # a receipt needs the archives' signatures: this one names no note of the package (422)
    w.call(
        "valid",
        path,
        "post",
        f"{site}/@transfer-receipt/{uid}",
        None,
        422,
        json={"receipt": receipt},
    )
    w.call("invalid", path, "post", f"{site}/@transfer-receipt/no-such-batch", None, 404, json={})
