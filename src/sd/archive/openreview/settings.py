"""Open-access review settings (开放审核配置), registry ``sd.archive.openreview.*``
(profiles/default/registry/openreview.xml).

Read with defaults, so a site whose registry does not have the records yet (before the
upgrade step) works with the law's defaults: 25 years, no category of its own, a second
reviewer for batches over 50 records.
"""

from __future__ import annotations

from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface

from sd.archive import _
from sd.archive.core.openreview import closure
from sd.archive.core.openreview import rules

PREFIX = "sd.archive.openreview"


class IOpenReviewSettings(Interface):
    """开放审核配置."""

    default_closure_years = schema.Int(
        title=_("Closure period in years"),  # 封闭期（年）
        description=_("Archives Law 2020, art. 27: 25 years from the record's formation."),
        default=closure.DEFAULT_YEARS,
        min=0,
        max=closure.MAX_YEARS,
    )
    closure_years_by_category = schema.List(
        title=_("Closure period per category"),  # 按门类的封闭期
        description=_("One line per category: category code=years, e.g. KJ=10."),
        value_type=schema.TextLine(),
        default=[],
        required=False,
    )
    second_review_over = schema.Int(
        title=_("Second reviewer for batches over"),  # 超过此数量的批次须复核
        default=rules.DEFAULT_SECOND_REVIEW_OVER,
        min=0,
    )


def _value(name: str, default):
    registry = queryUtility(IRegistry)
    if registry is None:
        return default
    value = registry.get(f"{PREFIX}.{name}", default)
    return default if value is None else value


def default_years() -> int:
    return int(_value("default_closure_years", closure.DEFAULT_YEARS))


def category_years() -> dict[str, int]:
    """The per-category periods; a bad line is skipped (the control panel refuses it)."""
    mapping = {}
    for line in _value("closure_years_by_category", []) or []:
        try:
            mapping.update(closure.parse_category_years([line]))
        except closure.ClosureSettingError:
            continue
    return mapping


def second_review_over() -> int:
    return int(_value("second_review_over", rules.DEFAULT_SECOND_REVIEW_OVER))
