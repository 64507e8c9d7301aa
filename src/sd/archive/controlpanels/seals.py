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
from zope import schema
from zope.component import adapter
from zope.interface import Interface
from zope.interface import Invalid

from sd.archive import _
from sd.archive.interfaces import ISdArchiveLayer


def _certificates(field_name):
    def check(value):
        from sd.archive.seals.settings import certificate_problems

        problems = certificate_problems(value, field_name)
        if problems:
            raise Invalid("; ".join(p.message for p in problems))
        return True

    return check


class ISealSettings(Interface):
    """签章服务配置 (seal service settings)."""

    trusted_certificates = schema.Text(
        title=_("Trusted seal-maker and signer certificates"),  # 可信制章人与签章人证书
        description=_("Paste one or more PEM certificates (the province's seal system CAs)."),
        required=False,
        default="",
        constraint=_certificates("trusted_certificates"),
    )
    archiving_seal_certificate = schema.Text(
        title=_("Archiving-seal certificate"),  # 归档章证书
        description=_("PEM certificate of the archives' own archiving-seal key."),
        required=False,
        default="",
        constraint=_certificates("archiving_seal_certificate"),
    )
    key_path = schema.TextLine(
        title=_("Archiving-seal key file"),  # 归档章私钥文件
        description=_("Path of the PEM private key file (mode 0600). Empty: "
                      "$SD_ARCHIVE_VAR/seals/archiving-seal.key."),
        required=False,
        default="",
    )
    seal_image = schema.Bytes(
        title=_("Seal image"),  # 印章图像
        description=_("PNG or JPEG image of the archives' seal."),
        required=False,
    )
    max_verify_bytes = schema.Int(
        title=_("Largest file verified (bytes)"),
        default=256 * 1024 * 1024,
        min=1024,
    )


class SealSettingsForm(RegistryEditForm):
    schema = ISealSettings
    schema_prefix = "sd.archive.seals"
    label = _("Seals and signatures")

    buttons = RegistryEditForm.buttons.copy()
    handlers = RegistryEditForm.handlers.copy()

    def key_status(self):
        from sd.archive.seals.settings import key_status

        return key_status()

    @property
    def description(self):
        status = self.key_status()
        if not status["exists"]:
            return _("No archiving-seal key file at ${path}.", mapping={"path": status["path"] or "-"})
        if status.get("error"):
            return _("Archiving-seal key at ${path}: ${error}", mapping=status)
        return _("Archiving-seal key at ${path} (mode ${mode}) matches the certificate.", mapping=status)

    @button.buttonAndHandler(_("Create demo key"), name="create_key")
    def handle_create_key(self, action):
        from sd.archive.seals.settings import create_demo_key

        messages = IStatusMessage(self.request)
        if create_demo_key():
            messages.addStatusMessage(_("A demo archiving-seal key was created."), "info")
        else:
            messages.addStatusMessage(_("A key file exists already (or no var directory): nothing created."),
                                      "warning")
        self.request.response.redirect(self.request.getURL())


SealSettingsView = layout.wrap_form(SealSettingsForm, ControlPanelFormWrapper)


@adapter(Interface, ISdArchiveLayer)
class SealSettingsConfigletPanel(RegistryConfigletPanel):
    schema = ISealSettings
    schema_prefix = "sd.archive.seals"
    configlet_id = "sd-archive-seals"
    configlet_category_id = "Products"
    title = _("Seals and signatures")
    group = "Products"
