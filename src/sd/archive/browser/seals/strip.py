"""``{record}/@@strip-seal``: the records officer's strip action, with confirmation and reason."""

import transaction
from plone.z3cform import layout
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from z3c.form import button
from z3c.form import field
from z3c.form import form
from z3c.form.browser.checkbox import SingleCheckBoxFieldWidget
from z3c.form.interfaces import HIDDEN_MODE
from zope import schema
from zope.interface import Interface

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.seals.stripping import component_by_uid
from sd.archive.seals.stripping import strip_seal
from sd.archive.seals.summary import component_seals

NOT_CONFIRMED = _("Confirm that the signature data will be removed from the new version.")


class IStripSealForm(Interface):
    component = schema.ASCIILine(title=_("Component"), required=True)
    reason = schema.Text(
        title=_("Reason"),  # 去除理由
        description=_(
            "Why the seal's digital data is removed (recorded in the metadata and the ledger)."
        ),
        required=True,
        max_length=2000,
    )
    confirm = schema.Bool(
        title=_(
            "I confirm: a new version without signature data is made; the original stays unchanged."
        ),
        required=False,
    )


class StripSealForm(form.Form):
    fields = field.Fields(IStripSealForm)
    fields["confirm"].widgetFactory = SingleCheckBoxFieldWidget
    ignoreContext = True
    label = _("Strip seal digital data, keep the image")
    description = _(
        "The signatures are verified first; the result, certificates and digests are recorded."
    )

    def updateWidgets(self):
        super().updateWidgets()
        self.widgets["component"].mode = HIDDEN_MODE

    def target(self):
        uid = self.request.form.get("form.widgets.component")
        return component_by_uid(self.context, uid) if uid else None

    @button.buttonAndHandler(_("Strip seal data"), name="strip")
    def handle_strip(self, action):
        data, errors = self.extractData()
        if errors:
            self.status = self.formErrorsMessage
            return
        if not data.get("confirm"):
            self.status = NOT_CONFIRMED
            return
        try:
            new, entry = strip_seal(self.context, data["component"], data["reason"])
        except ArchiveError as error:
            transaction.doom()
            self.status = "; ".join([error.message] + [p.message for p in error.problems])
            return
        IStatusMessage(self.request).addStatusMessage(
            _("Seal data stripped: new version ${id}.", mapping={"id": new.getId()}), "info"
        )
        self.request.response.redirect(self.context.absolute_url())

    @button.buttonAndHandler(_("Cancel"), name="cancel")
    def handle_cancel(self, action):
        self.request.response.redirect(self.context.absolute_url())


class StripSealView(layout.FormWrapper):
    form = StripSealForm
    index = ViewPageTemplateFile("templates/strip_seal.pt")

    def component(self):
        found = self.form_instance.target()
        return component_seals(found) if found is not None else None
