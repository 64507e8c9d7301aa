"""The archiving seal (归档章) on an OFD the agency has signed: the agency's seal stays 有效 and
the archiving seal is a valid later signature (#22 item 17), on the real signed samples."""

import zipfile
from io import BytesIO

import pytest

from sd.archive.core.seals.archiving_seal import archive_ofd
from sd.archive.core.seals.certs import TrustStore
from sd.archive.core.seals.detached import verify_detached
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.ofd.package import write_package
from sd.archive.core.seals.seal_key import make_demo_key
from sd.archive.core.seals.seal_rendering import ArchivingSealFields
from sd.archive.core.seals.verify import verify_ofd

FIELDS = ArchivingSealFields("J001", "2026", "0001", "办公室", "永久", "3")
#: the samples whose agency seal verifies (1.ofd, signedFile and v4signed are e-invoices
#: protecting their page annotations too; SignScaleError another producer)
SIGNED = ["1.ofd", "signedFile.ofd", "v4signed.ofd", "SignScaleError.ofd"]


@pytest.fixture(scope="module", params=["ecdsa", "rsa"])
def key(request):
    return make_demo_key(algorithm=request.param)


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist() if not i.is_dir()}


def trust_for(original: bytes, key) -> TrustStore:
    """The archives' certificate and the agency's own signer and seal-maker certificates."""
    (agency,) = verify_ofd(original).verdicts
    return TrustStore.from_bytes([key.cert, agency.signer_cert.der, agency.maker_cert.der])


@pytest.mark.parametrize("name", SIGNED)
def test_agency_seal_stays_valid_and_archiving_seal_is_valid(samples, key, name):
    original = (samples / name).read_bytes()
    (agency,) = verify_ofd(original).verdicts
    assert agency.status == "valid"
    sealed, detached = archive_ofd(original, FIELDS, key)

    report = verify_ofd(sealed, trust_for(original, key))
    assert report.status == "valid", [v.as_dict() for v in report.verdicts]
    first, archiving = report.verdicts
    assert first.id == agency.id and first.status == "valid"  # 有效, not "Document.xml was changed"
    assert archiving.status == "valid" and archiving.kind == "sign"
    assert "示例档案馆归档章" in archiving.signer and archiving.page_index == 0

    # every entry the agency protects is byte for byte the same; only the signature list changed
    before, after = entries(original), entries(sealed)
    package = OfdPackage.open(original)
    protected = {ref.path for _doc, info in package.signatures for ref in info.references}
    assert all(after[path] == before[path] for path in protected)
    (signatures,) = [d.signatures_path for d in package.documents]
    assert {p for p in before if after[p] != before[p]} <= {signatures}
    # the archiving signature protects everything else, the agency's signature files included
    ((_doc, info),) = [(d, s) for d, s in OfdPackage.open(sealed).signatures if s.id != agency.id]
    covered = {ref.path for ref in info.references}
    assert {p for p in before if p != signatures} <= covered
    assert any(p.endswith("ArchivingSeal.png") for p in covered)
    assert verify_detached(sealed, detached, trusted=[key.cert]) == (True, [])


def test_a_changed_archiving_picture_breaks_the_archiving_seal_only(samples, key):
    original = (samples / "v4signed.ofd").read_bytes()
    sealed, _detached = archive_ofd(original, FIELDS, key)
    files = entries(sealed)
    (png,) = [p for p in files if p.endswith("ArchivingSeal.png")]
    files[png] = files[png][:-1] + bytes([files[png][-1] ^ 1])
    agency, archiving = verify_ofd(write_package(files)).verdicts
    assert agency.status == "valid"
    assert archiving.status == "invalid" and "ofd.reference-digest" in archiving.reason_codes


def test_a_signature_that_protects_the_signature_list_is_left_alone(samples, key):
    """allprotected.ofd's seal protects Signatures.xml: no later signature can be added, so the
    OFD stays as it is and the detached signature carries the archiving seal."""
    original = (samples / "allprotected.ofd").read_bytes()
    sealed, detached = archive_ofd(original, FIELDS, key)
    assert sealed == original
    assert [v.status for v in verify_ofd(sealed).verdicts] == ["valid"]
    assert verify_detached(original, detached, trusted=[key.cert]) == (True, [])
