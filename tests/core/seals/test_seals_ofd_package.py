import io
import zipfile

import pytest

from sd.archive.core.errors import PackageError
from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.ofd.package import write_package


@pytest.mark.parametrize(
    "name, pages, doc_type, signatures",
    [
        ("helloworld.ofd", ["Doc_0/Pages/Page_0/Content.xml"], "OFD", 0),
        ("chineseDir.ofd", ["Doc_0/Pages/Page_0/Content.xml"], "OFD", 0),
        (
            "path_unstd.ofd",
            ["Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_Insert_55_2/Content.xml"],
            "OFD",
            0,
        ),
        ("test-ofda.ofd", ["Doc_0/Pages/Page_0/Content.xml"], "OFD-A", 0),
        ("keyword.ofd", ["Doc_0/Pages/Page_0/Content.xml"], "OFD", 2),
        ("SignScaleError.ofd", ["Doc_0/Pages/Page_0/Content.xml"], "OFD", 1),
    ],
)
def test_structure(samples, name, pages, doc_type, signatures):
    package = OfdPackage.open(samples / name)
    doc = package.documents[0]
    assert [p.path for p in doc.pages] == pages
    assert all(package.exists(p.path) for p in doc.pages)
    assert package.doc_type == doc_type
    assert package.is_ofd_a == (doc_type == "OFD-A")
    assert len(doc.signatures) == signatures


def test_chinese_entry_names(samples):
    package = OfdPackage.open(samples / "chineseDir.ofd")
    assert package.read("Doc_0/Res/这是一个中文目录/数据文件.txt")


@pytest.mark.parametrize(
    "ref, base, expected",
    [
        ("/Doc_0/Document.xml", "OFD.xml", "Doc_0/Document.xml"),
        ("Doc_0/Document.xml", "OFD.xml", "Doc_0/Document.xml"),
        ("Pages/Page_0/Content.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"),
        ("/Doc_0/Pages/Page_0/Content.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"),
        # non-standard: root-relative path written without the leading slash
        ("Doc_0/PublicRes.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"),
        ("../Document.xml", "Doc_0/Pages/Page_0.xml", "Doc_0/Document.xml"),
        ("doc_0\\document.xml", "OFD.xml", "Doc_0/Document.xml"),
    ],
)
def test_resolve(samples, ref, base, expected):
    package = OfdPackage.open(samples / "helloworld.ofd")
    assert package.resolve(ref, base) == expected


def test_signature_description(samples):
    package = OfdPackage.open(samples / "keyword.ofd")
    seal, sign = package.documents[0].signatures
    assert (seal.kind, sign.kind) == ("seal", "sign")
    assert seal.seal_path == "Doc_0/Signs/Sign_1/Seal.esl"
    assert seal.stamp_annots[0].page_ref == "1"
    assert seal.stamp_annots[0].boundary == (90.0, 110.0, 42.0, 42.0)
    assert seal.check_method == "SM3"
    assert len(sign.references) == 9 and len(sign.references[0].check_value) == 32


def test_signature_type_defaults_to_seal(samples):
    sig = OfdPackage.open(samples / "1.ofd").documents[0].signatures[0]
    assert sig.type == "Seal" and sig.kind == "seal"


@pytest.mark.parametrize(
    "payload",
    [b"not a zip", None],
)
def test_not_ofd(payload):
    if payload is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("hello.txt", "x")
        payload = buffer.getvalue()
    with pytest.raises(PackageError) as info:
        OfdPackage.open(payload)
    assert info.value.status == 415


def test_write_package_roundtrip(samples):
    package = OfdPackage.open(samples / "chineseDir.ofd")
    again = OfdPackage.open(write_package(dict(package.entries)))
    assert again.entries == package.entries
