"""@verify answers everyone, names only what the caller may see, bounds what it inflates;
malformed JSON on any sd.archive endpoint is a 400 in the error shape."""

import io
import os
import zipfile

import pytest
import transaction
from plone import api

from sd.archive.core import digests
from sd.archive.testing import rest_session

PASSWORD = "secret-12345"


@pytest.fixture
def member(fportal):
    api.user.create(email="m@example.org", username="member", password=PASSWORD)
    transaction.commit()


@pytest.mark.parametrize("user", [None, "member"])
def test_digest_of_a_record_the_caller_cannot_open(fportal, unique, member, user):
    record, files = unique
    assert not api.user.has_permission("View", username="member", obj=record)
    digest = digests.digest_bytes(files["正本.pdf"])
    session = rest_session(fportal, user, PASSWORD)
    response = session.post("@verify", json={"digest": digest})
    assert response.status_code == 200, response.text[:2000]
    answer = response.json()
    assert answer["found"]
    match = answer["matches"][0]
    assert match["message"] == "matches a record held here"
    assert match["record"] == {"held": True, "intact": True}
    assert match["ledger_index"] >= 0 and match["leaf_hash"] and match["checkpoint"]
    assert match["archival_code"] is None and match["path"] is None
    assert match["entry"]["redacted"] and match["entry"]["code"] == ""
    for secret in (record.archival_code, record.title, "正本.pdf", record.UID()):
        assert secret not in response.text
    # who may open it is told what it is
    admin = rest_session(fportal, "admin").post("@verify", json={"digest": digest})
    assert admin.json()["matches"][0]["archival_code"] == record.archival_code


def zip_of(**members) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_verify_package_bounds_what_it_inflates(admin):
    bomb = zip_of(**{"a.pdf": b"\0" * (4 * 1024 * 1024)})
    response = admin.post("@verify", data=bomb, headers={"Content-Type": "application/zip"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "zip.ratio"
    data = os.urandom(5000)
    lying = bytearray(zip_of(**{"b.pdf": data}))
    for magic, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # declare 100 bytes
        pos = lying.find(magic)
        lying[pos + at : pos + at + 4] = (100).to_bytes(4, "little")
    response = admin.post("@verify", data=bytes(lying), headers={"Content-Type": "application/zip"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "zip.size-mismatch"


@pytest.mark.parametrize(
    "where",
    [
        "site/@verify",
        "site/@ledger/nodes",
        "site/@ledger/cosignature",
        "fonds/@transfer-out",
        "record/@strip-seal",
        "record/@correct",
        "record/@correct-code",
        "PATCH record/",
    ],
)
def test_malformed_json_is_400_everywhere(fportal, ffonds, archive, admin, where):
    method, _, where = where.rpartition(" ")
    context, name = where.split("/", 1)
    obj = {"site": fportal, "fonds": ffonds}.get(context) or archive(ffonds, 9)
    transaction.commit()
    response = admin.request(
        method or "POST",
        f"{obj.absolute_url()}/{name}",
        data=b'{"digest": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, (where, response.status_code, response.text[:500])
    body = response.json()
    assert body["type"] == "BadRequest" and body["errors"][0]["code"] == "request.not-json"
