"""``POST @directory-events``: the platform's change events (通讯录变更回调).

The platform calls it when a member or a department changes, with ``msg_signature``,
``timestamp`` and ``nonce`` in the query, signed as WeCom signs its callbacks with the token
the operator shares with the platform (read from the environment variable named in the
platform settings, never stored in the site). A wrong or missing signature, a stale timestamp or
a nonce seen before is refused (403, logged); a good call runs an incremental sync of the
members named (and of the tree when a department changed) and answers what changed.
"""

from __future__ import annotations

import json
import time

from sd.archive import audit
from sd.archive.core.errors import ArchiveError
from sd.archive.core.identity.directory import check_callback
from sd.archive.core.identity.directory import parse_events
from sd.archive.identity.directory import store
from sd.archive.services.base import ArchiveService


class DirectoryEventsPost(ArchiveService):
    def reply(self):
        from sd.archive.identity.directory.sync import incremental_sync
        from sd.archive.identity.platform.settings import Settings
        from sd.archive.identity.platform.settings import client

        raw = self.request.get("BODY") or b""
        body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        query = self.request.form
        try:
            token = Settings().callback_token()
        except ArchiveError:
            token = ""
        problems = check_callback(
            token,
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            body,
            time.time(),
        )
        if not problems and not store.use_once(self.context, f"nonce:{query.get('nonce')}"):
            problems = [_replayed()]
        if problems:
            self.refuse(problems)
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        users, departments, problems = parse_events(payload if isinstance(payload, dict) else None)
        if problems:
            raise ArchiveError(
                "回调事件格式错误: malformed change event", problems, 400, "BadRequest"
            )
        outcome = incremental_sync(self.context, client(), users, departments_changed=departments)
        if outcome.status != "ok":
            raise ArchiveError(
                "组织机构增量同步失败: the incremental sync failed",
                list(outcome.problems),
                503,
                "DirectoryUnreachable" if outcome.status == "unreachable" else "DirectoryMalformed",
            )
        return {"status": outcome.status, "counts": outcome.plan.counts(), "members": users}

    def refuse(self, problems):
        audit.log_now(
            "directory.callback",
            None,
            outcome="refused",
            details={"reason": problems[0].code},
        )
        raise ArchiveError(
            "回调校验失败: the callback is refused", problems, 403, "CallbackRefused"
        )


def _replayed():
    from sd.archive.core.errors import Problem

    return Problem(
        "callback.replayed", "重复的回调（nonce 已使用）: the nonce was used", "", "nonce"
    )
