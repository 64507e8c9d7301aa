"""The role navigation on every page: the portal tabs, replaced for logged-in users.

工作台 first, then the workbench's own navigation (``view.navigation``), each group a
dropdown of Plone's global navigation. Anonymous visitors keep Plone's tabs.
"""

from __future__ import annotations

from html import escape

from plone import api
from plone.app.layout.viewlets.common import GlobalSectionsViewlet
from zope.i18n import translate

from sd.archive import _
from sd.archive.browser.workbench.view import navigation


class RoleSections(GlobalSectionsViewlet):
    """``plone.global_sections`` for the sd.archive layer."""

    @property
    def navtree(self):
        if api.user.is_anonymous():
            return super().navtree
        return {"sd-archive": True}  # the template only asks whether there is one

    def _t(self, msgid) -> str:
        return escape(translate(msgid, context=self.request))

    def _item(self, id_, url, title, sub="") -> str:
        opener = ""
        if sub:
            opener = self._opener_markup_template.format(uid=id_, title=title)
            sub = self._subtree_markup_wrapper.format(out=sub)
        return self._item_markup_template.format(
            id=id_,
            has_sub_class=" has_subtree" if sub else "",
            url=escape(url, quote=True),
            review_state="published",
            aria_haspopup=' aria-haspopup="true"' if sub else "",
            title=title,
            opener=opener,
            sub=sub,
        )

    def render_globalnav(self):
        if api.user.is_anonymous():
            return super().render_globalnav()
        portal = api.portal.get()
        out = self._item(
            "sd-nav-workbench", f"{portal.absolute_url()}/@@workbench", self._t(_("Workbench"))
        )
        for n, group in enumerate(navigation(portal)):
            sub = "".join(
                self._item(f"sd-nav-{n}-{m}", link["url"], self._t(link["label"]))
                for m, link in enumerate(group["links"])
            )
            out += self._item(f"sd-nav-{n}", group["links"][0]["url"], self._t(group["title"]), sub)
        return out
