"""POST @ledger/cosignature, @ledger/cosign, @ledger/nodes (联署与节点准入)."""

from __future__ import annotations

from plone import api
from zope.interface import alsoProvides

from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.ledger import node as nodes
from sd.archive.ledger import witness
from sd.archive.ledger.current import current_ledger
from sd.archive.services.base import TraversingService
from sd.archive.services.base import json_object
from sd.archive.services.ledger.common import bad_request

MANAGE = "sd.archive: Manage configuration"


class LedgerPost(TraversingService):
    """``/cosignature``: a peer delivers its cosignature of one of our checkpoints (anyone may
    post; only valid cosignatures of admitted nodes are kept). ``/cosign``: witness every
    admitted peer now. ``/nodes``: admit (``{origin, vkey, url, role, hash_alg}``) or remove
    (``{"remove": origin}``) a node; both are logged."""

    def reply(self):
        from plone.protect.interfaces import IDisableCSRFProtection

        alsoProvides(self.request, IDisableCSRFProtection)
        what = "/".join(self.params)
        if what == "cosignature":
            note = json_object(self.request).get("checkpoint")
            if not isinstance(note, str):
                raise bad_request(
                    "checkpoint (the cosigned note) is required", property="checkpoint"
                )
            return witness.accept_cosignatures(current_ledger(), note)
        if what in ("cosign", "nodes"):
            if not api.user.has_permission(MANAGE, obj=self.context):
                raise ArchiveError(
                    "not allowed",
                    [Problem("LEDGER-FORBIDDEN", "not allowed")],
                    401 if api.user.is_anonymous() else 403,
                    "Unauthorized",
                )
            return self.cosign() if what == "cosign" else self.nodes()
        raise bad_request(f"unknown ledger action {what!r}", "LEDGER-RESOURCE")

    def cosign(self) -> dict:
        ledger = current_ledger()
        timeout = api.portal.get_registry_record("sd.archive.ledger.peer_timeout", default=10)
        results = witness.cosign_all(ledger, timeout)
        return {"results": results, **ledger.state()}

    def nodes(self) -> dict:
        body = json_object(self.request)
        if body.get("remove"):
            nodes.remove(body["remove"])
        else:
            missing = [f for f in ("origin", "vkey") if not body.get(f)]
            if missing:
                raise bad_request(f"missing {', '.join(missing)}", property=missing[0])
            nodes.admit(
                AdmittedNode(
                    origin=body["origin"],
                    vkey=body["vkey"],
                    url=body.get("url", ""),
                    role=body.get("role", "log"),
                    hash_alg=body.get("hash_alg", "sm3"),
                )
            )
        return {
            "nodes": [
                {
                    "origin": n.origin,
                    "vkey": n.vkey,
                    "url": n.url,
                    "role": n.role,
                    "hash_alg": n.hash_alg,
                }
                for n in nodes.admitted_nodes()
            ]
        }
