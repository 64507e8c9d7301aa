"""The transfer services besides intake (移交服务): records room → package → delivery, the
archivist's acceptance or return, and the receipt coming back to the sender.

- ``POST {fonds}/@transfer-out`` — build the DA/T 93 package of the fonds' eligible records
  (optionally only ``uids``, by ``year``/``category``/``retention``), log ``transfer-out`` for
  each, and with ``deliver: {url, user, password}`` post it to the archives node;
- ``POST {batch}/@accept`` — sign off the manual items (``manual: {code: {outcome, note}}``)
  and accept: the receipt is countersigned and posted back to the sender when it said where;
- ``POST {batch}/@return`` — return with reasons per record (``reasons: {档号: text}``);
- ``POST {site}/@transfer-receipt/<outgoing batch UID>`` — the archives' countersigned
  receipt; anyone may post it, it is taken only when its signatures verify.
"""

from __future__ import annotations

import json

from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.services.base import ArchiveService
from sd.archive.services.base import TraversingService
from sd.archive.services.base import json_object
from sd.archive.services.base import problem
from sd.archive.transfer import actions
from sd.archive.transfer import batch as state
from sd.archive.transfer import delivery
from sd.archive.transfer import outgoing
from sd.archive.transfer import receipt as receipts
from sd.archive.transfer.serialize import batch_body


class _JSONService(ArchiveService):
    def body(self) -> dict:
        return json_object(self.request)

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        return self.act()


class TransferOutPost(_JSONService):
    """移交 from the records room (档案室): package, ``transfer-out``, optional delivery."""

    def act(self):
        data = self.body()
        year = data.get("year")
        records = outgoing.eligible(
            self.context,
            year=int(year) if year else None,
            category=data.get("category") or None,
            retention=data.get("retention") or None,
        )
        wanted = set(data.get("uids") or ())
        if wanted:
            records = [r for r in records if r.UID() in wanted]
        if not records:
            raise ArchiveError(
                "no record of the fonds is eligible for transfer",
                [
                    Problem(
                        "transfer.nothing-eligible",
                        f"archived records kept at least {outgoing.transfer_after_years()} years",
                        self.context.fonds_code,
                        "selection",
                    )
                ],
                422,
                "NothingToTransfer",
            )
        batch = delivery.transfer_and_deliver(
            self.context,
            records,
            unit=data.get("unit") or self.context.agency_name,
            description=data.get("description", ""),
            target=data.get("deliver") or {},
        )
        self.request.response.setStatus(201)
        body = batch_body(batch)
        body["delivery"] = dict(batch.facts.get("delivery") or {})
        return body


class TransferAcceptPost(_JSONService):
    """接收: manual items signed off by the archivist posting, then acceptance."""

    def act(self):
        data = self.body()
        actor = api.user.get_current().getId()
        for code, item in (data.get("manual") or {}).items():
            if code not in self.context.manual:
                raise ArchiveError(
                    f"no manual item {code}",
                    [
                        Problem(
                            "transfer.manual-unknown",
                            "not a manual item of this batch",
                            code,
                            "state",
                        )
                    ],
                )
            try:
                state.sign_off(
                    self.context, code, item.get("outcome", ""), item.get("note", ""), actor
                )
            except ValueError as error:
                raise ArchiveError(
                    str(error), [Problem("transfer.manual-outcome", str(error), code, "state")]
                ) from None
        actions.accept(self.context, reviewer=actor)
        return batch_body(self.context)


class TransferReturnPost(_JSONService):
    """退回 with reasons per record."""

    def act(self):
        returned = actions.return_batch(self.context, self.body().get("reasons") or {})
        body = batch_body(self.context)
        body["returned"] = returned
        return body


class TransferReceiptPost(TraversingService):
    """The archives' countersigned receipt for one of our outgoing batches (签收回执)."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        uid = self.params[0] if len(self.params) == 1 else ""
        with api.env.adopt_roles(["Manager"]):
            batch = api.content.get(UID=uid) if uid else None
            if batch is None or getattr(batch, "portal_type", "") != "TransferBatch":
                raise problem(
                    404,
                    "NotFound",
                    "no such outgoing batch",
                    "receipt.unknown-batch",
                    "post to @transfer-receipt/<outgoing batch UID>",
                    uid,
                )
            try:
                receipt = json.loads(self.request.get("BODY") or b"{}")
                taken = receipts.take_receipt(batch, receipt if isinstance(receipt, dict) else {})
            except ValueError:
                raise problem(
                    400,
                    "BadRequest",
                    "the receipt is not JSON",
                    "receipt.not-json",
                    "send the receipt file as JSON",
                ) from None
        return {
            "batch": batch.absolute_url(),
            "status": api.content.get_state(batch),
            "receipt": taken,
        }
