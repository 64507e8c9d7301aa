"""Helpers of the ledger services, shared by the other sd.archive services: structured errors,
the JSON body and integer parameters."""

from __future__ import annotations

from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services import Service
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem


@implementer(IPublishTraverse)
class TraversingService(Service):
    """A service that takes path segments after its name (``@ledger/proof``) as ``params``."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params: list[str] = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self


def bad_request(message: str, code: str = "LEDGER-PARAMETER", property: str = "") -> ArchiveError:
    return ArchiveError(message, [Problem(code, message, property=property)], 400, "BadRequest")


def json_object(request) -> dict:
    """The request body as a JSON object (请求体). Every sd.archive service reads its JSON
    here: malformed JSON or a value other than an object is a 400 in the error shape, where
    plone.restapi's ``json_body`` raises an exception that becomes a 500."""
    try:
        return json_body(request)
    except DeserializationError as error:
        raise bad_request(f"the body must be a JSON object: {error}", "request.not-json",
                          "body") from None


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
    service.request.response.setStatus(error.status)
    return error.as_dict()
