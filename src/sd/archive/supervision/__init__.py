"""Supervision metrics and dashboard (监督指导, #26): completeness, timeliness, quality per agency.

Public API for other areas (statistics, rectification notices, the annual report): see
:mod:`sd.archive.supervision.metrics` — ``agency_metrics(fonds, year=None) -> dict``,
``all_agencies(year=None, domain=None) -> list[dict]``, ``years()``,
``records_behind(fonds, year, metric)``, ``number_gaps(fonds, year=None)``.
"""
