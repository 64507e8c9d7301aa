"""Delivery of a transfer package to the archives' node (在线移交), and what comes back.

:func:`deliver` posts a package built by ``outgoing.build_package`` to another node's
``@transfer`` with the signed sender note; :func:`deliver_batch` does it for a batch and keeps
the answer; :func:`send_receipt_back` returns the countersigned receipt to the sender
(``@transfer-receipt``); :func:`request_witness` asks the archives' node to cosign the ledger
first. Only http(s) URLs of the configured archives' node are ever opened.
"""

from __future__ import annotations

import base64
import datetime
import json
import urllib.error
import urllib.request
from pathlib import Path

from plone import api


def _post(url: str, data, headers: dict, timeout: float) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Accept": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.loads(error.read().decode("utf-8") or "{}")
        except ValueError:
            return error.code, {"message": error.reason}


def deliver(
    package: Path,
    url: str,
    *,
    user: str,
    password: str,
    sender_node: str,
    note: str,
    receipt_to: str = "",
    timeout: float = 600,
) -> tuple[int, dict]:
    """POST the package to another node's ``@transfer`` (在线移交), streamed from disk.

    ``receipt_to`` (``X-Receipt-To``) tells the archives where to send the countersigned
    receipt back: this node's ``@transfer-receipt/<batch UID>``."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    target = url.rstrip("/") + ("" if url.rstrip("/").endswith("@transfer") else "/@transfer")
    headers = {
        "Content-Type": "application/zip",
        "Content-Length": str(package.stat().st_size),
        "Authorization": f"Basic {auth}",
        "X-Sender-Node": sender_node,
        "X-Sender-Receipt": base64.b64encode(note.encode("utf-8")).decode("ascii"),
    }
    if receipt_to:
        headers["X-Receipt-To"] = receipt_to
    with open(package, "rb") as body:
        return _post(target, body, headers, timeout)


def deliver_batch(batch, url: str, *, user: str, password: str) -> dict:
    """Deliver an outgoing batch's package to the archives node at ``url`` and keep the answer."""
    from sd.archive.ledger.current import current_ledger
    from sd.archive.transfer import spool

    status, answer = deliver(
        spool.package_path(batch.token),
        url,
        user=user,
        password=password,
        sender_node=current_ledger().origin,
        note=batch.facts["sender_receipt"],
        receipt_to=f"{api.portal.get().absolute_url()}/@transfer-receipt/{batch.UID()}",
    )
    delivery = {
        "url": url,
        "status": status,
        "batch": answer.get("@id"),
        "time": datetime.date.today().isoformat(),
        "errors": answer.get("errors", []) if status >= 400 else [],
    }
    batch.facts["delivery"] = delivery
    return delivery


def transfer_and_deliver(fonds, records, *, unit: str, description: str = "", target=None):
    """Transfer ``records`` into an outgoing batch and, when ``target`` names the archives'
    node (``{"url", "user", "password", "witness"}``), deliver the package to it (在线移交);
    without a target the package waits for download (离线移交). Returns the batch."""
    import transaction

    from sd.archive.transfer import outgoing

    target = target or {}
    login = {"user": target.get("user", ""), "password": target.get("password", "")}
    witness = None
    if target.get("url") and target.get("witness", True):

        def witness():
            return request_witness(target["url"], **login)

    batch = outgoing.prepare_transfer(
        fonds, records, unit=unit, description=description, before_packaging=witness
    )
    if target.get("url"):
        transaction.commit()  # the batch the receipt comes back to must exist
        deliver_batch(batch, target["url"], **login)
    return batch


def send_receipt_back(batch, receipt: dict, timeout: float = 30) -> dict:
    """POST the countersigned receipt to the sender's outgoing batch (回执送达移交方)."""
    target = batch.facts.get("receipt_to") or ""
    if not target:
        return {"sent": False, "reason": "the sender gave no receipt address (offline transfer)"}
    data = json.dumps(receipt, ensure_ascii=False).encode("utf-8")
    try:
        status, answer = _post(target, data, {"Content-Type": "application/json"}, timeout)
    except OSError as error:
        return {"sent": False, "url": target, "reason": str(error)}
    return {
        "sent": status < 300,
        "url": target,
        "status": status,
        "reason": "" if status < 300 else answer.get("message", ""),
    }


def request_witness(url: str, *, user: str, password: str, timeout: float = 60) -> dict:
    """Ask the archives node to witness (cosign) this node's log now (请求联署), so that the
    proofs in the package come with its cosignature; needs a ledger manager's account there,
    otherwise its scheduled cosigning round does it later."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    base = url.rstrip("/").removesuffix("/@transfer")
    try:
        status, answer = _post(
            f"{base}/@ledger/cosign",
            b"{}",
            {"Content-Type": "application/json", "Authorization": f"Basic {auth}"},
            timeout,
        )
    except OSError as error:
        return {"status": None, "message": str(error)}
    return {
        "status": status,
        "results": [
            {k: r.get(k) for k in ("origin", "status", "tree_size")}
            for r in answer.get("results", [])
        ],
    }
