"""The province platform's settings (山东通接入设置), registry prefix ``sd.archive.platform``.

The application secret (应用密钥 corpsecret) and the callback token are never kept in the
registry (so never in a ZODB or GenericSetup export): the registry names the environment
variable and, as a second choice, a file (readable by the Zope process only) they are read
from at each use.
"""

from __future__ import annotations

import os
from pathlib import Path

from plone.registry.interfaces import IRegistry
from zope import schema
from zope.component import queryUtility
from zope.interface import Interface

from sd.archive import _
from sd.archive.core.errors import ArchiveError
from sd.archive.core.errors import Problem

PREFIX = "sd.archive.platform"


class IPlatformSettings(Interface):
    """山东通接入设置."""

    platform_url = schema.TextLine(
        title=_("Platform API address"),
        description=_("The platform's base URL, e.g. https://sdt.example.gov.cn (no trailing /)."),
        required=False,
        default="",
    )
    corp_id = schema.TextLine(title=_("Corp ID (corpid)"), required=False, default="")
    agent_id = schema.TextLine(title=_("Agent ID (agentid)"), required=False, default="")
    secret_env = schema.ASCIILine(
        title=_("Environment variable holding the application secret"),
        required=False,
        default="SD_ARCHIVE_PLATFORM_SECRET",
    )
    secret_file = schema.TextLine(
        title=_("File holding the application secret"),
        description=_("Read when the environment variable is not set."),
        required=False,
        default="",
    )
    callback_token_env = schema.ASCIILine(
        title=_("Environment variable holding the change-event callback token"),
        required=False,
        default="SD_ARCHIVE_PLATFORM_CALLBACK_TOKEN",
    )
    callback_aes_key_env = schema.ASCIILine(
        title=_("Environment variable holding the callback EncodingAESKey"),
        description=_("Set when the platform encrypts its change events (43 characters)."),
        required=False,
        default="SD_ARCHIVE_PLATFORM_CALLBACK_AES_KEY",
    )
    root_department = schema.TextLine(
        title=_("Root department id synchronised"),
        description=_("Empty: the whole directory."),
        required=False,
        default="",
    )
    full_sync_hours = schema.Int(
        title=_("Hours between scheduled full synchronisations"),
        description=_("0: no scheduled run."),
        required=False,
        default=24,
        min=0,
    )
    sign_on_enabled = schema.Bool(
        title=_("Platform sign-on enabled"), required=False, default=False
    )


class Settings:
    """The values in force (the registry's, or the defaults before the records exist)."""

    def __init__(self):
        registry = queryUtility(IRegistry)
        proxy = None
        if registry is not None:
            try:
                proxy = registry.forInterface(IPlatformSettings, prefix=PREFIX, check=False)
            except KeyError:
                proxy = None
        for name, field in schema.getFieldsInOrder(IPlatformSettings):
            value = getattr(proxy, name, None) if proxy is not None else None
            setattr(self, name, field.default if value is None else value)

    def secret(self) -> str:
        return _secret(self.secret_env, self.secret_file, "secret")

    def callback_token(self) -> str:
        return _secret(self.callback_token_env, "", "callback_token")

    def callback_aes_key(self) -> str:
        return _secret(self.callback_aes_key_env, "", "callback_aes_key")

    @property
    def configured(self) -> bool:
        return bool(self.platform_url and self.corp_id)


def _secret(env_name: str, file_path: str, what: str) -> str:
    value = os.environ.get(env_name or "", "")
    if not value and file_path:
        path = Path(file_path)
        if path.is_file():
            value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ArchiveError(
            "山东通密钥未配置: the platform secret is not set",
            [
                Problem(
                    "platform.secret",
                    f"环境变量 {env_name} 或密钥文件未设置: set {env_name} or the file",
                    what,
                    "settings",
                )
            ],
            503,
            "PlatformNotConfigured",
        )
    return value


def client(settings: Settings | None = None):
    """The platform client of the settings in force."""
    from sd.archive.identity.platform.client import PlatformClient

    settings = settings or Settings()
    if not settings.configured:
        raise ArchiveError(
            "山东通接口未配置: the platform is not configured",
            [
                Problem(
                    "platform.url",
                    "请填写平台地址和 corpid: set the platform URL and corp id",
                    "",
                    "settings",
                )
            ],
            503,
            "PlatformNotConfigured",
        )
    return PlatformClient(settings.platform_url, settings.corp_id, settings.secret())
