"""Change events of the directory (通讯录变更事件回调): signatures, the events named, when a full
sync is due."""

from __future__ import annotations

from sd.archive.core.errors import Problem

USER_EVENTS = ("create_user", "update_user", "delete_user")
DEPARTMENT_EVENTS = ("create_party", "update_party", "delete_party")
CALLBACK_WINDOW = 300  # seconds a callback's timestamp may differ from the clock


def callback_signature(token: str, timestamp: str, nonce: str, body: str) -> str:
    """WeCom's ``msg_signature``: SHA-1 (hex) of the token, timestamp, nonce and message,
    sorted and joined (the platform signs its change events so)."""
    import hashlib

    joined = "".join(sorted([token, str(timestamp), str(nonce), body]))
    return hashlib.sha1(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


def check_callback(token, signature, timestamp, nonce, body, now: float) -> list[Problem]:
    """The problems of a change-event callback: a missing or wrong signature
    (``callback.signature``), a timestamp outside the window (``callback.stale``)."""
    import hmac

    if not token:
        return [
            Problem("callback.not-configured", "回调令牌未配置: no callback token", "", "token")
        ]
    if not (signature and timestamp and nonce):
        return [
            Problem(
                "callback.signature",
                "缺少签名参数: msg_signature, timestamp and nonce are required",
                "",
                "msg_signature",
            )
        ]
    expected = callback_signature(token, timestamp, nonce, body)
    if not hmac.compare_digest(expected, str(signature)):
        return [
            Problem(
                "callback.signature",
                "签名校验失败: the signature does not match",
                "",
                "msg_signature",
            )
        ]
    try:
        moment = int(timestamp)
    except ValueError:
        return [
            Problem("callback.stale", "时间戳格式错误: timestamp is not a number", "", "timestamp")
        ]
    if abs(now - moment) > CALLBACK_WINDOW:
        return [
            Problem(
                "callback.stale", "回调已过期: the timestamp is outside the window", "", "timestamp"
            )
        ]
    return []


def parse_events(payload) -> tuple[list[str], bool, list[Problem]]:
    """The members named and whether departments changed, from a callback body: one event
    ``{"Event": "change_contact", "ChangeType": …, "UserID": …, "Id": …}`` or
    ``{"events": [ … ]}`` (the XML fields of WeCom's event, as JSON)."""
    events = (
        payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
    )
    if not isinstance(events, list):
        return (
            [],
            False,
            [Problem("callback.shape", "事件格式错误: events is not a list", "", "events")],
        )
    users, departments, problems = [], False, []
    for index, event in enumerate(events):
        where = f"events[{index}]"
        change = event.get("ChangeType") if isinstance(event, dict) else None
        if change in USER_EVENTS and isinstance(event.get("UserID"), str) and event["UserID"]:
            if event["UserID"] not in users:
                users.append(event["UserID"])
            new_id = event.get("NewUserID")
            if isinstance(new_id, str) and new_id and new_id not in users:
                users.append(new_id)
        elif change in DEPARTMENT_EVENTS:
            departments = True
        else:
            problems.append(
                Problem(
                    "callback.event",
                    "不支持的事件: unknown ChangeType or no UserID",
                    where,
                    "ChangeType",
                )
            )
    return users, departments, problems


def full_sync_due(runs: list[dict], hours: int, now: float) -> bool:
    """A scheduled full sync is due: ``hours`` > 0 and no full run succeeded in the last
    ``hours`` (a failed one does not count: the next look tries again)."""
    if not hours or hours <= 0:
        return False
    last = max(
        (r.get("started", 0) for r in runs if r.get("kind") == "full" and r.get("status") == "ok"),
        default=None,
    )
    return last is None or now - last >= hours * 3600
