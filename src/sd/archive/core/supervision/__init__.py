"""Supervision metrics and dashboard (监督指导, #26): completeness, timeliness, quality per agency. Pure Python, no Zope imports."""
