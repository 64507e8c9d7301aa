"""Read an OFD package (OFD 文件包, GB/T 33190-2016 §7).

``OFD.xml`` is the only fixed name; everything else is found by following references:
``OFD.xml → DocBody → DocRoot (Document.xml) → Pages``, ``DocBody → Signatures →
Signature.xml → SignedValue / Seal``. Elements are matched by local name, because producers
use ``http://www.ofdspec.org/2016``, ``http://www.ofdspec.org`` or no namespace at all.

Paths (one rule, :meth:`OfdPackage.resolve`): a leading ``/`` means the package root;
otherwise the path is relative to the folder of the file that holds the reference. Producers
get this wrong in both directions, so when the standard reading names no entry the path is
tried from the root, then case-insensitively. Entry names in legacy code pages (GBK without
the UTF-8 flag) are decoded.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ...errors import PackageError
from ...errors import Problem
from .elements import SAFE_PARSER
from .elements import child
from .elements import children
from .elements import descendants
from .elements import local
from .elements import parse_box
from .elements import text_of
from .model import OfdDocument
from .model import Page
from .model import Reference
from .model import SignatureInfo
from .model import StampAnnot

MAX_ENTRIES = 20_000
MAX_TOTAL_BYTES = 1 << 30  # 1 GiB uncompressed
MAX_RATIO = 200


def _entry_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for encoding in ("utf-8", "gbk"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


class OfdPackage:
    """An opened OFD file: entries by name (exact bytes) and the parsed structure."""

    def __init__(self, entries: dict[str, bytes], source: bytes | None = None):
        self.entries = entries
        self.source = source
        self._lower = {name.lower(): name for name in entries}
        if "OFD.xml" not in entries:
            alt = self._lower.get("ofd.xml")
            if alt is None:
                raise PackageError(
                    "not an OFD package: OFD.xml is missing",
                    [Problem("ofd.structure", "OFD.xml is missing", "OFD.xml", "usability")],
                    status=415,
                    type="NotOFD",
                )
            entries["OFD.xml"] = entries[alt]
        self.root = self.xml("OFD.xml")
        if local(self.root.tag) != "OFD":
            raise PackageError(
                "not an OFD package: OFD.xml has no OFD root", status=415, type="NotOFD"
            )
        self.doc_type = self.root.get("DocType", "OFD")
        self.version = self.root.get("Version", "")
        self.documents = [
            self._document(i, body) for i, body in enumerate(children(self.root, "DocBody"))
        ]

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, source: bytes | str | Path | BinaryIO) -> OfdPackage:
        """Open from bytes, a path or a binary file; the zip is checked for basic safety."""
        if isinstance(source, (str, Path)):
            data = Path(source).read_bytes()
        elif isinstance(source, (bytes, bytearray, memoryview)):
            data = bytes(source)
        else:
            data = source.read()
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise PackageError(f"not an OFD package: {exc}", status=415, type="NotOFD") from exc
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_ENTRIES:
            raise PackageError("OFD package has too many entries", status=413, type="TooLarge")
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES or (data and total > MAX_RATIO * max(len(data), 1 << 20)):
            raise PackageError("OFD package expands too much", status=413, type="TooLarge")
        entries: dict[str, bytes] = {}
        for info in infos:
            if info.flag_bits & 0x1:
                raise PackageError(f"encrypted entry {info.filename}", type="Encrypted")
            name = _entry_name(info).replace("\\", "/").lstrip("/")
            if ".." in name.split("/"):
                raise PackageError(f"unsafe entry name {name}", type="UnsafePath")
            entries[name] = archive.read(info)
        return cls(entries, data)

    # ------------------------------------------------------------ paths
    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def resolve(self, ref: str, base: str = "") -> str:
        """The entry a reference names (see the module docstring for the rule).

        Returns the standard reading when no entry matches, so callers can report it missing.
        """
        ref = (ref or "").strip().replace("\\", "/")
        if ref.startswith("/"):
            standard = posixpath.normpath(ref.lstrip("/"))
        else:
            standard = posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))
        standard = standard.lstrip("./") if standard.startswith("./") else standard
        candidates = [standard, posixpath.normpath(ref.lstrip("/"))]
        for candidate in candidates:
            if candidate in self.entries:
                return candidate
        for candidate in candidates:
            found = self._lower.get(candidate.lower())
            if found:
                return found
        return standard

    def exists(self, path: str) -> bool:
        return path in self.entries

    def read(self, path: str) -> bytes:
        try:
            return self.entries[path]
        except KeyError:
            raise PackageError(
                f"OFD entry missing: {path}",
                [Problem("ofd.missing-entry", "referenced entry is missing", path, "integrity")],
            ) from None

    def xml(self, path: str):
        try:
            return etree.fromstring(self.read(path), SAFE_PARSER)
        except etree.XMLSyntaxError as exc:
            raise PackageError(
                f"OFD entry is not well-formed XML: {path}",
                [Problem("ofd.xml", str(exc), path, "usability")],
            ) from exc

    # ------------------------------------------------------------ structure
    @property
    def is_ofd_a(self) -> bool:
        """True for the archival subset (``DocType="OFD-A"``, OFD-A)."""
        return self.doc_type.upper() == "OFD-A"

    def _document(self, index: int, body) -> OfdDocument:
        root_ref = text_of(body, "DocRoot")
        root_path = self.resolve(root_ref, "OFD.xml")
        doc = OfdDocument(index=index, root_path=root_path)
        sig_ref = text_of(body, "Signatures")
        if sig_ref:
            doc.signatures_path = self.resolve(sig_ref, "OFD.xml")
        if self.exists(root_path):
            self._read_document(doc)
        if doc.signatures_path and self.exists(doc.signatures_path):
            doc.signatures = list(self._signatures(doc.signatures_path))
        return doc

    def _read_document(self, doc: OfdDocument) -> None:
        root = self.xml(doc.root_path)
        common = child(root, "CommonData")
        if common is not None:
            doc.document_res = [
                self.resolve(e.text or "", doc.root_path) for e in children(common, "DocumentRes")
            ]
            doc.public_res = [
                self.resolve(e.text or "", doc.root_path) for e in children(common, "PublicRes")
            ]
            area = child(common, "PageArea")
            if area is not None:
                doc.physical_box = parse_box(text_of(area, "PhysicalBox"))
        pages = child(root, "Pages")
        if pages is not None:
            for i, page in enumerate(children(pages, "Page")):
                doc.pages.append(
                    Page(
                        page.get("ID", ""), self.resolve(page.get("BaseLoc", ""), doc.root_path), i
                    )
                )
        annots = text_of(root, "Annotations")
        if annots:
            doc.annotations_path = self.resolve(annots, doc.root_path)

    def _signatures(self, path: str) -> Iterable[SignatureInfo]:
        root = self.xml(path)
        for entry in children(root, "Signature"):
            sig_path = self.resolve(entry.get("BaseLoc", ""), path)
            info = SignatureInfo(
                id=entry.get("ID", ""),
                type=entry.get("Type") or "Seal",
                path=sig_path,
                raw=self.entries.get(sig_path, b""),
            )
            if info.raw:
                self._read_signature(info)
            yield info

    def _read_signature(self, info: SignatureInfo) -> None:
        try:
            root = etree.fromstring(info.raw, SAFE_PARSER)
        except etree.XMLSyntaxError:
            return
        signed = child(root, "SignedInfo")
        value = text_of(root, "SignedValue")
        if value:
            info.signed_value_path = self.resolve(value, info.path)
        if signed is None:
            return
        provider = child(signed, "Provider")
        info.provider = dict(provider.attrib) if provider is not None else {}
        info.method = text_of(signed, "SignatureMethod")
        info.datetime_text = text_of(signed, "SignatureDateTime")
        refs = child(signed, "References")
        if refs is not None:
            info.check_method = refs.get("CheckMethod", "")
            for ref in children(refs, "Reference"):
                file_ref = ref.get("FileRef", "")
                info.references.append(
                    Reference(
                        file_ref,
                        self.resolve(file_ref, info.path),
                        _b64(text_of(ref, "CheckValue")),
                    )
                )
        for annot in children(signed, "StampAnnot"):
            info.stamp_annots.append(
                StampAnnot(
                    annot.get("ID", ""),
                    annot.get("PageRef", ""),
                    parse_box(annot.get("Boundary")),
                    parse_box(annot.get("Clip")),
                )
            )
        seal = child(signed, "Seal")
        if seal is not None and text_of(seal, "BaseLoc"):
            info.seal_path = self.resolve(text_of(seal, "BaseLoc"), info.path)

    # ------------------------------------------------------------ convenience
    @property
    def signatures(self) -> list[tuple[OfdDocument, SignatureInfo]]:
        return [(doc, sig) for doc in self.documents for sig in doc.signatures]

    def stamp_annotations(self) -> list[tuple[OfdDocument, str, object]]:
        """Page annotations of type Stamp (印章注释) without regard to signatures."""
        out = []
        for doc in self.documents:
            if not doc.annotations_path or not self.exists(doc.annotations_path):
                continue
            index = self.xml(doc.annotations_path)
            for page in descendants(index, "Page"):
                loc = text_of(page, "FileLoc")
                path = self.resolve(loc, doc.annotations_path)
                if not self.exists(path):
                    continue
                for annot in descendants(self.xml(path), "Annot"):
                    if annot.get("Type") == "Stamp" and annot.get("Subtype", "Stamp") != "FreeText":
                        out.append((doc, page.get("PageID", ""), annot))
        return out


def _b64(text: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode("".join(text.split()), validate=False)
    except (binascii.Error, ValueError):
        return b""


def write_package(entries: dict[str, bytes]) -> bytes:
    """Zip ``entries`` in order as an OFD (``OFD.xml`` first, deflated, UTF-8 names)."""
    buffer = io.BytesIO()
    names = ["OFD.xml"] + [n for n in entries if n != "OFD.xml"]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name])
    return buffer.getvalue()
