"""How a refused change looks (拒绝): ``403`` with the rule that was broken, in Chinese and English.

Registered as the exception view of ``RoleSeparationRefused`` for every request: REST clients get
the JSON of ``RoleSeparationRefused.as_json`` (the shape of plone.rest's errors, plus ``rule``,
``principal``, ``message_zh`` and ``message_en``); a browser (the users, groups and sharing forms)
gets a short page with the same text.
"""

import json
from html import escape

from plone.rest.interfaces import IAPIRequest
from Products.Five import BrowserView

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>403 {title}</title></head>
<body><main><h1>{title}</h1><p lang="zh-CN">{zh}</p><p lang="en">{en}</p>
<p><code>{rule}</code> {principal}</p><p><a href="javascript:history.back()">返回 Back</a></p>
</main></body></html>"""


class RefusalView(BrowserView):
    def __call__(self):
        refusal = self.context
        response = self.request.response
        response.setStatus(403, lock=True)
        accept = self.request.getHeader("Accept") or ""
        if IAPIRequest.providedBy(self.request) or "text/html" not in accept:
            response.setHeader("Content-Type", "application/json")
            return json.dumps(refusal.as_json(), ensure_ascii=False)
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        return PAGE.format(
            title="三员分立 Separation of duties",
            zh=escape(refusal.message_zh),
            en=escape(refusal.message_en),
            rule=escape(refusal.rule),
            principal=escape(str(refusal.principal)),
        )
