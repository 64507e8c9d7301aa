import datetime as dt
import zipfile

import pytest

from sd.archive.core.seals.ses import SealFormatError
from sd.archive.core.seals.ses import parse_seal
from sd.archive.core.seals.ses import parse_ses_signature

UTC = dt.UTC


@pytest.mark.parametrize(
    "name, version, seal_name, start, end",
    [
        (
            "UserV1.esl",
            1,
            "OFDRW测试用印章",
            dt.datetime(2020, 4, 22, 2, 18, 7, tzinfo=UTC),
            dt.datetime(2022, 4, 22, 2, 18, 7, tzinfo=UTC),
        ),
        (
            "UserV4.esl",
            4,
            "OFD R&W 测试用印章",
            dt.datetime(2020, 4, 22, 2, 9, tzinfo=UTC),
            dt.datetime(2022, 4, 22, 2, 9, tzinfo=UTC),
        ),
    ],
)
def test_seal_files(samples, name, version, seal_name, start, end):
    seal = parse_seal((samples / name).read_bytes())
    assert seal.version == version
    assert seal.name == seal_name
    assert (seal.valid_start, seal.valid_end) == (start, end)
    assert seal.picture.format == "png" and seal.picture.data.startswith(b"\x89PNG")
    assert (seal.picture.width, seal.picture.height) == (40, 40)
    assert "Test Certificate" in seal.maker_cert.subject
    assert seal.verify_maker()


def test_seal_maker_signature_detects_change(samples):
    data = bytearray((samples / "UserV4.esl").read_bytes())
    index = data.index("测试用印章".encode())
    data[index] ^= 0x01
    assert not parse_seal(bytes(data)).verify_maker()


def test_detached_signed_value(samples):
    ses = parse_ses_signature((samples / "SignedValueV4.dat").read_bytes())
    assert ses.version == 4
    assert ses.signing_time == dt.datetime(2020, 10, 12, 11, 14, 3, tzinfo=UTC)
    assert ses.verify_signature() and ses.seal.verify_maker()
    assert ses.algorithm == "1.2.156.10197.1.501"


@pytest.mark.parametrize(
    "name, entry, picture",
    [
        ("1.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat", "ofd"),
        ("keyword.ofd", "Doc_0/Signs/Sign_1/SignedValue.dat", "png"),
        ("SignScaleError.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat", "ofd"),
    ],
)
def test_signature_values_in_samples(samples, name, entry, picture):
    ses = parse_ses_signature(zipfile.ZipFile(samples / name).read(entry))
    assert ses.seal.picture.format == picture
    assert ses.verify_signature()
    assert ses.signer_cert.not_before < ses.signing_time < ses.signer_cert.not_after


def test_unreadable():
    with pytest.raises(SealFormatError):
        parse_ses_signature(b"\x30\x03\x02\x01\x04")
