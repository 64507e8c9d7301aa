"""GD-1-9 (电子签名、电子印章有效性, the signature part of 固化信息有效性 GD-1-1).

It uses the seal verifier: a valid seal passes, a page changed after signing fails the
package with the structured error, and nothing is stored."""

import io
import zipfile

from build_corpus import load
from build_corpus import remanifest
from build_corpus import set_file
from intake_helpers import holdings
from intake_helpers import post
from intake_helpers import zip_bytes

MAIN = "正本/正本.ofd"


def items(body, code):
    return [i for i in body["detection"]["items"] if i["code"] == code]


def tampered_ofd(data: bytes) -> bytes:
    """The same OFD with its signed page content changed (the seal no longer covers it)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "Doc_0/Pages/Page_0/Content.xml":
                payload = payload.replace(b"<", b" <", 1)
            dst.writestr(info, payload)
    return out.getvalue()


def test_valid_seal_passes_gd_1_9(site, svc):
    response = post(svc, "@pre-archive", zip_bytes(load("pre-archive-gongwen.zip")))
    assert response.status_code == 201, response.text
    found = items(response.json(), "GD-1-9")
    # verified, not left to a person: 'manual' would mean no verifier was consulted
    assert found and all(i["result"] == "passed" for i in found), found


def test_page_changed_after_signing_fails_gd_1_9(site, svc):
    files = load("pre-archive-gongwen.zip")
    files = remanifest(set_file(files, MAIN, tampered_ofd(files[MAIN])))
    before = holdings(site)
    response = post(svc, "@pre-archive", zip_bytes(files))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "DetectionFailed"
    failed = [e for e in body["errors"] if e["code"] == "GD-1-9"]
    assert failed and failed[0]["object"] == MAIN and failed[0]["property"] == "authenticity"
    assert holdings(site) == before


def test_storing_verifies_signed_files_and_skips_only_unsigned_pdfs(site, svc):
    """The reader's hint (no /ByteRange, not an OFD) spares only files with nothing to verify:
    a signed PDF and a sealed OFD are verified when stored, with findings on the component."""
    import sys
    from pathlib import Path

    import transaction

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "seals"))
    from seal_helpers import pyhanko_signed_pdf

    files = remanifest(
        set_file(load("pre-archive-gongwen.zip"), "附件/附件1.pdf", pyhanko_signed_pdf())
    )
    response = post(svc, "@pre-archive", zip_bytes(files))
    assert response.status_code == 201, response.text
    transaction.begin()
    record = site.unrestrictedTraverse(
        response.json()["@id"].replace(site.absolute_url(), "").lstrip("/")
    )
    findings = {c.path: c.seal_findings for c in record.objectValues() if c.role != "原始包"}
    assert findings[MAIN], "the sealed OFD was verified"
    assert findings["附件/附件1.pdf"], "the signed PDF was verified"
    assert findings["处理单/处理单.pdf"] == []  # unsigned: nothing to find
    assert not any("_v_unsigned" in c.__dict__ for c in record.objectValues())
