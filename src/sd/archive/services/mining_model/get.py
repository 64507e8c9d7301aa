"""GET {fonds}/@mining-model: the model in use (version, when, on how many records, per value
how many records) and the last training run (trained, or why not: too few records, one
category). POST: retrain now from the fonds' arranged records (重新训练); 200 with the run."""

from __future__ import annotations

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.mining.suggestions import models
from sd.archive.services.base import ArchiveService


class ModelGet(ArchiveService):
    def reply(self):
        return models.status(self.context)


class ModelPost(ArchiveService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        run = models.retrain(self.context, actor=api.user.get_current().getId())
        return {"run": run, **models.status(self.context)}
