"""The edit form of a 电子文件 (Component): a file of an archived record is never replaced.

A new version of an archived file is a new component, made by a recorded action (格式转换
conversion, 去除电子印章 seal stripping) that keeps the original; a plain edit of an archived
record's component is refused by :mod:`sd.archive.protection`. Instead of that refusal's error
page, the form sends the person to the record page with a message saying so, as
``correction.RecordEditForm`` sends an archived record to ``@@correct``.
"""

from Acquisition import aq_parent
from plone import api
from plone.dexterity.browser.edit import DefaultEditForm
from plone.z3cform import layout

from sd.archive import _


class ComponentEditForm(DefaultEditForm):
    def update(self):
        from sd.archive.protection import is_archived

        if is_archived(self.context):
            api.portal.show_message(
                _(
                    "A file of an archived record is not replaced: a new version is added "
                    "through conversion or seal stripping, and the original is kept."
                ),
                self.request,
                type="warning",
            )
            self.request.response.redirect(aq_parent(self.context).absolute_url())
            return
        super().update()


ComponentEditView = layout.wrap_form(ComponentEditForm)
