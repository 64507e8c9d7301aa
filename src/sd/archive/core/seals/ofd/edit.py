"""Small edits of an OFD package (OFD 文档修改): resources, layers, annotations, signatures.

Edits work on a mutable copy of the entries (``dict[name, bytes]``) of an opened
:class:`~.package.OfdPackage`; the caller re-zips with :func:`~.package.write_package`.
New elements take the namespace of the file they go into, and new object IDs come from
``CommonData/MaxUnitID``, which is raised accordingly (GB/T 33190 §7.5).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from lxml import etree

from .elements import SAFE_PARSER
from .elements import child
from .elements import children
from .elements import local
from .elements import text_of
from .model import OfdDocument
from .model import Page
from .package import OfdPackage


def _load(entries: dict[str, bytes], path: str):
    return etree.fromstring(entries[path], SAFE_PARSER)


def _store(entries: dict[str, bytes], path: str, root) -> None:
    entries[path] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _ns(root) -> str:
    return etree.QName(root).namespace or ""


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}" if ns else name


def _insert_before(parent, element, before: tuple[str, ...]) -> None:
    """Insert keeping the schema order: before the first child named in ``before``."""
    for index, existing in enumerate(parent):
        if local(existing.tag) in before:
            parent.insert(index, element)
            return
    parent.append(element)


def allocate_ids(entries: dict[str, bytes], doc: OfdDocument, count: int) -> list[int]:
    """Reserve ``count`` new object IDs (对象标识) above every ID in use."""
    root = _load(entries, doc.root_path)
    common = child(root, "CommonData")
    ns = _ns(root)
    if common is None:
        common = etree.SubElement(root, _q(ns, "CommonData"))
        root.insert(0, common)
    holder = child(common, "MaxUnitID")
    if holder is None:
        holder = etree.Element(_q(ns, "MaxUnitID"))
        common.insert(0, holder)
    highest = _max_id_in_use(entries, holder.text)
    ids = list(range(highest + 1, highest + 1 + count))
    holder.text = str(ids[-1])
    _store(entries, doc.root_path, root)
    return ids


def _max_id_in_use(entries: dict[str, bytes], declared: str | None) -> int:
    highest = int(declared) if (declared or "").strip().isdigit() else 0
    for name, data in entries.items():
        if not name.lower().endswith(".xml") or b'ID="' not in data:
            continue
        try:
            for element in etree.fromstring(data, SAFE_PARSER).iter():
                value = element.get("ID")
                if value and value.isdigit():
                    highest = max(highest, int(value))
        except etree.XMLSyntaxError:
            continue
    return highest


def _document_res_path(package: OfdPackage, entries: dict[str, bytes], doc: OfdDocument) -> str:
    for path in doc.document_res:
        if path in entries:
            return path
    folder = posixpath.dirname(doc.root_path)
    path = posixpath.join(folder, "DocumentRes.xml")
    root = _load(entries, doc.root_path)
    ns = _ns(root)
    common = child(root, "CommonData")
    ref = etree.Element(_q(ns, "DocumentRes"))
    ref.text = "DocumentRes.xml"
    _insert_before(common, ref, ("TemplatePage", "DefaultCS"))
    _store(entries, doc.root_path, root)
    res = etree.Element(_q(ns, "Res"), {"BaseLoc": "Res"}, nsmap={"ofd": ns} if ns else None)
    _store(entries, path, res)
    doc.document_res.append(path)
    return path


def add_image_resource(
    package: OfdPackage, entries: dict[str, bytes], doc: OfdDocument, data: bytes, filename: str
) -> int:
    """Add an image as ``MultiMedia Type="Image"`` in DocumentRes (created if missing)."""
    res_path = _document_res_path(package, entries, doc)
    (media_id,) = allocate_ids(entries, doc, 1)
    res = _load(entries, res_path)
    ns = _ns(res)
    base = res.get("BaseLoc", "")
    folder = (
        posixpath.normpath(posixpath.join(posixpath.dirname(res_path), base))
        if base
        else posixpath.dirname(res_path)
    )
    stem, ext = posixpath.splitext(filename)
    name, n = filename, 1
    while posixpath.join(folder, name) in entries:
        name, n = f"{stem}_{n}{ext}", n + 1
    entries[posixpath.join(folder, name)] = data
    medias = child(res, "MultiMedias")
    if medias is None:
        medias = etree.Element(_q(ns, "MultiMedias"))
        _insert_before(res, medias, ("CompositeGraphicUnits",))
    fmt = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".ofd": "OFD"}.get(
        ext.lower(), ""
    )
    attrs = {"ID": str(media_id), "Type": "Image"}
    if fmt:
        attrs["Format"] = fmt
    media = etree.SubElement(medias, _q(ns, "MultiMedia"), attrs)
    etree.SubElement(media, _q(ns, "MediaFile")).text = name
    _store(entries, res_path, res)
    return media_id


def _new_top_layer(entries: dict[str, bytes], page: Page, layer_id: int):
    """The page's content root and a new foreground layer on top of its content."""
    root = _load(entries, page.path)
    ns = _ns(root)
    content = child(root, "Content")
    if content is None:
        content = etree.Element(_q(ns, "Content"))
        _insert_before(root, content, ("Actions",))
    layer = etree.SubElement(content, _q(ns, "Layer"), {"ID": str(layer_id), "Type": "Foreground"})
    return root, layer


def add_image_layer(
    entries: dict[str, bytes],
    doc: OfdDocument,
    page: Page,
    resource_id: int,
    boundary: tuple[float, float, float, float],
) -> int:
    """Draw an image at ``boundary`` (mm) on ``page`` in a new top layer; returns the layer ID."""
    layer_id, object_id = allocate_ids(entries, doc, 2)
    root, layer = _new_top_layer(entries, page, layer_id)
    ns = _ns(root)
    x, y, w, h = boundary
    etree.SubElement(
        layer,
        _q(ns, "ImageObject"),
        {
            "ID": str(object_id),
            "ResourceID": str(resource_id),
            "Boundary": f"{x:g} {y:g} {w:g} {h:g}",
            "CTM": f"{w:g} 0 0 {h:g} 0 0",
        },
    )
    _store(entries, page.path, root)
    return layer_id


def add_page_annotation(
    package: OfdPackage,
    entries: dict[str, bytes],
    doc: OfdDocument,
    page: Page,
    build: Callable,
    resource_id: int,
    boundary: tuple[float, float, float, float],
) -> int:
    """Append an annotation built by ``build(ns, annot_id, resource_id, boundary, object_id)``."""
    root = _load(entries, doc.root_path)
    ns = _ns(root)
    folder = posixpath.dirname(doc.root_path)
    index_path = doc.annotations_path if doc.annotations_path in entries else None
    if index_path is None:
        index_path = posixpath.join(folder, "Annots/Annotations.xml")
        ref = etree.Element(_q(ns, "Annotations"))
        ref.text = "Annots/Annotations.xml"
        _insert_before(root, ref, ("CustomTags", "Attachments", "Extensions"))
        _store(entries, doc.root_path, root)
        _store(
            entries,
            index_path,
            etree.Element(_q(ns, "Annotations"), nsmap={"ofd": ns} if ns else None),
        )
        doc.annotations_path = index_path
    index = _load(entries, index_path)
    ins = _ns(index)
    annot_path = None
    for entry in children(index, "Page"):
        if entry.get("PageID") == page.id:
            annot_path = package.resolve(text_of(entry, "FileLoc"), index_path)
    if annot_path is None or annot_path not in entries:
        loc = f"Page_{page.index}/Annotation.xml"
        annot_path = posixpath.normpath(posixpath.join(posixpath.dirname(index_path), loc))
        entry = etree.SubElement(index, _q(ins, "Page"), {"PageID": page.id})
        etree.SubElement(entry, _q(ins, "FileLoc")).text = loc
        _store(entries, index_path, index)
        _store(
            entries,
            annot_path,
            etree.Element(_q(ins, "PageAnnot"), nsmap={"ofd": ins} if ins else None),
        )
    annot_id, object_id = allocate_ids(entries, doc, 2)
    page_annot = _load(entries, annot_path)
    page_annot.append(build(_ns(page_annot), annot_id, resource_id, boundary, object_id))
    _store(entries, annot_path, page_annot)
    return annot_id


def remove_signatures(package: OfdPackage, entries: dict[str, bytes]) -> list[str]:
    """Delete ``DocBody/Signatures`` and the signature files (the ``Signs/`` folder)."""
    root = _load(entries, "OFD.xml")
    removed: list[str] = []
    for body in children(root, "DocBody"):
        for element in children(body, "Signatures"):
            body.remove(element)
    _store(entries, "OFD.xml", root)
    doomed: set[str] = set()
    for doc in package.documents:
        if not doc.signatures_path:
            continue
        doomed.add(doc.signatures_path)
        folder = posixpath.dirname(doc.signatures_path) + "/"
        doomed.update(name for name in entries if name.startswith(folder))
        for sig in doc.signatures:
            doomed.update(p for p in (sig.path, sig.signed_value_path, sig.seal_path) if p)
            doomed.update(
                posixpath.dirname(sig.path) + "/" + n.rsplit("/", 1)[-1]
                for n in entries
                if n.startswith(posixpath.dirname(sig.path) + "/")
            )
    for name in sorted(doomed):
        if entries.pop(name, None) is not None:
            removed.append(name)
    return removed


# --- vector seals (矢量印章): the seal's own OFD page drawn in place ---------------------------

_REFERENCE_ATTRIBUTES = ("Font", "ColorSpace", "DrawParam", "ResourceID")
_FILE_CHILDREN = ("FontFile", "MediaFile")


def _scaled_ctm(ctm: str | None, sx: float, sy: float) -> str:
    """``ctm`` followed by a scale (x' = a·x + c·y + e, y' = b·x + d·y + f)."""
    a, b, c, d, e, f = (float(v) for v in (ctm or "1 0 0 1 0 0").split())
    return " ".join(f"{v:g}" for v in (a * sx, b * sy, c * sx, d * sy, e * sx, f * sy))


def _copy_resource_files(
    copy, seal: OfdPackage, res, path: str, entries: dict[str, bytes], folder: str, new_id: str
) -> None:
    """Copy the files a seal resource names (font and media files) into the host's ``folder``.

    ``res`` is the seal's resource file (at ``path``) the resource ``copy`` comes from; each
    file found is stored as ``Seal_<new_id>_<name>`` and ``copy`` is pointed at it.
    """
    for element in copy.iter():
        if local(element.tag) in _FILE_CHILDREN and element.text:
            seal_base = res.get("BaseLoc", "")
            source = seal.resolve(
                posixpath.join(seal_base, element.text.strip())
                if seal_base
                else element.text.strip(),
                path,
            )
            if source in seal.entries:
                name = f"Seal_{new_id}_{posixpath.basename(source)}"
                entries[posixpath.join(folder, name)] = seal.entries[source]
                element.text = name


def add_vector_layer(
    package: OfdPackage,
    entries: dict[str, bytes],
    doc: OfdDocument,
    page: Page,
    seal_ofd: bytes,
    boundary: tuple[float, float, float, float],
) -> tuple[int, int]:
    """Draw a vector seal (an OFD seal picture) at ``boundary`` on ``page``.

    The seal's first page is copied as graphic objects into a new top layer, scaled from its
    page box to ``boundary``; the resources its objects use (fonts with their files, colour
    spaces, drawing parameters, media) go into the document's DocumentRes with new IDs, and
    every copied object gets a new ID. Returns (layer ID, number of objects drawn).
    """
    seal = OfdPackage.open(seal_ofd)
    seal_doc = seal.documents[0]
    seal_page = seal_doc.pages[0]
    content_root = etree.fromstring(seal.entries[seal_page.path], SAFE_PARSER)
    area = child(content_root, "Area")
    box = None
    if area is not None and child(area, "PhysicalBox") is not None:
        box = [float(v) for v in text_of(area, "PhysicalBox").split()]
    box = box or list(seal_doc.physical_box or (0, 0, boundary[2], boundary[3]))
    x, y, w, h = boundary
    sx, sy = w / box[2], h / box[3]

    # resources of the seal that its page refers to, with new IDs in the host document
    seal_res = []
    for path in [*seal_doc.public_res, *seal_doc.document_res]:
        if path in seal.entries:
            seal_res.append((path, etree.fromstring(seal.entries[path], SAFE_PARSER)))
    resource_elements = [
        (path, res, group, item)
        for path, res in seal_res
        for group in res
        for item in group
        if item.get("ID")
    ]
    objects = [o for layer in children(child(content_root, "Content"), "Layer") for o in layer]
    copied_objects = [etree.fromstring(etree.tostring(o)) for o in objects]
    id_count = (
        len(resource_elements) + 1 + sum(1 for o in copied_objects for e in o.iter() if e.get("ID"))
    )
    fresh = iter(allocate_ids(entries, doc, id_count))
    mapping: dict[str, str] = {}
    res_path = _document_res_path(package, entries, doc)
    host = _load(entries, res_path)
    ns = _ns(host)
    base = host.get("BaseLoc", "")
    folder = (
        posixpath.normpath(posixpath.join(posixpath.dirname(res_path), base))
        if base
        else posixpath.dirname(res_path)
    )
    for path, res, group, item in resource_elements:
        new_id = str(next(fresh))
        mapping[item.get("ID")] = new_id
        copy = etree.fromstring(etree.tostring(item))
        copy.set("ID", new_id)
        _copy_resource_files(copy, seal, res, path, entries, folder, new_id)
        target = child(host, local(group.tag))
        if target is None:
            target = etree.SubElement(host, _q(ns, local(group.tag)))
        target.append(copy)
    _store(entries, res_path, host)

    layer_id = next(fresh)
    root, layer = _new_top_layer(entries, page, layer_id)
    for obj in copied_objects:
        for element in obj.iter():
            if element.get("ID"):
                element.set("ID", str(next(fresh)))
            for attribute in _REFERENCE_ATTRIBUTES:
                value = element.get(attribute)
                if value in mapping:
                    element.set(attribute, mapping[value])
        bx, by, bw, bh = (float(v) for v in obj.get("Boundary", "0 0 0 0").split())
        obj.set("Boundary", f"{x + bx * sx:g} {y + by * sy:g} {bw * sx:g} {bh * sy:g}")
        if sx != 1 or sy != 1:
            obj.set("CTM", _scaled_ctm(obj.get("CTM"), sx, sy))
        layer.append(obj)
    _store(entries, page.path, root)
    return layer_id, len(copied_objects)
