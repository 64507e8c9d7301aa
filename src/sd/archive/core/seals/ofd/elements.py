"""OFD XML elements by local name (OFD 元素按本地名匹配): producers use
``http://www.ofdspec.org/2016``, ``http://www.ofdspec.org`` or no namespace at all, so every
look-up ignores the namespace. Also the safe parser (no entities, no network, no DTD) and the
OFD box ``"x y w h"``."""

from __future__ import annotations

from lxml import etree

SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def local(tag) -> str:
    """The local name of an lxml tag (``{ns}Page`` → ``Page``)."""
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element, name: str) -> list:
    """Direct children with local name ``name``."""
    return [c for c in element if local(c.tag) == name]


def child(element, name: str):
    for c in element:
        if local(c.tag) == name:
            return c
    return None


def descendants(element, name: str) -> list:
    return [e for e in element.iter() if local(e.tag) == name]


def text_of(element, name: str) -> str:
    found = child(element, name) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def parse_box(text: str | None) -> tuple[float, float, float, float] | None:
    """An OFD box ``"x y w h"`` (millimetres) as four floats (区域)."""
    if not text:
        return None
    try:
        values = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        return None
    return tuple(values) if len(values) == 4 else None  # type: ignore[return-value]
