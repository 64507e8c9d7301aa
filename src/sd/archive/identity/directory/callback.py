"""The platform's change-event callback (通讯录变更回调): ``/archive/@@directory-events``.

The platform calls it when a member or a department changes, with ``msg_signature``,
``timestamp`` and ``nonce`` in the query, signed as WeCom signs its callbacks with the token
the operator shares with the platform (read from the environment variable named in the
platform settings, never stored in the site). It is a plain page, not a REST service: the
platform sends no ``Accept: application/json``. Two bodies are understood:

* WeCom's encrypted envelope (``<xml>…<Encrypt>…</Encrypt></xml>``): the signature covers the
  ``Encrypt`` text, which is decrypted with the EncodingAESKey (environment variable) and must
  be meant for this corp id; inside, the ``change_contact`` event's XML fields;
* plain JSON with the same fields (``{"ChangeType": …, "UserID": …}`` or ``{"events": […]}``);
  the signature covers the body.

``GET`` with ``echostr`` is the platform's check of the callback address: the decrypted echostr
is answered (plain text). A wrong or missing signature, a stale timestamp, a nonce seen before
or an envelope that does not decrypt is refused (403, logged in the audit trail); a good call
runs an incremental sync of the members named (and of the tree when a department changed) and
answers what changed as JSON. Errors come in the one error shape; the transaction is doomed.
"""

from __future__ import annotations

import json
import time

from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from zope.interface import alsoProvides

from sd.archive import audit
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem
from sd.archive.core.identity.directory import check_callback
from sd.archive.core.identity.directory import decrypt_message
from sd.archive.core.identity.directory import encrypted_field
from sd.archive.core.identity.directory import event_fields
from sd.archive.core.identity.directory import parse_events
from sd.archive.identity.directory import store
from sd.archive.services.base import error_body


def _settings():
    from sd.archive.identity.platform.settings import Settings

    return Settings()


def _optional(read) -> str:
    try:
        return read()
    except ArchiveError:
        return ""


class DirectoryEventsView(BrowserView):
    """GET: the address check; POST: change events."""

    def __call__(self):
        # a machine posts, signed: no CSRF token to ask for (the signature is the check)
        alsoProvides(self.request, IDisableCSRFProtection)
        response = self.request.response
        try:
            if self.request.method == "POST":
                answer = json.dumps(self.events(), ensure_ascii=False)
                response.setHeader("Content-Type", "application/json; charset=utf-8")
                return answer
            plain = self.echo()
        except ArchiveError as error:
            body = error_body(self.request, error)
            response.setHeader("Content-Type", "application/json; charset=utf-8")
            return json.dumps(body, ensure_ascii=False)
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        return plain

    def echo(self) -> str:
        echostr = self.request.form.get("echostr", "")
        self.verified(echostr)
        return self.decrypted(echostr)

    def verified(self, signed: str) -> None:
        """Signature, timestamp window and nonce of the query, over ``signed``."""
        query = self.request.form
        token = _optional(_settings().callback_token)
        problems = check_callback(
            token,
            query.get("msg_signature", ""),
            query.get("timestamp", ""),
            query.get("nonce", ""),
            signed,
            time.time(),
        )
        if not problems and not store.use_once(self.context, f"nonce:{query.get('nonce')}"):
            problems = [
                Problem(
                    "callback.replayed",
                    "重复的回调（nonce 已使用）: the nonce was used",
                    "",
                    "nonce",
                )
            ]
        if problems:
            self.refuse(problems)

    def decrypted(self, encrypted: str) -> str:
        settings = _settings()
        key = _optional(settings.callback_aes_key)
        try:
            if not key:
                raise ValueError("no EncodingAESKey configured")
            return decrypt_message(key, encrypted, settings.corp_id)
        except ValueError as error:
            self.refuse([Problem("callback.decrypt", f"回调消息无法解密: {error}", "", "Encrypt")])

    def refuse(self, problems):
        audit.log_now(
            "directory.callback", None, outcome="refused", details={"reason": problems[0].code}
        )
        raise ArchiveError(
            "回调校验失败: the callback is refused", problems, 403, "CallbackRefused"
        )

    def events(self) -> dict:
        from sd.archive.identity.directory.sync import incremental_sync
        from sd.archive.identity.platform.settings import client

        raw = self.request.get("BODY") or b""
        body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        encrypted = encrypted_field(body) if body.lstrip().startswith("<") else None
        if encrypted is not None:
            self.verified(encrypted)
            payload = event_fields(self.decrypted(encrypted))
        else:
            self.verified(body)
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


def xmlrpc_checker(request) -> bool:
    """``ZPublisher.interfaces.IXmlrpcChecker``: a ``text/xml`` POST is XML-RPC for Zope,
    except the platform's change events (WeCom posts its envelope as text/xml)."""
    path = request.environ.get("PATH_INFO", "") if hasattr(request, "environ") else ""
    return not path.rstrip("/").endswith("directory-events")
