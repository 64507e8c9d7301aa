"""Stored verdicts equal the core's, on every OFD sample, on pyHanko-signed PDFs and tampered
copies."""

import io
import json
import zipfile

import pytest
from plone import api
from seal_helpers import OFD_SAMPLES
from seal_helpers import plain_pdf
from seal_helpers import pyhanko_signed_pdf
from seal_helpers import record_with
from seal_helpers import tampered

from sd.archive.core.detection.context import DetectionContext
from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.pdf import verify_pdf
from sd.archive.core.seals.verify import verify_ofd
from sd.archive.seals import signature_verifier
from sd.archive.seals import verify_path
from sd.archive.seals.verification import picture
from sd.archive.testing import make_record


def core_dicts(verdicts):
    return [v.as_dict() for v in verdicts]


def stored_core_part(findings, core):
    """The part of each stored finding that the core verdict defines."""
    return [{k: f[k] for k in c} for f, c in zip(findings, core, strict=True)]


@pytest.mark.parametrize("name", OFD_SAMPLES)
def test_every_ofd_sample_stored_verdict_equals_core(fonds, samples, name):
    data = (samples / name).read_bytes()
    record = record_with(fonds, name, data)
    component = record["c001"]
    report = verify_ofd(data, TrustStore())
    core = core_dicts(report.verdicts)
    findings = component.seal_findings
    signature_findings = [f for f in findings if f["id"]]
    assert stored_core_part(signature_findings, core) == core
    # a seal image without any signature is reported, not silently passed
    file_level = [f for f in findings if not f["id"]]
    assert [r for f in file_level for r in f["reasons"]] == (
        [report.unsigned_reason.as_dict()] if report.unsigned_reason else []
    )
    # DA/T 46 elements, JSON-ready and without raw picture bytes
    for item, verdict in zip(signature_findings, report.verdicts, strict=True):
        assert item["elements"]["M61"] == verdict.status
        assert item["elements"]["M64"] == verdict.algorithm
        assert item["component"] == component.UID()
        if verdict.signer_cert is not None:
            assert "BEGIN CERTIFICATE" in item["elements"]["M62"]
    text = json.dumps(findings, ensure_ascii=False)
    assert len(text) < 20000
    for verdict in report.verdicts:
        if verdict.picture:
            assert verdict.picture[:64].hex() not in text
    assert record.seal_findings == findings


EXPECTED = {
    "1.ofd": "valid",
    "signedFile.ofd": "valid",
    "v4signed.ofd": "valid",
    "SignScaleError.ofd": "valid",
    "allprotected.ofd": "valid",
    "SESV4SignDoc.ofd": "invalid",
    "发票示例.ofd": "invalid",
    "keyword.ofd": "invalid",
    "DigitalSign.ofd": "unverifiable",
    "signout.ofd": "unverifiable",
    "helloworld.ofd": "unsigned",
}


@pytest.mark.parametrize("name,status", sorted(EXPECTED.items()))
def test_file_status_on_the_record_page_data(fonds, samples, name, status):
    from sd.archive.seals.summary import record_seals

    record = record_with(fonds, name, (samples / name).read_bytes())
    assert record_seals(record)[0]["status"] == status


def test_raster_seal_picture_kept_as_small_image_and_served(fonds, samples, portal):
    record = record_with(fonds, "allprotected.ofd", (samples / "allprotected.ofd").read_bytes())
    component = record["c001"]
    finding = component.seal_findings[0]
    key = finding["picture"]["sm3"]
    image = picture(component, key)
    assert image is not None and image.contentType in ("image/png", "image/jpeg")
    view = component.restrictedTraverse("@@seal-picture")
    view.publishTraverse(portal.REQUEST, key)
    assert view() == image.data
    assert portal.REQUEST.response.getHeader("Content-Type") == image.contentType


def test_vector_seal_picture_not_stored(fonds, samples):
    record = record_with(fonds, "1.ofd", (samples / "1.ofd").read_bytes())
    component = record["c001"]
    finding = component.seal_findings[0]
    assert finding["picture"]["type"] == "ofd"
    assert picture(component, finding["picture"]["sm3"]) is None


def _flip_entry(data: bytes, entry: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == entry:
                body = body.replace(b">", b"> ", 1)
            dst.writestr(info, body)
    return out.getvalue()


def test_tampered_ofd_turns_invalid(fonds, samples):
    data = (samples / "allprotected.ofd").read_bytes()
    bad = _flip_entry(data, "Doc_0/Document.xml")
    record = record_with(fonds, "tampered.ofd", bad)
    findings = record["c001"].seal_findings
    assert findings[0]["status"] == "invalid"
    assert "ofd.reference-digest" in [r["code"] for r in findings[0]["reasons"]]
    assert findings == [dict(f, verified_at=findings[0]["verified_at"]) for f in findings]
    assert stored_core_part(findings, core_dicts(verify_ofd(bad).verdicts)) == core_dicts(
        verify_ofd(bad).verdicts
    )


def test_pdf_signed_by_pyhanko_and_tampered_copy(fonds):
    signed = pyhanko_signed_pdf()
    good = record_with(fonds, "signed.pdf", signed, n=1, content_type="application/pdf")
    findings = good["c001"].seal_findings
    core = core_dicts(verify_pdf(signed)["verdicts"])
    assert stored_core_part(findings, core) == core
    assert findings[0]["status"] == "valid" and "测试签名人" in findings[0]["signer"]
    assert findings[0]["elements"]["M58"].startswith("PDF")
    bad = tampered(signed)
    broken = record_with(fonds, "tampered.pdf", bad, n=2, content_type="application/pdf")
    assert broken["c001"].seal_findings[0]["status"] == "invalid"
    assert "pdf.integrity" in [r["code"] for r in broken["c001"].seal_findings[0]["reasons"]]


def test_unsigned_and_placeholder_pdfs_have_no_findings(fonds):
    assert (
        record_with(fonds, "plain.pdf", plain_pdf(), content_type="application/pdf")[
            "c001"
        ].seal_findings
        == []
    )
    assert make_record(fonds, n=9)["c001"].seal_findings == []


def test_trust_store_from_the_control_panel_is_used(fonds, samples):
    other = (samples / "sign_cert.pem").read_text()
    api.portal.set_registry_record("sd.archive.seals.trusted_certificates", other)
    record = record_with(fonds, "v4signed.ofd", (samples / "v4signed.ofd").read_bytes())
    finding = record["c001"].seal_findings[0]
    assert finding["status"] == "unverifiable"
    assert "cert.untrusted" in [r["code"] for r in finding["reasons"]]


@pytest.mark.parametrize(
    "name,ok",
    [
        ("v4signed.ofd", True),
        ("keyword.ofd", False),
        ("DigitalSign.ofd", None),
        ("helloworld.ofd", None),
    ],
)
def test_signature_verifier_for_detection(portal, samples, name, ok):
    path = samples / name
    result = signature_verifier(str(path), "OFD")
    assert result[0] is ok
    found_ok, message = result  # the detection core's contract
    assert isinstance(message, str) and message
    assert result.verdicts == verify_path(path, "OFD")
    assert [v["status"] for v in result.verdicts if v["id"]] == [
        v.status for v in verify_ofd(path).verdicts
    ]


def test_signature_verifier_in_the_detection_check(portal, samples):
    """The core's 'signatures' check calls it through DetectionContext (GD-1-1 / YJ-1-9)."""
    from sd.archive.core.detection.checks import formats

    class File:
        path = "正本/keyword.ofd"
        location = str(samples / "keyword.ofd")

    class Component:
        format = "OFD"
        signature_hint = False

    class Subject:
        metadata = object()

    context = DetectionContext(signature_verifier=signature_verifier)
    original = formats.component_files
    formats.component_files = lambda subject: [(Component(), File())]
    try:
        findings = formats.signatures(Subject(), None, context)
    finally:
        formats.component_files = original
    assert [(f.outcome, f.object) for f in findings] == [("failed", "正本/keyword.ofd")]
    assert "changed after signing" in findings[0].message
