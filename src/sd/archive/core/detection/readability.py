"""Readability of stored files (内容数据可读性): the file still opens as its format.

PDF: the document catalogue and page tree are read with pyHanko's PDF reader (the one the
seal checks use); OFD: the package is opened with the project's OFD reader
(:mod:`sd.archive.core.seals.ofd.package`) and must hold a document with pages; images are
decoded with Pillow; XML must parse. Other formats are only recognised (no reader here).
"""

from __future__ import annotations

import threading

from sd.archive.core.detection.formats import canonical
from sd.archive.core.detection.formats import xml_problem

IMAGES = frozenset({"JPEG", "PNG", "TIFF", "GIF", "BMP"})


def _pdf(location: str) -> str:
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(location, "rb") as fp:
        reader = PdfFileReader(fp, strict=False)
        pages = reader.root["/Pages"]
        count = int(pages["/Count"])
        if count < 1:
            return "PDF 没有页面 / no pages"
        reader.root["/Pages"]["/Kids"][0].get_object()  # the first page resolves
    return ""


def _ofd(location: str) -> str:
    from sd.archive.core.seals.ofd.package import OfdPackage

    package = OfdPackage.open(location)
    if not package.documents:
        return "OFD 没有文档 / no DocBody"
    if not any(doc.pages for doc in package.documents):
        return "OFD 没有页面 / no pages"
    return ""


_STRICT = threading.Lock()


def _image(location: str) -> str:
    from PIL import Image
    from PIL import ImageFile

    with Image.open(location) as image:
        image.verify()  # the container (PNG chunk CRCs …)
    # plone.scale turns on LOAD_TRUNCATED_IMAGES for the whole process; a truncated image must
    # fail here, so the decode runs strict (the default Pillow behaviour) under a lock
    with _STRICT, Image.open(location) as image:
        before, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()  # decodes every pixel: a truncated file fails here
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before
    return ""


def unreadable(location: str | None, fmt: str | None) -> str:
    """Why the file at ``location`` does not open as ``fmt`` ('' when it does, or when no
    reader exists for the format)."""
    if location is None:
        return "文件不存在 / no stored file"
    kind = canonical(fmt)
    try:
        if kind == "PDF":
            return _pdf(location)
        if kind == "OFD":
            return _ofd(location)
        if kind in IMAGES:
            return _image(location)
        if kind == "XML":
            return xml_problem(location)
    except Exception as exc:  # noqa: BLE001 - any reader error means "does not open"
        return f"{type(exc).__name__}: {exc}"[:300]
    return ""
