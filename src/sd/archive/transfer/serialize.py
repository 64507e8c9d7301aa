"""The JSON of a transfer batch (移交批次): state, progress, per-record results, manual items."""

from __future__ import annotations

from sd.archive.transfer import batch as state


def batch_body(batch, results: bool = True) -> dict:
    """What ``POST @transfer`` answers and ``GET {batch}`` / ``{batch}/@detection`` add."""
    facts = dict(getattr(batch, "facts", {}) or {})
    body = {
        "@id": batch.absolute_url(),
        "UID": batch.UID(),
        "id": batch.getId(),
        "direction": batch.direction,
        "fonds_code": batch.fonds_code,
        "transferring_unit": batch.transferring_unit,
        "status": state.summary(batch)["state"],
        "progress": state.summary(batch),
        "package_digest": {"SM3": facts.get("package_sm3", "")},
        "manifest_digest": {"SM3": facts.get("manifest_sm3", "")},
        "record_count": facts.get("record_count"),
        "description": dict(facts.get("description") or {}),
        "manual_items": state.manual_items(batch),
        "detection_url": f"{batch.absolute_url()}/@detection",
    }
    if results:
        body["package_detection"] = facts.get("package_report")
        body["records"] = [_plain(r) for r in state.results(batch)]
    receipt = getattr(batch, "receipt", None)
    if receipt:
        body["receipt"] = _plain(receipt)
    returns = getattr(batch, "returns", None)
    if returns:
        body["returns"] = [_plain(r) for r in returns]
    return body


def _plain(value):
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "PersistentList":
        return [_plain(v) for v in value]
    return value
