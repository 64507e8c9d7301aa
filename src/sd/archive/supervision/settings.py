"""Supervision settings (监督指导设置): the archiving deadlines, in the registry under
``sd.archive.supervision`` (read with defaults, so a site without the records still works)."""

from __future__ import annotations

from plone import api
from zope import schema
from zope.interface import Interface

from sd.archive import _
from sd.archive.core.supervision.timeliness import DeadlineRules

PREFIX = "sd.archive.supervision"


class ISupervisionSettings(Interface):
    """归档时限: the deadline of an official document and of a government-service case."""

    deadline_month = schema.Int(
        title=_("Archiving deadline: month of the next year"), default=6, min=1, max=12
    )
    deadline_day = schema.Int(
        title=_("Archiving deadline: day of that month"), default=30, min=1, max=31
    )
    deadline_years_after = schema.Int(
        title=_("Archiving deadline: years after the document's year"), default=1, min=0, max=5
    )
    service_case_days = schema.Int(
        title=_("Government-service cases: days from completion to archiving"),
        default=60,
        min=1,
        max=3650,
    )


def _record(name: str, default: int) -> int:
    try:
        value = api.portal.get_registry_record(f"{PREFIX}.{name}", default=default)
    except Exception:  # no site or registry (scripts before setup): the defaults
        return default
    return int(value) if value is not None else default


def deadline_rules() -> DeadlineRules:
    """The deadline rules of the site (归档时限), defaults where a record is missing."""
    try:
        return DeadlineRules(
            month=_record("deadline_month", 6),
            day=_record("deadline_day", 30),
            years_after=_record("deadline_years_after", 1),
            service_days=_record("service_case_days", 60),
        )
    except ValueError:  # an impossible day (31 June): the defaults rather than no figures
        return DeadlineRules()
