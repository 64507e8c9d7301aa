"""Seal service control panel (签章服务配置): trust store, archiving-seal certificate, key file.

Only public material is stored in the registry. The archiving-seal PRIVATE KEY stays in a
file under the instance var directory (mode 0600); the panel shows where it is and whether it
matches the certificate, and can create a demo key there — it never displays or stores the key.
"""

from plone.app.registry.browser.controlpanel import ControlPanelFormWrapper
from plone.app.registry.browser.controlpanel import RegistryEditForm
from plone.restapi.controlpanels import RegistryConfigletPanel
from plone.z3cform import layout
from Products.statusmessages.interfaces import IStatusMessage
from z3c.form import button
from zope.component import adapter
from zope.interface import Interface

from sd.archive import _
from sd.archive.browser.times import beijing_time
from sd.archive.core.seals.certs import load_certificate
from sd.archive.interfaces import ISdArchiveLayer
from sd.archive.seals.settings import PREFIX
from sd.archive.seals.settings import ISealSettings
from sd.archive.seals.settings import create_demo_key
from sd.archive.seals.settings import key_status
from sd.archive.seals.settings import pem_blocks

#: the PEM fields: the panel shows whose certificates they are, not their Base64 text
CERTIFICATE_FIELDS = ("trusted_certificates", "archiving_seal_certificate")


def certificate_summary(text) -> str:
    """Subject and validity of every certificate in a PEM text (证书主体与有效期), one per
    line: ``CN=… ｜ 有效期 2024-01-01 00:00:00 北京时间 至 …``."""
    lines = []
    for block in pem_blocks(text):
        info = load_certificate(block)
        if info.error:
            lines.append(info.error)
            continue
        lines.append(
            f"{info.subject} ｜ 有效期 {beijing_time(info.not_before)} 至 "
            f"{beijing_time(info.not_after)}"
        )
    return "\n".join(lines)


class SealSettingsForm(RegistryEditForm):
    schema = ISealSettings
    schema_prefix = PREFIX
    label = _("Seals and signatures")

    buttons = RegistryEditForm.buttons.copy()
    handlers = RegistryEditForm.handlers.copy()

    def key_status(self):
        return key_status()

    def updateWidgets(self, prefix=None):
        """Each certificate field is described by its certificates' subjects and validity; its
        PEM text stays in a short box (to paste a new one), not as the thing to read."""
        super().updateWidgets(prefix)
        for name in CERTIFICATE_FIELDS:
            widget = self.widgets.get(name)
            if widget is None:
                continue
            summary = certificate_summary(widget.value)
            if summary:
                widget.field = widget.field.bind(self.context)
                widget.field.description = summary
                widget.rows = 2

    @property
    def description(self):
        status = self.key_status()
        if not status["exists"]:
            return _(
                "No archiving-seal key file at ${path}.", mapping={"path": status["path"] or "-"}
            )
        if status.get("error"):
            return _("Archiving-seal key at ${path}: ${error}", mapping=status)
        return _(
            "Archiving-seal key at ${path} (mode ${mode}) matches the certificate.", mapping=status
        )

    @button.buttonAndHandler(_("Create demo key"), name="create_key")
    def handle_create_key(self, action):
        messages = IStatusMessage(self.request)
        if create_demo_key():
            messages.addStatusMessage(_("A demo archiving-seal key was created."), "info")
        else:
            messages.addStatusMessage(
                _("A key file exists already (or no var directory): nothing created."), "warning"
            )
        self.request.response.redirect(self.request.getURL())


SealSettingsView = layout.wrap_form(SealSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class SealSettingsConfigletPanel(RegistryConfigletPanel):
    schema = ISealSettings
    schema_prefix = PREFIX
    configlet_id = "sd-archive-seals"
    configlet_category_id = "Products"
    title = _("Seals and signatures")
    group = "Products"
