"""Every catalogue output of ``@catalogue`` / ``@@catalogue`` by its ``kind`` (目录种类):

=========  ==============  =========  ===========================================
kind       zh_CN           formats    of
=========  ==============  =========  ===========================================
items      归档文件目录    xlsx, pdf  a fonds (DA/T 22-2015, :mod:`.item`)
volumes    案卷目录        xlsx, pdf  a fonds or one volume (:mod:`.volume`)
contents   卷内目录        xlsx, pdf  each volume of the selection, or one volume
notes      卷内备考表      xlsx, pdf  each volume of the selection, or one volume
stamps     归档章          pdf        records of a fonds, of a volume, or one record
=========  ==============  =========  ===========================================

An unknown kind, a format the kind has not, or a kind the context has not (a record has only
its 归档章) is a 400 in the one error shape, naming ``kind`` or ``format``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from sd.archive.catalogues import item
from sd.archive.catalogues import stamps
from sd.archive.catalogues import volume
from sd.archive.catalogues.item import FORMATS
from sd.archive.catalogues.item import CatalogueSelection
from sd.archive.core.catalogues import item_catalogue as item_layout
from sd.archive.core.catalogues import stamps as stamp_sheets
from sd.archive.core.catalogues import volume_catalogue as layout
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.interfaces import IDossier
from sd.archive.interfaces import IRecord
from sd.archive.numbering import fonds_of


@dataclass(frozen=True)
class Kind:
    title: str  # zh_CN, as printed
    formats: tuple[str, ...]
    suffix: str  # of the file name
    writers: dict  # format -> function(context, fonds, selection, stream)


def _volumes(writer, described=False):
    def write(context, fonds, selection, stream):
        rows = volume.volumes(context, selection, described=described)
        return writer(rows, stream, item.heading(fonds, selection))

    return write


def _items(writer):
    def write(context, fonds, selection, stream):
        return writer(item.entries(fonds, selection), stream, item.heading(fonds, selection))

    return write


def _stamps(context, fonds, selection, stream):
    heading = item.heading(fonds, selection)
    rows = stamps.stamps(context, selection)
    return stamp_sheets.write_pdf(rows, stream, heading.fonds_code, heading.fonds_title)


KINDS: dict[str, Kind] = {
    "items": Kind(
        "归档文件目录",
        ("xlsx", "pdf"),
        "catalogue",
        {"xlsx": _items(item_layout.write_xlsx), "pdf": _items(item_layout.write_pdf)},
    ),
    "volumes": Kind(
        "案卷目录",
        ("xlsx", "pdf"),
        "volumes",
        {
            "xlsx": _volumes(layout.write_volumes_xlsx),
            "pdf": _volumes(layout.write_volumes_pdf),
        },
    ),
    "contents": Kind(
        "卷内目录",
        ("xlsx", "pdf"),
        "contents",
        {
            "xlsx": _volumes(layout.write_contents_xlsx),
            "pdf": _volumes(layout.write_contents_pdf),
        },
    ),
    "notes": Kind(
        "卷内备考表",
        ("xlsx", "pdf"),
        "notes",
        {
            "xlsx": _volumes(layout.write_notes_xlsx, described=True),
            "pdf": _volumes(layout.write_notes_pdf, described=True),
        },
    ),
    "stamps": Kind("归档章", ("pdf",), "stamps", {"pdf": _stamps}),
}


def kinds_of(context) -> tuple[str, ...]:
    """The kinds a context has, its default first: a fonds all, a volume its own, a record
    its 归档章."""
    if IRecord.providedBy(context):
        return ("stamps",)
    if IDossier.providedBy(context):
        return ("contents", "notes", "volumes", "stamps")
    return tuple(KINDS)


def _bad(message: str, detail: str, prop: str) -> ArchiveError:
    code = f"CATALOGUE-{prop.upper()}"
    return ArchiveError(message, [Problem(code, detail, "", prop)], 400, "BadRequest")


def render(context, form) -> tuple[bytes, str, str]:
    """The output the form asks for (``kind``, ``format``, ``year``, ``category``,
    ``retention``, ``uid``…) as (bytes, media type, file name)."""
    name = str(form.get("kind") or kinds_of(context)[0])
    fmt = str(form.get("format") or KINDS.get(name, KINDS["items"]).formats[0])
    return render_selection(context, CatalogueSelection.from_form(form), name, fmt)


def render_selection(context, selection: CatalogueSelection, name: str, fmt: str):
    """Kind ``name`` of ``context`` as ``fmt``: (bytes, media type, file name)."""
    allowed = kinds_of(context)
    if name not in allowed:
        raise _bad(
            f"kind must be one of {', '.join(allowed)} (目录种类须为 {'、'.join(allowed)})",
            f"unknown kind here: {name}",
            "kind",
        )
    kind = KINDS[name]
    if fmt not in kind.formats:
        raise _bad(
            f"format of {name} must be {' or '.join(kind.formats)} "
            f"({kind.title}格式须为 {' 或 '.join(kind.formats)})",
            f"unknown format: {fmt}",
            "format",
        )
    fonds = fonds_of(context)
    out = io.BytesIO()
    kind.writers[fmt](context, fonds, selection, out)
    if context is fonds:
        parts = [getattr(fonds, "fonds_code", "") or "fonds"]
        parts += [selection.year, selection.category, selection.retention]
    else:
        parts = [getattr(context, "archival_code", None) or context.getId()]
    file_name = "-".join(p for p in parts if p) + f"-{kind.suffix}.{fmt}"
    return out.getvalue(), FORMATS[fmt], file_name
