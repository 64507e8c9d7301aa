"""Helpers of the ledger services: structured errors and integer parameters (path parameters:
``services/base.py`` ``TraversingService``).
The JSON body and the error answer are the service base's (``services/base.py``)."""

from __future__ import annotations

from sd.archive.core import errors
from sd.archive.core.errors import ArchiveError
from sd.archive.services import base


def bad_request(message: str, code: str = "LEDGER-PARAMETER", property: str = "") -> ArchiveError:
    """A 400 with one problem, the ledger parameters' code by default."""
    return errors.bad_request(message, code, property)


def int_param(form, name: str, default: int | None = None) -> int:
    value = form.get(name)
    if value in (None, ""):
        if default is None:
            raise bad_request(f"parameter {name} is required", property=name)
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_request(f"parameter {name} must be an integer", property=name) from None
    if number < 0:
        raise bad_request(f"parameter {name} must not be negative", property=name)
    return number


def error_body(service, error: ArchiveError) -> dict:
    """The error's status and shape; the transaction is doomed (``base.error_body``)."""
    return base.error_body(service.request, error)
