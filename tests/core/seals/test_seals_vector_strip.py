"""Vector seals (the seal picture is itself an OFD): stripping draws the seal's own page objects
at the stamp's Boundary, with their resources, and leaves no signature behind."""

import pytest
from lxml import etree

from sd.archive.core.seals.ofd.package import OfdPackage
from sd.archive.core.seals.strip import strip_ofd
from sd.archive.core.seals.verify import verify_ofd

VECTOR_SEALED = ["1.ofd", "signedFile.ofd", "v4signed.ofd", "SignScaleError.ofd", "发票示例.ofd"]


def local(tag):
    return etree.QName(tag).localname


def all_ids(package):
    """Every object and resource ID of the package's OFD XML files (others are skipped)."""
    ids = []
    for name in package.names:
        if name.lower().endswith(".xml"):
            try:
                root = etree.fromstring(package.entries[name])
            except etree.XMLSyntaxError:
                continue
            if etree.QName(root).namespace not in (None, "http://www.ofdspec.org/2016"):
                continue  # attached business XML (e.g. an e-invoice's own data file)
            ids += [e.get("ID") for e in root.iter() if e.get("ID")]
    return ids


@pytest.mark.parametrize("name", VECTOR_SEALED)
def test_vector_seal_drawn_in_place(samples, name):
    original = (samples / name).read_bytes()
    verdict = verify_ofd(original).verdicts[0]
    assert verdict.picture_type == "ofd"
    stripped, provenance = strip_ofd(original)
    stamp = provenance["stamps"][0]
    assert stamp["kept"] and stamp["image_format"] == "ofd" and stamp["vector_objects"] > 0

    package = OfdPackage.open(stripped)
    doc = package.documents[0]
    assert doc.signatures_path is None and not doc.signatures
    assert not any("/Signs/" in n or n.endswith("Signatures.xml") for n in package.names)

    page = doc.pages[stamp["page_index"]]
    content = etree.fromstring(package.entries[page.path])
    layer = [
        e
        for e in content.iter()
        if local(e.tag) == "Layer" and e.get("ID") == str(stamp["layer_id"])
    ][0]
    assert len(layer) == stamp["vector_objects"]
    x, y, w, h = stamp["boundary"]
    for obj in layer:  # each drawn object sits on the stamp (its centre inside the Boundary)
        bx, by, bw, bh = (float(v) for v in obj.get("Boundary").split())
        cx, cy = bx + bw / 2, by + bh / 2
        assert x <= cx <= x + w and y <= cy <= y + h, obj.get("Boundary")

    ids = all_ids(package)
    assert len(ids) == len(set(ids)), "object IDs must stay unique"
    drawn = {e.get(a) for e in layer.iter() for a in ("Font", "ColorSpace") if e.get(a)}
    assert drawn <= set(ids), "every font and colour space drawn must be in the resources"


def test_each_stripped_vector_seal_is_a_new_package(samples):
    for name in VECTOR_SEALED:
        original = (samples / name).read_bytes()
        stripped, provenance = strip_ofd(original)
        assert stripped != original
        assert provenance["original"]["sm3"] != provenance["result"]["sm3"]
