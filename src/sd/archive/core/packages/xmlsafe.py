"""Safe XML parsing (安全的 XML 解析) for 元数据.xml, 目录文件.XML and EEP files.

Refuses any DOCTYPE (so no DTD, no entity, no billion laughs, no XXE), XInclude and network
access; accepts UTF-8, or GB18030/GBK/GB2312 when the XML declaration says so. Bytes that
are not UTF-8 and carry no declaration are an error, not a guess.
"""

from __future__ import annotations

import re

from lxml import etree

from sd.archive.core.errors import PackageError
from sd.archive.core.errors import Problem

DEFAULT_MAX_SIZE = 8 * 1024 * 1024
ACCEPTED_ENCODINGS = {"utf-8", "utf8", "gb18030", "gbk", "gb2312"}

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.I)
_DOCTYPE_UTF16 = re.compile("<!DOCTYPE|<!ENTITY", re.I)


def xml_error(code: str, message: str, name: str, status: int = 400) -> PackageError:
    """One place for the shape of an XML refusal (property: usability, GD-3-1)."""
    return PackageError(
        message,
        [Problem(code=code, message=message, object=name, property="usability")],
        status=status,
    )


def declared_encoding(data: bytes) -> str | None:
    """The encoding named in the XML declaration, lower case, or None (声明的编码)."""
    match = _DECLARATION.match(data[:200])
    return match.group(1).decode("ascii").lower() if match else None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        strip_cdata=False,
    )


def check_encoding(data: bytes, name: str) -> str:
    """Decide the encoding (编码检查) or refuse: UTF-8 by default, GB* only when declared."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise xml_error("xml.encoding", "UTF-16 is not accepted", name)
    encoding = declared_encoding(data)
    if encoding is None or encoding in ("utf-8", "utf8"):
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            if encoding is None:
                raise xml_error(
                    "xml.encoding", "bytes are not UTF-8 and no encoding is declared", name
                ) from None
            raise xml_error(
                "xml.encoding", "declared UTF-8 but the bytes are not UTF-8", name
            ) from None
        return "utf-8"
    if encoding not in ACCEPTED_ENCODINGS:
        raise xml_error("xml.encoding", f"encoding {encoding!r} is not accepted", name)
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise xml_error(
            "xml.encoding", f"bytes do not match the declared {encoding}", name
        ) from None
    return encoding


def parse_xml(data: bytes, name: str = "", max_size: int = DEFAULT_MAX_SIZE) -> etree._Element:
    """Parse XML bytes safely (安全解析) and return the root element; PackageError otherwise."""
    if len(data) > max_size:
        raise xml_error(
            "xml.too-large", f"{len(data)} bytes over the {max_size} byte cap", name, 413
        )
    check_encoding(data, name)
    if _DOCTYPE.search(data):
        raise xml_error("xml.doctype", "DOCTYPE and entity declarations are refused", name)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise xml_error("xml.malformed", f"XML does not parse: {exc}", name) from None
    if root.getroottree().docinfo.doctype:
        raise xml_error("xml.doctype", "DOCTYPE is refused", name)
    for element in root.iter():
        if isinstance(element, etree._Entity):
            raise xml_error("xml.doctype", "entity references are refused", name)
        if element.tag == "{http://www.w3.org/2001/XInclude}include":
            raise xml_error("xml.xinclude", "XInclude is refused", name)
    return root
