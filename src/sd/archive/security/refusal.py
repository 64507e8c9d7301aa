"""How a refused change looks (拒绝): ``403`` with the rule that was broken, in Chinese and English.

Registered as the exception view of ``RoleSeparationRefused`` for every request: REST clients get
the JSON of ``RoleSeparationRefused.as_json`` (the shape of plone.rest's errors, plus ``rule``,
``principal``, ``message_zh`` and ``message_en``); a browser (the users, groups and sharing forms)
gets the same text on a page of the site (its header and navigation, so the person can go on),
or a bare page when the site's template cannot be drawn.
"""

import json
from html import escape

from plone.rest.interfaces import IAPIRequest
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>403 {title}</title></head>
<body><main><h1>{title}</h1><p lang="zh-CN">{zh}</p><p lang="en">{en}</p>
<p><code>{rule}</code> {principal}</p><p><a href="javascript:history.back()">返回 Back</a></p>
</main></body></html>"""


class RefusalView(BrowserView):
    index = ViewPageTemplateFile("refusal.pt")
    title = "三员分立 Separation of duties"

    def __call__(self):
        self.refusal = refusal = self.context
        response = self.request.response
        response.setStatus(403, lock=True)
        accept = self.request.getHeader("Accept") or ""
        if IAPIRequest.providedBy(self.request) or "text/html" not in accept:
            response.setHeader("Content-Type", "application/json")
            return json.dumps(refusal.as_json(), ensure_ascii=False)
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        # drawn in the place the refused form was published (Plone's error views do the same)
        self.context = self.__parent__
        self.request.set("disable_border", True)
        try:
            return self.index()
        except Exception:  # the site's template itself failed: the bare page still says why
            return PAGE.format(
                title=self.title,
                zh=escape(refusal.message_zh),
                en=escape(refusal.message_en),
                rule=escape(refusal.rule),
                principal=escape(self.principal),
            )

    @property
    def principal(self) -> str:
        return str(self.refusal.principal or "")
