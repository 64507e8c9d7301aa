"""GET /{site}/@rejections[/<id>] (拒收记录) and GET /{site}/@openapi (接口说明)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from plone import api
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

from sd.archive.intake.rejections import get_rejection
from sd.archive.intake.rejections import may_see
from sd.archive.intake.rejections import visible_rejections
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import problem

OPENAPI = Path(__file__).with_name("openapi.yaml")


@implementer(IPublishTraverse)
class RejectionsGet(ArchiveService):
    """One rejection for its submitter and supervisors; without an id, those one may see."""

    rejection_id = None

    def publishTraverse(self, request, name):  # noqa: N802 - zope API
        if self.rejection_id is None:
            self.rejection_id = name
            return self
        raise KeyError(name)

    def check_permission(self):
        """ZCML lets everyone who may view the site ask; a rejection is shown only to its
        submitter and supervisors (403 in :meth:`reply`), anonymous callers get a 401."""
        if api.user.is_anonymous():
            raise problem(401, "Unauthorized", "log in to read rejections", "auth.required")

    def reply(self):
        portal = api.portal.get()
        if self.rejection_id is None:
            items = visible_rejections(portal)
            for item in items:
                item["@id"] = f"{portal.absolute_url()}/@rejections/{item['id']}"
            return {
                "@id": f"{portal.absolute_url()}/@rejections",
                "items": items,
                "items_total": len(items),
            }
        entry = get_rejection(portal, self.rejection_id)
        if entry is None:
            raise problem(404, "NotFound", "no such rejection", "rejection.unknown")
        if not may_see(portal, entry):
            raise problem(
                403,
                "Forbidden",
                "only the submitting account and supervisors see a rejection",
                "rejection.forbidden",
            )
        entry["@id"] = f"{portal.absolute_url()}/@rejections/{entry['id']}"
        return entry


class OpenAPIGet(ArchiveService):
    """The OpenAPI 3.1 document kept in the repository beside this module (as public as
    the site: the interface description is not a secret)."""

    def render(self):
        text = OPENAPI.read_text(encoding="utf-8")
        if self.request.form.get("format") == "yaml":
            self.request.response.setHeader("Content-Type", "application/yaml; charset=utf-8")
            return text.encode("utf-8")
        document = yaml.safe_load(text)
        document["servers"] = [{"url": api.portal.get().absolute_url()}]
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(document, ensure_ascii=False, indent=2)


class OpenAPIFile:
    """``@@openapi.yaml``: the same document for a browser (no JSON Accept header needed)."""

    def __init__(self, context, request):
        self.context, self.request = context, request

    def __call__(self):
        self.request.response.setHeader("Content-Type", "application/yaml; charset=utf-8")
        return OPENAPI.read_bytes()
