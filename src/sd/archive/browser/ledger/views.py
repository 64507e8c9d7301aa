"""The ledger page (证据账本) and the control panel of admitted nodes (准入节点)."""

from __future__ import annotations

from plone import api
from plone.protect import CheckAuthenticator
from Products.Five.browser import BrowserView

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.errors import ArchiveError
from sd.archive.core.ledger.checkpoint import parse_checkpoint
from sd.archive.core.ledger.entry import parse_entry
from sd.archive.core.ledger.nodes import AdmittedNode
from sd.archive.core.ledger.notes import parse_note
from sd.archive.ledger import disclosure
from sd.archive.ledger import node as nodes
from sd.archive.ledger import verification
from sd.archive.ledger import witness
from sd.archive.ledger.current import current_ledger

MANAGE = "sd.archive: Manage configuration"


class LedgerView(BrowserView):
    """Latest checkpoint, cosigners, quorum, witnessed peers, recent entries, verify form."""

    verify_result = None
    cosign_results = None
    error = None

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            try:
                if form.get("cosign"):
                    CheckAuthenticator(self.request)
                    if not self.can_manage:
                        raise ArchiveError("not allowed", [], 403, "Unauthorized")
                    timeout = api.portal.get_registry_record(
                        "sd.archive.ledger.peer_timeout", default=10
                    )
                    self.cosign_results = witness.cosign_all(current_ledger(), timeout)
                elif getattr(form.get("file"), "filename", None):
                    upload = form["file"]
                    upload.seek(0)
                    self.verify_result = verification.verify_stream(upload, upload.filename)
                elif form.get("digest"):
                    self.verify_result = verification.verify_digest(form["digest"])
            except ArchiveError as error:
                self.error = error.as_dict()
        return self.index()

    @property
    def can_manage(self) -> bool:
        return api.user.has_permission(MANAGE, obj=self.context)

    def state(self) -> dict:
        return current_ledger().state()

    def checkpoints(self) -> list[dict]:
        ledger = current_ledger()
        with ledger.log.reading() as conn:
            rows = ledger.log.checkpoints(conn, 10)
        out = []
        for size, note in rows:
            quorum = ledger.quorum_state(note)
            out.append(
                {
                    "size": size,
                    "root": parse_checkpoint(parse_note(note).text).root.hex(),
                    "confirmed_by": ", ".join(quorum["confirmed_by"]),
                    "confirmed": quorum["confirmed"],
                }
            )
        return out

    def recent(self) -> list[dict]:
        ledger = current_ledger()
        with ledger.log.reading() as conn:
            rows = ledger.log.recent(conn, 20)
        parsed = [(index, parse_entry(data)) for index, data in rows]
        visible = disclosure.visible_records(entry["record"] for _index, entry in parsed)
        entries = []
        for index, entry in parsed:  # no code or account of a record the caller may not see
            entry = disclosure.shown(entry, visible)
            entries.append(
                {
                    "index": index,
                    "event": entry["event"],
                    "code": entry["code"],
                    "time": beijing_time(entry["time"]),
                    "actor": entry["actor"],
                    "files": len(entry["content"]),
                }
            )
        return entries

    def witnessed(self) -> list[dict]:
        store = witness.WitnessStore(current_ledger().node.witness_database)
        try:
            return [{"origin": o, "size": s} for o, s, _note in store.all_witnessed()]
        finally:
            store.close()


class NodesView(BrowserView):
    """List, admit and remove nodes; each change is logged (node-admit / node-remove)."""

    error = None
    message = None

    def __call__(self):
        form = self.request.form
        if self.request.method == "POST":
            CheckAuthenticator(self.request)
            try:
                if form.get("remove"):
                    nodes.remove(form["remove"])
                    self.message = _("Node removed.")
                elif form.get("admit"):
                    nodes.admit(
                        AdmittedNode(
                            origin=form.get("origin", "").strip(),
                            vkey=form.get("vkey", "").strip(),
                            url=form.get("url", "").strip(),
                            role=form.get("role", "log").strip(),
                            hash_alg=form.get("hash_alg", "sm3"),
                        )
                    )
                    self.message = _("Node admitted.")
            except ArchiveError as error:
                self.error = error.as_dict()
        return self.index()

    def nodes(self) -> list[AdmittedNode]:
        return nodes.admitted_nodes()

    @property
    def this_node(self):
        return current_ledger()
