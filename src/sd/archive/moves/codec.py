"""Stored values as JSON and back (存储值的 JSON 编码), exactly: what a move carries.

Plain JSON values stay as they are; anything else is a tagged object ``{"@t": kind, "v": …}``
(tuple, set, bytes, dates, Zope ``DateTime``, persistent mappings and lists, BTrees). A file
value other than a component's own file (an appraisal certificate on its batch, seal pictures
in a component's annotations: ``plone.namedfile`` blob files and images) is written as a side
file ``blobs/<its SM3>`` while :data:`BLOB_DIR` names the export's directory, and carried as
``{"@t": "blob", "v": {"cls", "filename", "content-type", "size", "sm3", "blob_path"}}``
(:func:`sd.archive.core.moves.blob_values` finds them for the check). A value of any other
type is refused at export (:class:`~sd.archive.core.moves.MoveRefused`): a move never drops
what it cannot carry without saying so.
"""

from __future__ import annotations

import base64
import importlib
import os
import tempfile
from contextvars import ContextVar
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal

from BTrees.Interfaces import IBTree
from BTrees.Interfaces import ITreeSet
from DateTime import DateTime
from Persistence.mapping import PersistentMapping as ZopePersistentMapping
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from plone.namedfile.interfaces import INamedBlobFile
from plone.namedfile.interfaces import INamedBlobImage

from sd.archive.core.moves import BLOB_TAG
from sd.archive.core.moves import BLOBS
from sd.archive.core.moves import TAG
from sd.archive.core.moves import MoveRefused
from sd.archive.core.moves import problem
from sd.archive.core.preservation.hashing import copy_hashed

#: the directory of the export being written or read (its ``blobs/`` holds the side files)
BLOB_DIR: ContextVar = ContextVar("sd.archive.moves.blob_dir", default=None)
#: the package whose own persistent classes (counters and the like) a move carries by state
OWN = "sd.archive."


def _class_name(value) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


def _pairs(value, where):
    return [[encode(k, where), encode(v, where)] for k, v in value.items()]


def _dict(value, where):
    if all(isinstance(k, str) for k in value) and TAG not in value:
        return {k: encode(v, where) for k, v in value.items()}
    return {TAG: "dict", "v": _pairs(value, where)}


#: exact types and how each is written
_ENCODERS = {
    list: lambda v, w: [encode(x, w) for x in v],
    PersistentList: lambda v, w: {TAG: "plist", "v": [encode(x, w) for x in v]},
    tuple: lambda v, w: {TAG: "tuple", "v": [encode(x, w) for x in v]},
    set: lambda v, w: {TAG: "set", "v": [encode(x, w) for x in sorted(v, key=repr)]},
    frozenset: lambda v, w: {TAG: "frozenset", "v": [encode(x, w) for x in sorted(v, key=repr)]},
    dict: _dict,
    PersistentMapping: lambda v, w: {TAG: "pmap", "v": _pairs(v, w)},
    # Zope's (ExtensionClass) mapping, as DCWorkflow keeps the workflow history in
    ZopePersistentMapping: lambda v, w: {TAG: "zpmap", "v": _pairs(v, w)},
    bytes: lambda v, w: {TAG: "bytes", "v": base64.b64encode(v).decode("ascii")},
    datetime: lambda v, w: {TAG: "datetime", "v": v.isoformat()},
    date: lambda v, w: {TAG: "date", "v": v.isoformat()},
    time: lambda v, w: {TAG: "time", "v": v.isoformat()},
    timedelta: lambda v, w: {TAG: "timedelta", "v": [v.days, v.seconds, v.microseconds]},
    Decimal: lambda v, w: {TAG: "decimal", "v": str(v)},
    DateTime: lambda v, w: {TAG: "DateTime", "v": list(v.__getstate__())},
}


def _blob(value, where):
    """A blob file or image as a side file named by its SM3 (written once)."""
    directory = BLOB_DIR.get()
    if directory is None:
        raise MoveRefused(
            "A stored value cannot be carried by a move",
            [problem("MOVE-TYPE", "a file outside an export", where)],
        )
    folder = os.path.join(directory, BLOBS)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with value.open() as source, os.fdopen(fd, "wb") as sink:
            digest, size = copy_hashed(source, sink)
        os.replace(temporary, os.path.join(folder, digest))
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    cls = _class_name(value)
    if not cls.startswith("plone.namedfile."):  # a subclass of our own: carried as its bytes
        image = INamedBlobImage.providedBy(value)
        cls = f"plone.namedfile.file.{'NamedBlobImage' if image else 'NamedBlobFile'}"
    info = {
        "cls": cls,
        "filename": value.filename,
        "content-type": value.contentType,
        "size": size,
        "sm3": digest,
        "blob_path": f"{BLOBS}/{digest}",
    }
    return {TAG: BLOB_TAG, "v": info}


def _persistent(value, where):
    """A BTree, a blob file, or a persistent object of sd.archive's own (a counter): by its
    state."""
    cls = _class_name(value)
    if INamedBlobFile.providedBy(value):
        return _blob(value, where)
    if type(value).__module__.startswith("BTrees."):
        if IBTree.providedBy(value):
            return {TAG: "btree", "cls": cls, "v": _pairs(value, where)}
        if ITreeSet.providedBy(value):
            return {TAG: "btree", "cls": cls, "v": [encode(k, where) for k in value]}
    if isinstance(value, Persistent) and type(value).__module__.startswith(OWN):
        state = {
            k: encode(v, where)
            for k, v in value.__dict__.items()
            if not k.startswith(("_v_", "_p_"))
        }
        return {TAG: "object", "cls": cls, "v": state}
    raise MoveRefused(
        "A stored value cannot be carried by a move",
        [problem("MOVE-TYPE", f"no JSON form for {cls}", where)],
    )


def encode(value, where: str = ""):
    """``value`` as JSON-ready data (see the module docstring); ``where`` names it in the
    problem when it cannot be carried."""
    if value is None or type(value) in (bool, str, int, float):
        return value
    encoder = _ENCODERS.get(type(value))
    if encoder is not None:
        return encoder(value, where)
    return _persistent(value, where)


def _class(name: str, package: str):
    module, _, cls = name.rpartition(".")
    if not module.startswith(package):
        raise MoveRefused(
            "Not an export of sd.archive", [problem("MOVE-TYPE", f"unknown class {name}")]
        )
    return getattr(importlib.import_module(module), cls)


def _btree(data):
    tree = _class(data["cls"], "BTrees.")()
    if hasattr(tree, "items"):
        tree.update({decode(k): decode(x) for k, x in data["v"]})
    else:
        tree.update(decode(x) for x in data["v"])
    return tree


def _blob_value(info):
    """The blob file of a side file (checked by size and SM3 before, hashed again here)."""
    directory = BLOB_DIR.get()
    cls = _class(info["cls"], "plone.namedfile.")
    value = cls(filename=info["filename"], contentType=info["content-type"])
    with open(os.path.join(directory, info["blob_path"]), "rb") as data, value.open("w") as sink:
        digest, _ = copy_hashed(data, sink)
    if digest != info["sm3"]:
        raise MoveRefused(
            "Files of the export differ from what was exported",
            [problem("MOVE-BLOB-SM3", "SM3 digest differs", info["blob_path"], "sm3")],
        )
    return value


def _object(data):
    cls = _class(data["cls"], OWN)
    value = cls.__new__(cls)
    value.__dict__.update({k: decode(x) for k, x in data["v"].items()})
    return value


def _date_time(v):
    value = DateTime.__new__(DateTime)
    value.__setstate__(tuple(v))
    return value


#: tags and how each is read back (from the tagged object's "v")
_DECODERS = {
    "plist": lambda v: PersistentList(decode(x) for x in v),
    "tuple": lambda v: tuple(decode(x) for x in v),
    "set": lambda v: {decode(x) for x in v},
    "frozenset": lambda v: frozenset(decode(x) for x in v),
    "dict": lambda v: {decode(k): decode(x) for k, x in v},
    "pmap": lambda v: PersistentMapping({decode(k): decode(x) for k, x in v}),
    "zpmap": lambda v: ZopePersistentMapping({decode(k): decode(x) for k, x in v}),
    "bytes": base64.b64decode,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda v: timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "decimal": Decimal,
    "DateTime": _date_time,
    BLOB_TAG: _blob_value,
}


def decode(data):
    """The value :func:`encode` made ``data`` from."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    kind = data.get(TAG)
    if kind is None:
        return {k: decode(v) for k, v in data.items()}
    if kind == "btree":
        return _btree(data)
    if kind == "object":
        return _object(data)
    if kind in _DECODERS:
        return _DECODERS[kind](data["v"])
    raise MoveRefused("Not an export of sd.archive", [problem("MOVE-TYPE", f"unknown tag {kind}")])
