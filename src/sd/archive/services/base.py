"""The base of every sd.archive service (服务基类): HTTP only at the edge.

The layers below a service (intake, transfer, the ledger, seals) return outcomes
(``sd.archive.intake.outcomes``) or raise an :class:`~sd.archive.core.errors.ArchiveError`;
they never choose a status. :class:`ArchiveService` turns them into HTTP:

- an outcome: its status from :data:`STATUS`, ``Location`` when it names what was stored,
  its body;
- an error (raised by :meth:`~ArchiveService.check_permission` or :meth:`reply`): its own
  ``status`` and the one error shape ``{"type", "message", "errors": [problem, …]}``, and the
  transaction is doomed, so nothing of the request is committed.

An ``ArchiveError`` raised below a service that does not use this base (plone.restapi's own
content services, a workflow subscriber) is rendered the same way by the exception view in
:mod:`.errors`, the fallback; the publisher then aborts the transaction.

Permissions: ZCML names the permission of each endpoint. Where the Plone permission cannot
say who may call (a submitter holds ``sd.archive: Submit packages`` on its fonds, not on the
site the intake endpoints live on), the endpoint names ``zope2.View`` and its
:meth:`check_permission` answers in the error shape: :func:`require_submitter` (401 for
anonymous callers, 403 for accounts that submit nowhere).
"""

from __future__ import annotations

import json

import transaction
from plone import api
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services import Service
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.intake.fonds import may_submit_somewhere
from sd.archive.intake.limits import max_package_bytes
from sd.archive.intake.outcomes import Created
from sd.archive.intake.outcomes import Outcome
from sd.archive.intake.outcomes import Rejected
from sd.archive.intake.outcomes import Repeated
from sd.archive.intake.outcomes import Started
from sd.archive.intake.spool import too_large

#: the HTTP status of each outcome
STATUS: dict[type, int] = {Created: 201, Started: 202, Repeated: 200, Rejected: 422}

MULTIPART = "multipart/form-data"
#: what a multipart body may carry besides the package (boundaries, part headers)
MULTIPART_ALLOWANCE = 64 * 1024


def problem(
    status: int,
    type_: str,
    message: str,
    code: str,
    detail: str = "",
    obj: str = "",
    prop: str = "",
) -> ArchiveError:
    """An error with one problem (to raise): ``detail`` defaults to ``message``."""
    return ArchiveError(message, [Problem(code, detail or message, obj, prop)], status, type_)


def error_body(request, error: ArchiveError) -> dict:
    """Doom the transaction and set the error's status; the body in the error shape."""
    transaction.doom()
    request.response.setStatus(error.status)
    return error.as_dict()


def json_object(request) -> dict:
    """The request body as a JSON object (请求体). Every sd.archive service reads its JSON
    here: malformed JSON or a value other than an object is a 400 in the error shape, where
    plone.restapi's ``json_body`` raises an exception that becomes a 500."""
    try:
        return json_body(request)
    except DeserializationError as error:
        raise problem(
            400,
            "BadRequest",
            f"the body must be a JSON object: {error}",
            "request.not-json",
            prop="body",
        ) from None


def body_bytes(request, limit: int, code: str = "import.size") -> bytes:
    """The raw request body (an XLSX sheet …) of at most ``limit`` bytes, read once; a larger
    one is a 413 with the problem ``code`` (nothing past the limit is read)."""
    stream = request.get("BODYFILE") or request.stdin
    stream.seek(0)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise problem(413, "PayloadTooLarge", "the sheet is too large", code, prop="body")
    return data


class ArchiveService(Service):
    """A plone.restapi service that answers outcomes and errors (see the module)."""

    def render(self):
        try:
            return super().render()
        except ArchiveError as error:
            body = error_body(self.request, error)
        self.request.response.setHeader("Content-Type", self.content_type)
        return json.dumps(body, indent=2, sort_keys=True, separators=(", ", ": "))

    def answer(self, outcome: Outcome) -> dict:
        """An outcome as the response: status, ``Location``, body."""
        self.request.response.setStatus(STATUS[type(outcome)])
        if outcome.location:
            self.request.response.setHeader("Location", outcome.location)
        return outcome.body

    def json_body(self) -> dict:
        return json_object(self.request)


@implementer(IPublishTraverse)
class TraversingService(ArchiveService):
    """A service that takes path segments after its name (``@ledger/proof``) as ``params``."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.params: list[str] = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self


class ActionDeserializer:
    """A PATCH that goes through the area's own recorded action (经业务操作的修改) instead of
    plone.restapi writing the fields: the body read as ``json_object`` (``@type``/``@id``
    left out) is handed to :meth:`apply`, which checks who owns each field and changes the
    object or raises an :class:`ArchiveError`."""

    def __init__(self, context, request):
        self.context = context
        self.request = request

    def __call__(self, validate_all=False, data=None, create=False, mask_validation_errors=True):
        if data is None:
            data = json_object(self.request)
        self.apply({k: v for k, v in data.items() if k not in ("@type", "@id")})
        return self.context

    def apply(self, data: dict) -> None:
        raise NotImplementedError


def require_submitter(request, whom: str, verb: str) -> None:
    """The submitter check (报送账号): 401 for an anonymous caller (with a Basic challenge),
    403 for an account holding ``sd.archive: Submit packages`` on no fonds. ``whom`` says
    whose service account to log in with, ``verb`` what the account may not do."""
    if api.user.is_anonymous():
        request.response.setHeader("WWW-Authenticate", 'Basic realm="sd.archive"')
        raise problem(
            401,
            "Unauthorized",
            f"log in with the service account of your {whom}",
            "auth.required",
            "no credentials or wrong credentials",
            "",
            "authorization",
        )
    if not may_submit_somewhere(api.portal.get()):
        raise problem(
            403,
            "Forbidden",
            f"this account may not {verb} packages",
            "auth.not-a-submitter",
            f"only service accounts of a fonds and managers {verb}",
            "",
            "authorization",
        )


def media_type(request) -> str:
    """The request's media type (not plone.restapi's ``content_type``, which is the
    answer's)."""
    return (request.getHeader("Content-Type") or "").split(";", 1)[0].strip().lower()


def check_package_request(request, accepted: tuple[str, ...]) -> None:
    """415 for a media type other than ``accepted`` or multipart, 413 for a declared
    ``Content-Length`` over the package limit, before anything is read."""
    media = media_type(request)
    if media not in (*accepted, MULTIPART):
        raise problem(
            415,
            "UnsupportedMediaType",
            f"{media or 'no content type'} is not accepted here",
            "request.media-type",
            f"send one of {', '.join((*accepted, MULTIPART))}",
            "Content-Type",
            "request",
        )
    limit = max_package_bytes()
    length = request.getHeader("Content-Length")
    allowance = MULTIPART_ALLOWANCE if media == MULTIPART else 0
    if length and length.isdigit() and int(length) > limit + allowance:
        raise too_large(limit, int(length))
