"""Add a signature to a signed OFD and leave the earlier ones valid (多重签章, GB/T 33190 §18).

Each ``Signature.xml`` lists in ``References`` the SM3 of the exact zip entries it protects
(GM/T 0099); change one of them and that signature is 无效. A producer signs every entry the
document has at that moment — ``OFD.xml``, ``Document.xml``, the resources, pages and page
annotations — so nothing can be drawn into the document afterwards without breaking it: a
new annotation or resource needs a reference from one of those entries. The one entry the
producers leave open is the signature list, ``Signatures.xml``, and a later signature goes
there, as the second signature of the ``keyword.ofd`` sample does:

- a new folder ``Signs/Sign_N/`` with the new ``Signature.xml``, its ``SignedValue.dat`` and
  any file of its own (the picture of the stamp);
- ``References`` over every entry of the package, the earlier signatures' files included,
  except the signature list (so that a later signature can still be added) and the new
  signature's ``Signature.xml`` and ``SignedValue.dat``;
- one new ``Signature`` in ``Signatures.xml`` and its ``MaxSignId`` raised.

When an earlier signature protects ``Signatures.xml`` itself (the ``allprotected.ofd``
sample), no later signature can be added: :func:`signature_list_open` says so.
"""

from __future__ import annotations

import base64
import datetime as dt
import posixpath
import re
from collections.abc import Callable

from lxml import etree

from ..sm2 import SM3_OID
from ..sm2 import sm3
from .edit import _load
from .edit import _ns
from .edit import _q
from .edit import _store
from .elements import child
from .elements import children
from .model import OfdDocument
from .model import Page
from .package import OfdPackage


def protected_entries(package: OfdPackage) -> set[str]:
    """The entries some signature of ``package`` protects (its References)."""
    return {ref.path for _doc, info in package.signatures for ref in info.references}


def signature_list_open(package: OfdPackage, doc: OfdDocument) -> bool:
    """True when a signature can be added to ``doc`` without changing a protected entry."""
    return (
        bool(doc.signatures_path)
        and doc.signatures_path in package.entries
        and (doc.signatures_path not in protected_entries(package))
    )


def _next_id(root) -> str:
    """One more than the highest signature ID in use, in the style of ``MaxSignId`` (``s4``)."""
    ids = [e.get("ID", "") for e in children(root, "Signature")]
    holder = child(root, "MaxSignId")
    declared = (holder.text or "").strip() if holder is not None else ""
    numbers = [int(m.group(1)) for v in (*ids, declared) if (m := re.search(r"(\d+)$", v))]
    prefix = re.sub(r"\d+$", "", declared)
    return f"{prefix}{max(numbers, default=0) + 1}"


def add_signature(
    package: OfdPackage,
    entries: dict[str, bytes],
    doc: OfdDocument,
    sign: Callable[[bytes], bytes],
    method: str,
    provider: dict[str, str],
    stamp: tuple[Page, tuple[float, float, float, float]] | None = None,
    files: dict[str, bytes] | None = None,
    when: dt.datetime | None = None,
    kind: str = "Sign",
) -> str:
    """Add a signature to ``doc`` in ``entries``; returns the path of its ``Signature.xml``.

    ``sign(raw Signature.xml) -> SignedValue``; ``method``: the SignatureMethod OID; ``stamp``:
    the page and boundary (mm) of its ``StampAnnot``; ``files``: {name: bytes} of its own
    folder that it protects too. The caller checks :func:`signature_list_open` first."""
    list_path = doc.signatures_path
    listing = _load(entries, list_path)
    ns = _ns(listing)
    signs_dir = posixpath.dirname(list_path)
    n = len(children(listing, "Signature"))
    while any(name.startswith(f"{signs_dir}/Sign_{n}/") for name in entries):
        n += 1
    folder = f"{signs_dir}/Sign_{n}"
    xml_path, value_path = f"{folder}/Signature.xml", f"{folder}/SignedValue.dat"
    for name, data in (files or {}).items():
        entries[f"{folder}/{name}"] = data
    sign_id = _next_id(listing)

    root = etree.Element(_q(ns, "Signature"), nsmap={"ofd": ns} if ns else None)
    signed = etree.SubElement(root, _q(ns, "SignedInfo"))
    etree.SubElement(signed, _q(ns, "Provider"), provider)
    etree.SubElement(signed, _q(ns, "SignatureMethod")).text = method
    etree.SubElement(signed, _q(ns, "SignatureDateTime")).text = (
        (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%d%H%M%SZ")
    )
    refs = etree.SubElement(signed, _q(ns, "References"), {"CheckMethod": SM3_OID})
    for name in sorted(entries):
        if name.endswith("/") or name in (list_path, xml_path, value_path):
            continue
        ref = etree.SubElement(refs, _q(ns, "Reference"), {"FileRef": "/" + name})
        etree.SubElement(ref, _q(ns, "CheckValue")).text = base64.b64encode(
            sm3(entries[name])
        ).decode()
    if stamp is not None:
        page, (x, y, w, h) = stamp
        etree.SubElement(
            signed,
            _q(ns, "StampAnnot"),
            {"ID": "1", "PageRef": page.id, "Boundary": f"{x:g} {y:g} {w:g} {h:g}"},
        )
    etree.SubElement(root, _q(ns, "SignedValue")).text = "/" + value_path
    _store(entries, xml_path, root)
    entries[value_path] = sign(entries[xml_path])

    etree.SubElement(
        listing, _q(ns, "Signature"), {"ID": sign_id, "Type": kind, "BaseLoc": "/" + xml_path}
    )
    holder = child(listing, "MaxSignId")
    if holder is None:
        holder = etree.Element(_q(ns, "MaxSignId"))
        listing.insert(0, holder)
    holder.text = sign_id
    _store(entries, list_path, listing)
    return xml_path
