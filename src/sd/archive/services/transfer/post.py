"""POST /{site}/@transfer (移交接收接口), POST {batch}/@resubmit and POST {batch}/@resume.

The body is a DA/T 93 transfer package (``application/zip``) or ``multipart/form-data`` with
the field ``package``. It is copied in chunks into the transfer area under the instance var
directory (never whole in memory) and stays there until the batch is finished. Headers:

- ``X-Sender-Node``: the sending node's origin (its records are checked against its ledger
  when it is an admitted node);
- ``X-Sender-Receipt``: the sender's signed receipt note (base64), countersigned on acceptance;
- ``X-Receipt-To``: where the countersigned receipt is posted back on acceptance (the
  sender's ``@transfer-receipt/<batch UID>``);
- ``Prefer: respond-async`` / ``Prefer: wait``: background (202) or in-request (201) processing.
"""

from __future__ import annotations

import base64
import binascii
import shutil

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.intake.limits import max_package_bytes
from sd.archive.intake.spool import spool
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import check_package_request
from sd.archive.services.base import problem
from sd.archive.services.intake.post import PackagePost
from sd.archive.transfer import incoming
from sd.archive.transfer import spool as area_of
from sd.archive.transfer import worker
from sd.archive.transfer.serialize import batch_body


class TransferPost(PackagePost):
    """移交接收接口: a transfer package (``packages.md`` §5) becomes a transfer batch."""

    kind = "transfer"
    whom, verb = "records room", "transfer"

    def mode(self) -> str:
        prefer = (self.request.getHeader("Prefer") or "").lower()
        if "respond-async" in prefer:
            return "async"
        if "wait" in prefer:
            return "sync"
        return "auto"

    def sender_receipt(self) -> str:
        value = (self.request.getHeader("X-Sender-Receipt") or "").strip()
        if not value:
            return ""
        try:
            return base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ArchiveError(
                "X-Sender-Receipt is not base64 of a signed note",
                [
                    Problem(
                        "request.sender-receipt",
                        "send the signed note base64-encoded",
                        "X-Sender-Receipt",
                        "request",
                    )
                ],
                400,
                "BadRequest",
            ) from None

    def receive(self, area, spooled, receipt: str):
        return incoming.receive_package(
            api.portal.get(),
            area,
            spooled,
            actor=api.user.get_current().getId(),
            sender_node=(self.request.getHeader("X-Sender-Node") or "").strip(),
            receipt_to=(self.request.getHeader("X-Receipt-To") or "").strip(),
            sender_receipt=receipt,
            mode=self.mode(),
        )

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        check_package_request(self.request, self.media_types)
        area = area_of.new_area()
        try:
            receipt = self.sender_receipt()
            spooled = spool(
                self.body_stream(), str(area), max_package_bytes(), area_of.PACKAGE_NAME
            )
            if spooled.size == 0:
                raise problem(
                    400,
                    "PackageUnreadable",
                    "the request has no package",
                    "request.empty",
                    "the body is empty",
                    "",
                    "request",
                )
            return self.answer(self.receive(area, spooled, receipt))
        finally:
            shutil.rmtree(area, ignore_errors=True)  # adopted packages were moved out


class TransferResubmitPost(TransferPost):
    """重新移交: ``POST {batch}/@resubmit`` with the corrected package of a returned batch
    (same body, headers and answers as ``@transfer``; 409 when the batch is not returned)."""

    def receive(self, area, spooled, receipt: str):
        return incoming.resubmit_package(
            api.portal.get(),
            self.context,
            area,
            spooled,
            actor=api.user.get_current().getId(),
            sender_receipt=receipt,
            mode=self.mode(),
        )


class TransferResumePost(ArchiveService):
    """Resume an unfinished batch in the background (继续检测入库)."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        batch = self.context
        if api.content.get_state(batch) != "checking" or batch.progress["finished"]:
            raise problem(
                409,
                "Conflict",
                "the batch is not unfinished",
                "transfer.not-unfinished",
                "only a batch still checking resumes",
                batch.getId(),
                "state",
            )
        if worker.start(batch) is None:
            raise problem(
                409,
                "Conflict",
                "a worker already runs this batch",
                "transfer.running",
                "wait for it to finish",
                batch.getId(),
                "state",
            )
        self.request.response.setStatus(202)
        return batch_body(batch, results=False)
