"""Real file formats (真实格式识别) from magic bytes and structure.

Uses the head and tail captured while the file streamed; the OFD/DOCX container check opens
the stored copy (``location``) with the same safe ZIP reader as packages. Declared format
names are normalised with :data:`ALIASES` (one place).
"""

from __future__ import annotations

from sd.archive.core.errors import PackageError
from sd.archive.core.packages.xmlsafe import parse_xml
from sd.archive.core.packages.zipsafe import Limits
from sd.archive.core.packages.zipsafe import open_zip

ALIASES = {
    "PDF/A": "PDF",
    "PDFA": "PDF",
    "JPG": "JPEG",
    "TIF": "TIFF",
    "WPS": "OLE",
    "DOC": "OLE",
    "ET": "OLE",
    "XLS": "OLE",
    "TEXT": "TXT",
}
EXTENSIONS = {
    "ofd": "OFD",
    "pdf": "PDF",
    "jpg": "JPEG",
    "jpeg": "JPEG",
    "tif": "TIFF",
    "tiff": "TIFF",
    "png": "PNG",
    "xml": "XML",
    "txt": "TXT",
    "doc": "DOC",
    "docx": "DOCX",
    "wps": "WPS",
}
_INNER_LIMITS = Limits(max_entries=20_000, max_total_size=2 * 1024**3)


def canonical(name: str | None) -> str:
    """Canonical format name for comparisons: 'pdf/a' → 'PDF', 'JPG' → 'JPEG', 'WPS' → 'OLE'."""
    upper = (name or "").strip().upper()
    return ALIASES.get(upper, upper)


def extension_format(path: str) -> str | None:
    """The format an extension claims ('正本.ofd' → 'OFD')."""
    return EXTENSIONS.get(path.rsplit(".", 1)[-1].lower()) if "." in path else None


def _container(location: str | None, head: bytes) -> tuple[str, str]:
    if location is None:
        return ("OFD", "") if b"OFD.xml" in head else ("ZIP", "")
    try:
        with open_zip(location, _INNER_LIMITS) as inner:
            names = {e.name for e in inner.files()}
            if "OFD.xml" in names:
                _, data = inner.stream(inner.by_name["OFD.xml"], keep=4 * 1024 * 1024)
                root = parse_xml(data or b"", "OFD.xml")
                if not any(
                    el.tag.rsplit("}", 1)[-1] == "DocBody"
                    for el in root.iter()
                    if isinstance(el.tag, str)
                ):
                    return "OFD", "OFD.xml has no DocBody"
                return "OFD", ""
            if "word/document.xml" in names:
                return "DOCX", ""
            return "ZIP", ""
    except PackageError as exc:
        return "ZIP", f"container does not open: {exc.message}"


# formats recognised by their magic bytes alone, with no structural check
_PLAIN_MAGIC: tuple[tuple[bytes | tuple[bytes, ...], str], ...] = (
    ((b"II*\x00", b"MM\x00*"), "TIFF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
    (b"MZ", "EXE"),
    (b"\x7fELF", "ELF"),
)


def sniff(head: bytes, tail: bytes, location: str | None = None) -> tuple[str | None, str]:
    """(format, structural problem) of a file; format None when unknown."""
    if head.startswith(b"%PDF-"):
        return "PDF", "" if b"%%EOF" in tail else "no %%EOF trailer"
    if head.startswith(b"PK\x03\x04"):
        return _container(location, head)
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG", "" if tail.rstrip(b"\x00").endswith(b"\xff\xd9") else "no JPEG end marker"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG", "" if b"IEND" in tail else "no IEND chunk"
    for magic, name in _PLAIN_MAGIC:
        if head.startswith(magic):
            return name, ""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        return "XML", ""
    if head and b"\x00" not in head:
        return _text_format(head), ""
    return None, ""


def _text_format(head: bytes) -> str | None:
    """ "TXT" when the head decodes as UTF-8 or GB 18030, else None."""
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "TXT"
    return None


def xml_problem(location: str | None, max_size: int = 64 * 1024 * 1024) -> str:
    """'' when the stored XML file parses safely, else the reason."""
    if location is None:
        return ""
    with open(location, "rb") as fp:
        data = fp.read(max_size + 1)
    try:
        parse_xml(data, location, max_size)
    except PackageError as exc:
        return exc.message
    return ""


def compatible(declared: str | None, actual: str | None) -> bool:
    """Whether the declared format name fits the sniffed format."""
    want, got = canonical(declared), canonical(actual)
    if want == "DOCX":
        return got in ("DOCX", "ZIP")
    return bool(want) and want == got
