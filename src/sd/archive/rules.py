"""A fonds' arrangement rules (整理规则): classification scheme, scope and retention schedule.

The rules are data a manager exports, edits in a spreadsheet and re-imports; they are kept on
the fonds as the file text (XML) and read by ``sd.archive.core.scheme``. A fonds without its own
files starts from the shipped ones (``J001``/``J002``) or from the J001 template re-labelled
with its fonds code. The archival code rule of a category comes from the scheme: this is the
only place the Plone side looks it up.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from zope import schema
from zope.annotation.interfaces import IAnnotations
from zope.interface import Interface

from sd.archive import _
from sd.archive.core import codes
from sd.archive.core import scheme as core_scheme
from sd.archive.core.errors import Problem

SCHEME_KEY = "sd.archive.rules.scheme"
SCHEDULE_KEY = "sd.archive.rules.schedule"
TEMPLATE_FONDS = "J001"
FORMATS = ("xml", "csv")
SETTINGS_PREFIX = "sd.archive.arrangement"

_readers = {
    ("scheme", "xml"): core_scheme.read_scheme_xml,
    ("scheme", "csv"): core_scheme.read_scheme_csv,
}
_writers = {
    ("scheme", "xml"): core_scheme.write_scheme_xml,
    ("scheme", "csv"): core_scheme.write_scheme_csv,
    ("schedule", "xml"): core_scheme.write_schedule_xml,
    ("schedule", "csv"): core_scheme.write_schedule_csv,
}


class IArrangementSettings(Interface):
    """Templates for new fonds' arrangement rules (分类方案、归档范围与保管期限表模板).

    Each fonds keeps its own scheme and schedule (import/export on the fonds: @@arrangement-rules,
    REST ``@arrangement-rules``); a fonds without its own starts from the shipped files for
    J001/J002 or from these templates (XML as exported), re-labelled with its fonds code. The
    archival code rule of each category (DA/T 22-2015 or DA/T 13-2022) is part of the scheme.
    """

    template_scheme_xml = schema.Text(
        title=_("Template classification scheme (XML)"),  # 分类方案模板
        required=False,
        default="",
    )
    template_schedule_xml = schema.Text(
        title=_("Template archiving scope and retention schedule (XML)"),  # 保管期限表模板
        required=False,
        default="",
    )


def _template(name: str) -> str:
    from plone import api

    try:
        return api.portal.get_registry_record(f"{SETTINGS_PREFIX}.{name}", default="") or ""
    except Exception:  # no site (scripts, core tests)
        return ""


def _default_scheme(fonds_code: str) -> core_scheme.ClassificationScheme:
    if fonds_code in core_scheme.DEFAULT_FONDS:
        return core_scheme.default_scheme(fonds_code)
    text = _template("template_scheme_xml")
    template = _parsed_scheme(text) if text else core_scheme.default_scheme(TEMPLATE_FONDS)
    return replace(template, fonds_code=fonds_code, fonds_name="")


def _default_schedule(fonds_code: str) -> core_scheme.RetentionSchedule:
    if fonds_code in core_scheme.DEFAULT_FONDS:
        return core_scheme.default_schedule(fonds_code)
    text = _template("template_schedule_xml")
    template = (
        core_scheme.read_schedule_xml(text)
        if text
        else core_scheme.default_schedule(TEMPLATE_FONDS)
    )
    return replace(template, fonds_code=fonds_code)


@lru_cache(maxsize=64)
def _parsed_scheme(text: str) -> core_scheme.ClassificationScheme:
    """A stored scheme parsed once per process (the parsed value is frozen)."""
    return core_scheme.read_scheme_xml(text)


@lru_cache(maxsize=64)
def _parsed_schedule(text: str, scheme: core_scheme.ClassificationScheme):
    """A stored schedule parsed once per process and scheme (both frozen, the scheme hashable)."""
    return core_scheme.read_schedule_xml(text, scheme=scheme)


def fonds_scheme(fonds) -> core_scheme.ClassificationScheme:
    """The classification scheme (分类方案) in force for ``fonds``."""
    text = IAnnotations(fonds).get(SCHEME_KEY)
    if text:
        return _parsed_scheme(text)
    return _default_scheme(fonds.fonds_code)


def fonds_schedule(fonds) -> core_scheme.RetentionSchedule:
    """The archiving scope and retention schedule (归档范围与保管期限表) in force for ``fonds``."""
    text = IAnnotations(fonds).get(SCHEDULE_KEY)
    if text:
        return _parsed_schedule(text, fonds_scheme(fonds))
    return _default_schedule(fonds.fonds_code)


def code_rule(fonds, category: str | None = None) -> codes.CodeRule:
    """The archival code rule (档号规则) of ``category`` in the fonds' scheme."""
    scheme = fonds_scheme(fonds)
    if category is None:
        return scheme.categories[0].code_rule if scheme.categories else codes.DEFAULT_RULE
    return scheme.code_rule(category)


def import_scheme(fonds, data: bytes, fmt: str = "xml") -> core_scheme.ClassificationScheme:
    """Strictly import a scheme file; raises ``SchemeError`` listing every problem."""
    parsed = _readers[("scheme", fmt)](data)
    if parsed.fonds_code != fonds.fonds_code:
        raise core_scheme.SchemeError(
            "the scheme belongs to another fonds",
            [
                Problem(
                    "SCHEME-FONDS",
                    f"file is for {parsed.fonds_code}, not {fonds.fonds_code}",
                    "全宗",
                    "scheme",
                )
            ],
        )
    # the current schedule must still fit the new scheme
    schedule = fonds_schedule(fonds)
    problems = core_scheme.schedule_problems(schedule, parsed)
    if problems:
        raise core_scheme.SchemeError(
            f"{len(problems)} rules of the schedule do not fit the new scheme", problems
        )
    IAnnotations(fonds)[SCHEME_KEY] = core_scheme.write_scheme_xml(parsed).decode("utf-8")
    return parsed


def import_schedule(fonds, data: bytes, fmt: str = "xml") -> core_scheme.RetentionSchedule:
    scheme = fonds_scheme(fonds)
    if fmt == "csv":
        parsed = core_scheme.read_schedule_csv(data, fonds.fonds_code, scheme=scheme)
    else:
        parsed = core_scheme.read_schedule_xml(data, scheme=scheme)
    IAnnotations(fonds)[SCHEDULE_KEY] = core_scheme.write_schedule_xml(parsed).decode("utf-8")
    return parsed


def import_file(fonds, which: str, data: bytes, fmt: str = "xml"):
    """Import a scheme or schedule file: the one entry point of forms and services."""
    if which not in ("scheme", "schedule") or fmt not in FORMATS:
        raise ValueError("which: scheme|schedule, format: xml|csv")
    importer = import_schedule if which == "schedule" else import_scheme
    from sd.archive import audit  # 整理规则变更 is audited, refused imports too

    with audit.logged(
        "rules.imported", fonds, details={"which": which, "format": fmt, "bytes": len(data)}
    ):
        return importer(fonds, data, fmt)


def export(fonds, which: str, fmt: str = "xml") -> bytes:
    """The fonds' scheme or schedule as a file a manager can edit (XML or CSV, UTF-8 with BOM)."""
    data = fonds_scheme(fonds) if which == "scheme" else fonds_schedule(fonds)
    return _writers[(which, fmt)](data)


def set_category_rule(fonds, category: str, rule: codes.CodeRule):
    """Change one category's archival code rule (used by set-up scripts and tests)."""
    scheme = fonds_scheme(fonds)
    cats = tuple(replace(c, code_rule=rule) if c.code == category else c for c in scheme.categories)
    IAnnotations(fonds)[SCHEME_KEY] = core_scheme.write_scheme_xml(
        replace(scheme, categories=cats)
    ).decode("utf-8")
    from sd.archive import audit

    audit.log("rules.changed", fonds, details={"category": category})
