"""Reading catalog metadata for the catalogues (目录取值): a column may be missing (an older
site before its catalog step, or an object the column does not apply to) or hold
``Missing.Value``; these read it as ``None``, text or a whole number."""

from __future__ import annotations

from Missing import Value as MissingValue


def value(brain, name: str):
    """The column ``name`` of ``brain``, ``None`` when missing."""
    found = getattr(brain, name, None)
    return None if found is MissingValue else found


def text(found) -> str:
    return "" if found is None or found is MissingValue else str(found)


def whole(found) -> int | None:
    """A whole number (页数, 件号), else ``None``."""
    return found if isinstance(found, int) and not isinstance(found, bool) else None
