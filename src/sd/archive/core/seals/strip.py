"""Remove the digital part of seals and signatures, keep their appearance.

去除签章数字信息保留印章图像. Used to make a use copy (利用版) of a signed record, e.g. when
the certificates have expired; the signed original stays the preservation copy (保存版).
The procedure (standards digest §9):

1. verify first and keep the verdicts, certificate details and digests (provenance);
2. OFD: for every StampAnnot, take the seal picture from ``SESeal.eSealInfo.picture``, add it
   to ``DocumentRes`` as ``MultiMedia Type="Image"`` and draw it at ``Boundary`` on page
   ``PageRef`` as an ``ImageObject`` in a new layer; PDF: draw each signature widget's
   appearance into the page content;
3. delete ``DocBody/Signatures`` and the ``Signs/`` folder (PDF: the signature fields, their
   values, DocMDP permissions), then re-write the file.

A seal picture that is itself an OFD (a vector seal, seen on tax seals) is drawn in place: its
page's graphic objects are copied into a new layer, scaled to the Boundary, with their fonts and
colour spaces moved into DocumentRes, so every viewer draws it as vectors (an image resource
with ``Format="OFD"`` is allowed by GB/T 33190 but not drawn by every viewer).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import BinaryIO

from .certs import TrustStore
from .ofd.edit import add_image_layer
from .ofd.edit import add_image_resource
from .ofd.edit import add_vector_layer
from .ofd.edit import remove_signatures
from .ofd.package import OfdPackage
from .ofd.package import write_package
from .sm2 import sm3_hex
from .verify import verify_ofd

EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "ofd": "ofd", "bmp": "bmp", "svg": "svg"}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def strip_ofd(
    source: bytes | str | Path | BinaryIO, trust: TrustStore | None = None
) -> tuple[bytes, dict]:
    """Strip an OFD: returns the new bytes and the provenance record (处理记录)."""
    package = OfdPackage.open(source)
    report = verify_ofd(package, trust)
    entries = dict(package.entries)
    stamps: list[dict] = []
    for (doc, info), verdict in zip(package.signatures, report.verdicts, strict=True):
        for annot in info.stamp_annots:
            page = doc.page_by_ref(annot.page_ref)
            record = {
                "signature": info.id,
                "page_ref": annot.page_ref,
                "boundary": list(annot.boundary) if annot.boundary else None,
            }
            if verdict.picture is None or page is None or annot.boundary is None:
                record["kept"] = False
                record["why"] = (
                    "no seal picture"
                    if verdict.picture is None
                    else "PageRef names no page"
                    if page is None
                    else "no Boundary"
                )
                stamps.append(record)
                continue
            if verdict.picture_type == "ofd":  # a vector seal: its own page drawn in place
                layer_id, drawn = add_vector_layer(
                    package, entries, doc, page, verdict.picture, annot.boundary
                )
                record.update(
                    kept=True,
                    page_index=page.index,
                    layer_id=layer_id,
                    vector_objects=drawn,
                    image_format="ofd",
                    image_sm3=sm3_hex(verdict.picture),
                )
                stamps.append(record)
                continue
            ext = EXTENSIONS.get(verdict.picture_type, "bin")
            rid = add_image_resource(
                package, entries, doc, verdict.picture, f"Seal_{info.id}.{ext}"
            )
            add_image_layer(entries, doc, page, rid, annot.boundary)
            record.update(
                kept=True,
                page_index=page.index,
                resource_id=rid,
                image_format=verdict.picture_type,
                image_sm3=sm3_hex(verdict.picture),
            )
            stamps.append(record)
    removed = remove_signatures(package, entries)
    result = write_package(entries)
    original = package.source or b""
    provenance = {
        "action": "seal-strip",
        "format": "ofd",
        "time": _now(),
        "original": {"sm3": sm3_hex(original), "size": len(original)},
        "result": {"sm3": sm3_hex(result), "size": len(result)},
        "status": report.status,
        "verdicts": [v.as_dict() for v in report.verdicts],
        "stamps": stamps,
        "removed": removed,
    }
    return result, provenance


def strip_pdf(source: bytes | str | Path, trust: TrustStore | None = None) -> tuple[bytes, dict]:
    """Strip a PDF: flatten every signature widget's appearance into its page, drop the fields."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    from .pdf import verify_pdf

    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    report = verify_pdf(data, trust)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    pages = _pages(reader.root["/Pages"])
    root = reader.root
    acro = root.get("/AcroForm")
    draws: dict[int, list[bytes]] = {}
    flattened: list[dict] = []
    if acro is not None:
        acro = acro.get_object()
        fields = acro.get("/Fields", generic.ArrayObject())
        keep = generic.ArrayObject()
        for field_ref in fields:
            field = field_ref.get_object()
            if field.get("/FT") != "/Sig":
                keep.append(field_ref)
                continue
            widgets = [k.get_object() for k in field.get("/Kids", [])] or [field]
            for n, widget in enumerate(widgets):
                flattened.append(
                    _flatten_widget(widget, pages, draws, f"{field.get('/T', 'sig')}_{n}")
                )
        acro["/Fields"] = keep
        if not keep:
            del root["/AcroForm"]
        elif "/SigFlags" in acro:
            del acro["/SigFlags"]
    if "/Perms" in root:
        del root["/Perms"]
    writer = copy_into_new_writer(reader)
    out_pages = _pages(writer.root["/Pages"])
    for index, snippets in draws.items():
        page = out_pages[index]
        stream = generic.StreamObject(stream_data=b"\n".join(snippets))
        ref = writer.add_object(stream)
        contents = page.get("/Contents")
        if contents is None:
            page["/Contents"] = ref
        else:
            existing = contents.get_object()
            parts = list(existing) if isinstance(existing, generic.ArrayObject) else [contents]
            page["/Contents"] = generic.ArrayObject([*parts, ref])
    out = io.BytesIO()
    writer.write(out)
    result = out.getvalue()
    provenance = {
        "action": "seal-strip",
        "format": "pdf",
        "time": _now(),
        "original": {"sm3": sm3_hex(data), "size": len(data)},
        "result": {"sm3": sm3_hex(result), "size": len(result)},
        "status": report["status"],
        "verdicts": [v.as_dict() for v in report["verdicts"]],
        "stamps": flattened,
    }
    return result, provenance


def _pages(node) -> list:
    out = []
    node = node.get_object()
    if node.get("/Type") == "/Pages":
        for kid in node["/Kids"]:
            out.extend(_pages(kid))
    else:
        out.append(node)
    return out


def _flatten_widget(widget, pages: list, draws: dict[int, list[bytes]], name: str) -> dict:
    """Move one widget's normal appearance into its page's resources and queue a draw."""
    from pyhanko.pdf_utils import generic

    record: dict = {"field": name, "kept": False}
    page = widget.get("/P")
    page = page.get_object() if page is not None else None
    index = next((i for i, p in enumerate(pages) if p == page), None)
    if index is None:  # find the page whose /Annots holds the widget
        for i, p in enumerate(pages):
            if any(a.get_object() is widget for a in p.get("/Annots", [])):
                index, page = i, p
    if index is None:
        record["why"] = "widget is on no page"
        return record
    annots = page.get("/Annots")
    if annots is not None:
        page["/Annots"] = generic.ArrayObject(
            [a for a in annots.get_object() if a.get_object() is not widget]
        )
    appearance = widget.get("/AP")
    rect = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    if appearance is None or "/N" not in appearance.get_object() or width <= 0 or height <= 0:
        record["why"] = "invisible signature (no appearance)"
        return record
    normal_ref = appearance.get_object().raw_get("/N")
    normal = normal_ref.get_object()
    # PDF 32000 §12.5.5: transform BBox by the form Matrix, then map that box onto Rect;
    # ``Do`` applies the form Matrix itself.
    x0, y0, x1, y1 = _transformed_bbox(normal, width, height)
    sx, sy = width / ((x1 - x0) or width), height / ((y1 - y0) or height)
    tx, ty = rect[0] - x0 * sx, rect[1] - y0 * sy
    resources = page.get("/Resources")
    if resources is None:
        resources = generic.DictionaryObject()
        page["/Resources"] = resources
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = generic.DictionaryObject()
        resources["/XObject"] = xobjects
    xobjects = xobjects.get_object()
    resource = f"/Stamp{len(xobjects) + 1}"
    xobjects[resource] = normal_ref
    draws.setdefault(index, []).append(
        f"q {sx:.6f} 0 0 {sy:.6f} {tx:.4f} {ty:.4f} cm {resource} Do Q".encode()
    )
    record.update(kept=True, page_index=index, rect=rect)
    return record


def _transformed_bbox(form, width: float, height: float) -> tuple[float, float, float, float]:
    bbox = [float(v) for v in form.get("/BBox", [0, 0, width, height])]
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
    xs = [a * x + c * y + e for x, y in corners]
    ys = [b * x + d * y + f for x, y in corners]
    return min(xs), min(ys), max(xs), max(ys)
