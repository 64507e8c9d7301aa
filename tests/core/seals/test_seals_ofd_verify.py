import zipfile

import gmssl_pyx
import pytest

from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.certs import load_certificate
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.ofd.package import write_package
from sd.archive.core.seals.ses import parse_ses_signature
from sd.archive.core.seals.verify import verify_ofd

# every sample gets a definite, explained verdict: file status, then (status, reasons) per signature
EXPECTED = [
    ("1.ofd", "valid", [("valid", set())]),
    ("signedFile.ofd", "valid", [("valid", set())]),
    ("v4signed.ofd", "valid", [("valid", set())]),
    ("SignScaleError.ofd", "valid", [("valid", set())]),
    ("allprotected.ofd", "valid", [("valid", set())]),
    # signed in 2026 with a seal and a certificate that expired in 2022
    (
        "SESV4SignDoc.ofd",
        "invalid",
        [("invalid", {"cert.not-valid-at-signing", "seal.not-valid-at-signing"})],
    ),
    # the same invoice as v4signed.ofd with Document.xml changed after signing
    ("发票示例.ofd", "invalid", [("invalid", {"ofd.reference-digest"})]),
    # OFD.xml, Document.xml and the page were changed after both signatures
    (
        "keyword.ofd",
        "invalid",
        [("invalid", {"ofd.reference-digest"}), ("invalid", {"ofd.reference-digest"})],
    ),
    # a bare SM2 signature with no certificate
    ("DigitalSign.ofd", "unverifiable", [("unverifiable", {"sign.no-certificate"})]),
    ("signout.ofd", "unverifiable", []),
    ("发票监制章-数科.ofd", "unverifiable", []),
    ("helloworld.ofd", "unsigned", []),
    ("chineseDir.ofd", "unsigned", []),
    ("path_unstd.ofd", "unsigned", []),
    ("test-ofda.ofd", "unsigned", []),
]


def test_every_sample_is_in_the_table(samples):
    assert {p.name for p in samples.glob("*.ofd")} == {row[0] for row in EXPECTED}


@pytest.mark.parametrize("name, status, signatures", EXPECTED)
def test_sample_verdicts(samples, name, status, signatures):
    report = verify_ofd(samples / name)
    assert report.status == status
    assert [(v.status, set(v.reason_codes)) for v in report.verdicts] == signatures
    for verdict in report.verdicts:
        assert verdict.checked or verdict.reasons  # explained either way
        assert verdict.as_dict()["status"] == verdict.status
    if not signatures and status == "unverifiable":
        assert report.as_dict()["reasons"][0]["code"] == "ofd.stamp-without-signature"


def test_valid_verdict_details(samples):
    (verdict,) = verify_ofd(samples / "allprotected.ofd").verdicts
    assert verdict.kind == "seal"
    assert verdict.seal_name == "OFD R&W 测试用印章"
    assert "Test Certificate" in verdict.signer
    assert verdict.signing_time.isoformat() == "2020-10-23T11:45:37+00:00"
    assert verdict.algorithm == "1.2.156.10197.1.501"
    assert verdict.picture_type == "png" and verdict.picture.startswith(b"\x89PNG")
    assert (verdict.page, verdict.page_index, verdict.boundary) == (
        "1",
        0,
        (50.0, 50.0, 40.0, 40.0),
    )
    assert any("no trust store" in note for note in verdict.notes)


def test_pkcs7_signature_checks_out_apart_from_the_changed_files(samples):
    sign = verify_ofd(samples / "keyword.ofd").verdicts[1]
    assert sign.kind == "sign"
    assert "PKCS#7 signer SM2 signature" in sign.checked
    assert "signed content = SM3(Signature.xml)" in sign.checked


def _flip(data: bytes, index: int) -> bytes:
    b = bytearray(data)
    b[index] ^= 0x20 if chr(b[index]).isalpha() else 0x01
    return bytes(b)


def _tampered(samples, name, entry, locate) -> bytes:
    package = OfdPackage.open(samples / name)
    entries = dict(package.entries)
    entries[entry] = _flip(entries[entry], locate(entries[entry]))
    return write_package(entries)


TAMPER = [
    # a page: the reference digest fails
    (
        "1.ofd",
        "Doc_0/Pages/Page_0/Content.xml",
        lambda d: d.index(b"<ofd:Page") + 6,
        "ofd.reference-digest",
    ),
    (
        "allprotected.ofd",
        "Doc_0/Pages/Page_0/Content.xml",
        lambda d: len(d) // 2,
        "ofd.reference-digest",
    ),
    (
        "SignScaleError.ofd",
        "Doc_0/Pages/Page_0/Content.xml",
        lambda d: len(d) // 2,
        "ofd.reference-digest",
    ),
    (
        "allprotected.ofd",
        "Doc_0/Signs/Sign_0/Seal.esl",
        lambda d: len(d) - 1,
        "ofd.reference-digest",
    ),
    # Signature.xml itself: the SES dataHash fails
    (
        "v4signed.ofd",
        "Doc_0/Signs/Sign_0/Signature.xml",
        lambda d: d.index(b'Company="') + 9,
        "ses.data-hash",
    ),
    (
        "signedFile.ofd",
        "Doc_0/Signs/Sign_0/Signature.xml",
        lambda d: d.index(b'Company="') + 9,
        "ses.data-hash",
    ),
    # the signature value: the signer's SM2 signature fails
    ("1.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat", lambda d: len(d) - 1, "ses.signature"),
    (
        "allprotected.ofd",
        "Doc_0/Signs/Sign_0/SignedValue.dat",
        lambda d: len(d) - 1,
        "ses.signature",
    ),
    # the seal name inside toSign: the signer's and the maker's signatures both fail
    (
        "allprotected.ofd",
        "Doc_0/Signs/Sign_0/SignedValue.dat",
        lambda d: d.index("测试用印章".encode()),
        "seal.maker-signature",
    ),
]


@pytest.mark.parametrize("name, entry, locate, code", TAMPER)
def test_one_flipped_byte_invalidates(samples, name, entry, locate, code):
    assert verify_ofd(samples / name).status == "valid"
    report = verify_ofd(_tampered(samples, name, entry, locate))
    (verdict,) = report.verdicts
    assert verdict.status == "invalid"
    assert code in verdict.reason_codes


def test_trust_store_unknown_issuer_is_not_valid(samples):
    unrelated = TrustStore.from_bytes([(samples / "sign_cert.pem").read_bytes()])
    (verdict,) = verify_ofd(samples / "1.ofd", trust=unrelated).verdicts
    assert verdict.status == "unverifiable"
    assert verdict.reason_codes == ["cert.untrusted", "cert.untrusted"]


def test_trust_store_with_the_certificates(samples):
    ses = parse_ses_signature(
        zipfile.ZipFile(samples / "allprotected.ofd").read("Doc_0/Signs/Sign_0/SignedValue.dat")
    )
    trust = TrustStore([ses.signer_cert, ses.seal.maker_cert])
    (verdict,) = verify_ofd(samples / "allprotected.ofd", trust=trust).verdicts
    assert verdict.status == "valid"
    assert not any("no trust store" in n for n in verdict.notes)


def test_bare_signature_with_wrong_trusted_certificate(samples):
    trust = TrustStore.from_bytes([(samples / "sign_cert.pem").read_bytes()])
    (verdict,) = verify_ofd(samples / "DigitalSign.ofd", trust=trust).verdicts
    assert verdict.status == "unverifiable"
    assert "no trusted certificate verifies it" in verdict.reasons[0].message


def test_cross_check_with_gmssl(samples):
    """The same SM2 verification with a second implementation (gmssl-pyx)."""
    ses = parse_ses_signature(
        zipfile.ZipFile(samples / "1.ofd").read("Doc_0/Signs/Sign_0/SignedValue.dat")
    )
    point = load_certificate(ses.signer_cert.der).public_point
    assert gmssl_pyx.sm2_verify(point[1:], ses.to_sign, ses.signature)
    assert not gmssl_pyx.sm2_verify(point[1:], ses.to_sign + b"x", ses.signature)
