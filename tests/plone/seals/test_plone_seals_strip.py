"""Strip a seal's digital data, keep its image — end to end over REST, the form, permissions."""

import pytest
import transaction
from plone import api
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.restapi.testing import RelativeSession
from seal_helpers import pyhanko_signed_pdf
from seal_helpers import record_with
from zope.component.hooks import setSite
from zope.interface import alsoProvides

from sd.archive.core.seals.ofd.elements import child
from sd.archive.core.seals.ofd.elements import descendants
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.sm2 import sm3_hex
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.numbering import assign_code
from sd.archive.seals import settings
from sd.archive.seals import stripping
from sd.archive.testing import make_fonds

PASSWORD = "secret-12345"
ACCOUNTS = {"officer": ["RecordsOfficer", "Reader"], "submitter": ["Submitter"], "member": []}


@pytest.fixture
def ledger_calls(monkeypatch):
    """A spy on the real ledger: records each call and lets the ledger check and store it."""
    calls = []
    real = stripping.log_event

    def record_call(event, record=None, **kw):
        calls.append((event, record.UID() if record is not None else None, kw))
        return real(event, record, **kw)

    monkeypatch.setattr(stripping, "log_event", record_call)
    return calls


@pytest.fixture
def site(functional, samples, tmp_path):
    """Functional site: fonds J001, accounts, an archived record with allprotected.ofd
    (a PNG seal on page 1) and a pre-archived one with an unsigned OFD."""
    portal = functional["portal"]
    setSite(portal)
    setRoles(portal, TEST_USER_ID, ["Manager"])
    login(portal, TEST_USER_NAME)
    api.portal.set_registry_record("sd.archive.seals.key_path", str(tmp_path / "seals" / "k.key"))
    settings.create_demo_key()
    fonds = make_fonds(portal)
    for user_id, local in ACCOUNTS.items():
        api.user.create(
            email=f"{user_id}@example.org", username=user_id, password=PASSWORD, roles=("Member",)
        )
        if local:
            api.user.grant_roles(username=user_id, obj=fonds, roles=local)
    signed = record_with(fonds, "正本.ofd", (samples / "allprotected.ofd").read_bytes(), n=1)
    assign_code(signed, "WS", 2023, "Y", "BGS")
    api.content.transition(signed, transition="archive")
    record_with(fonds, "hello.ofd", (samples / "helloworld.ofd").read_bytes(), n=2)
    transaction.commit()
    logout()
    return portal


def session(portal, user):
    s = RelativeSession(portal.absolute_url(), test=None)
    s.headers.update({"Accept": "application/json"})
    s.auth = (user, PASSWORD)
    return s


def records(portal):
    transaction.begin()
    fonds = portal["j001"]
    return fonds["r-seal-000001"], fonds["r-seal-000002"]


def test_strip_end_to_end_over_rest(site, ledger_calls):
    record, _ = records(site)
    original = record["c001"]
    before_ids, original_sha = sorted(record.objectIds()), original.sha256
    http = session(site, "officer")
    seals = http.get(f"{record.absolute_url()}/@seals").json()
    assert seals["can_strip"] is True
    assert seals["components"][0]["verdicts"][0]["status"] == "valid"
    picture_url = seals["components"][0]["verdicts"][0]["picture_url"]
    assert http.get(picture_url).headers["Content-Type"] == "image/png"

    response = http.post(
        f"{record.absolute_url()}/@strip-seal",
        json={"component": original.UID(), "reason": "利用版：证书将过期"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == body["@id"]

    record, _ = records(site)
    original = record["c001"]
    new = record[body["component"]["id"]]
    assert sorted(record.objectIds()) == sorted([*before_ids, new.getId()])
    assert original.sha256 == original_sha  # the preservation version is untouched
    assert new.version_of == original.UID() and new.seal_stripped is True
    assert new.file.filename == "正本-去签章.ofd"

    # the stripped OFD opens, has no signature entries, shows the seal image on page 1
    package = OfdPackage.open(new.file.data)
    assert all(doc.signatures_path is None for doc in package.documents)
    assert not any("/Signs/" in n or n.endswith("Signatures.xml") for n in package.names)
    doc = package.documents[0]
    page = package.xml(doc.pages[0].path)
    images = [e for e in descendants(page, "ImageObject") if e.get("Boundary") == "50 50 40 40"]
    assert len(images) == 1
    res_path = doc.document_res[0]
    res = package.xml(res_path)
    media = next(
        m for m in descendants(res, "MultiMedia") if m.get("ID") == images[0].get("ResourceID")
    )
    image = package.read(
        package.resolve(res.get("BaseLoc", "") + "/" + child(media, "MediaFile").text, res_path)
    )
    entry = record.strip_log[-1]
    assert sm3_hex(image) == entry["verdicts"][0]["picture"]["sm3"]

    # provenance on the record: verification result, certificate, digests, reason, actor
    assert entry["reason"] == "利用版：证书将过期" and entry["actor"] == "officer"
    assert entry["status"] == "valid" and entry["business_entity"] == "验证"
    assert "BEGIN CERTIFICATE" in entry["verdicts"][0]["elements"]["M62"]
    assert entry["original"]["sm3"] == original.sm3 and entry["result"]["sm3"] == new.sm3
    assert entry["stamps"][0]["kept"] is True and entry["stamps"][0]["page_index"] == 0
    assert entry["stripped_component"] == new.UID()
    assert record.seal_stripped is True and new.strip_log == [entry]
    assert any(f.get("business_entity") == "验证" for f in record.seal_findings)
    # ... and in the ledger, once
    assert [(c[0], c[1]) for c in ledger_calls] == [("seal-strip", record.UID())]
    call = ledger_calls[0][2]
    assert "content" not in call  # the entry states all the record's files, both of these
    assert call["actor"] == "officer" and call["package_digest"] == new.sm3
    assert isinstance(entry["ledger"]["ledger_index"], int)  # a real entry in the real ledger
    assert entry["ledger"]["leaf_hash"]

    listed = {c["id"]: c for c in http.get(f"{record.absolute_url()}/@seals").json()["components"]}
    assert (
        listed[new.getId()]["status"] == "unsigned" and listed[new.getId()]["seal_stripped"] is True
    )
    http.close()


@pytest.mark.parametrize(
    "payload,status,code",
    [
        ({"reason": "x"}, 400, "seal.strip.component"),
        ({"component": "nope", "reason": "x"}, 400, "seal.strip.component"),
        ({"component": "ORIGINAL", "reason": "  "}, 400, "seal.strip.reason"),
        ({"component": "ORIGINAL"}, 400, "seal.strip.reason"),
        (
            {"component": "UNSIGNED", "reason": "x"},
            400,
            "seal.strip.component",
        ),  # of another record
        ([1, 2], 400, None),
    ],
)
def test_bad_requests_store_nothing(site, ledger_calls, payload, status, code):
    record, other = records(site)
    uids = {"ORIGINAL": record["c001"].UID(), "UNSIGNED": other["c001"].UID()}
    if isinstance(payload, dict) and payload.get("component") in uids:
        payload = dict(payload, component=uids[payload["component"]])
    ids, log = sorted(record.objectIds()), list(record.strip_log or [])
    http = session(site, "officer")
    response = http.post(f"{record.absolute_url()}/@strip-seal", json=payload)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"type", "message", "errors"}
    if code:
        assert code in [e["code"] for e in body["errors"]]
    record, _ = records(site)
    assert sorted(record.objectIds()) == ids and list(record.strip_log or []) == log
    assert ledger_calls == []
    http.close()


def test_unsigned_file_cannot_be_stripped(site, ledger_calls):
    _, other = records(site)
    http = session(site, "officer")
    response = http.post(
        f"{other.absolute_url()}/@strip-seal",
        json={"component": other["c001"].UID(), "reason": "x"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "seal.strip.unsigned"
    _, other = records(site)
    assert other.objectIds() == ["c001"] and not other.strip_log and ledger_calls == []
    http.close()


@pytest.mark.parametrize("user", ["submitter", "member"])
def test_only_records_officers_may_strip(site, ledger_calls, user):
    record, _ = records(site)
    http = session(site, user)
    response = http.post(
        f"{record.absolute_url()}/@strip-seal",
        json={"component": record["c001"].UID(), "reason": "x"},
    )
    assert response.status_code in (401, 403)
    record, _ = records(site)
    assert not record.strip_log and ledger_calls == []
    http.close()


def test_strip_permission_roles(portal):
    roles = {r["name"] for r in portal.rolesOfPermission(stripping.PERMISSION) if r["selected"]}
    assert roles == {"Manager", "RecordsOfficer"}


# ---------------------------------------------------------------- the Classic UI form and viewlet
@pytest.fixture
def signed_pdf_record(fonds, users, portal, tmp_path):
    api.portal.set_registry_record("sd.archive.seals.key_path", str(tmp_path / "k.key"))
    return record_with(fonds, "signed.pdf", pyhanko_signed_pdf(), content_type="application/pdf")


def submit_form(portal, record, **fields):
    request = portal.REQUEST
    alsoProvides(request, ISdArchiveLayer)
    request.form.update({f"form.widgets.{k}": v for k, v in fields.items()})
    request.form["form.buttons.strip"] = "Strip seal data"
    request["REQUEST_METHOD"] = "POST"
    view = record.restrictedTraverse("@@strip-seal")
    html = view()
    return view, html


def test_form_requires_a_reason_and_confirmation(portal, signed_pdf_record, ledger_calls):
    record = signed_pdf_record
    uid = record["c001"].UID()
    login(portal, "officer")
    view, html = submit_form(portal, record, component=uid, reason="")
    assert view.form_instance.widgets["reason"].error is not None
    assert record.objectIds() == ["c001"]
    view, html = submit_form(portal, record, component=uid, reason="公开利用", confirm=[])
    assert "Confirm that the signature data" in html
    assert record.objectIds() == ["c001"] and ledger_calls == []


def test_form_strips_a_pdf_with_reason_and_confirmation(portal, signed_pdf_record, ledger_calls):
    record = signed_pdf_record
    uid = record["c001"].UID()
    login(portal, "officer")
    submit_form(portal, record, component=uid, reason="公开利用", confirm=["selected"])
    assert sorted(record.objectIds()) == ["c001", "c002"]
    new = record["c002"]
    assert new.version_of == uid and new.seal_findings == []
    assert b"/ByteRange" not in new.file.data
    assert record.strip_log[-1]["reason"] == "公开利用" and record.strip_log[-1]["format"] == "pdf"
    assert len(ledger_calls) == 1


def render_view(record):
    from plone.app.layout.globals.interfaces import IViewView

    view = record.restrictedTraverse("@@view")
    alsoProvides(view, IViewView)
    return view()


def test_viewlet_lists_verdicts_pictures_and_strip_link(portal, fonds, users, samples):
    record = record_with(fonds, "正本.ofd", (samples / "allprotected.ofd").read_bytes())
    alsoProvides(portal.REQUEST, ISdArchiveLayer)
    login(portal, "officer")
    html = render_view(record)
    assert 'id="sd-archive-seals"' in html
    assert "@@seal-picture/" in html and "seal-status-valid" in html
    assert "@@strip-seal?form.widgets.component=" in html
    login(portal, "submitter")
    html = render_view(record)
    assert 'id="sd-archive-seals"' in html and "@@strip-seal" not in html
