"""GB/T 38540-2020 and GM/T 0031-2014 seal structures (电子印章数据格式).

Two generations are read:

- v4 (GB/T 38540): ``SESeal{eSealInfo, cert, signAlgID, signedValue}`` and
  ``SES_Signature{toSign TBS_Sign, cert, signatureAlgID, signature, timeStamp?}``;
- v1 (GM/T 0031): ``SESeal{eSealInfo, signInfo{cert, alg, signData}}`` and
  ``SES_Signature{toSign TBS_Sign{…, cert, alg}, signature}``.

The version is decided by the shape (number of members), not by trusting the header. Parsing
is lenient: string and time members accept the usual ASN.1 alternatives. Every signature is
verified over the *original* bytes asn1crypto keeps (``.dump()`` of an untouched value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field

from asn1crypto import core

from ..errors import ArchiveError
from .certs import CertInfo
from .certs import load_certificate
from .ses_asn1 import SESealV1
from .ses_asn1 import SESealV4
from .ses_asn1 import SESSignatureV1
from .ses_asn1 import SESSignatureV4
from .sm2 import SM2_SIGNATURE_NAMES
from .sm2 import verify_sm2
from .times import parse_time


class SealFormatError(ArchiveError):
    """A seal or signature value does not parse (印章数据不可解析): HTTP 422."""

    def __init__(self, message, problems=None):
        super().__init__(message, list(problems or []), 422, "SealUnreadable")


# ---------------------------------------------------------------- helpers
def _text(value) -> str:
    value = value.chosen if isinstance(value, core.Choice) else value
    if isinstance(value, core.BitString):
        return value.contents[1:].decode("utf-8", "replace")
    if isinstance(value, core.BMPString):
        return value.contents.decode("utf-16-be", "replace")
    return (value.contents or b"").decode("utf-8", "replace")


def _time(value) -> dt.datetime | None:
    chosen = value.chosen if isinstance(value, core.Choice) else value
    if isinstance(chosen, (core.GeneralizedTime, core.UTCTime)):
        native = chosen.native
        return native if native.tzinfo else native.replace(tzinfo=dt.UTC)
    return parse_time(_text(chosen))


def _bits(value: core.BitString) -> bytes:
    """The bytes of a BIT STRING without the unused-bits octet."""
    return value.contents[1:]


def _oid(value: core.ObjectIdentifier) -> str:
    return value.dotted


def _members(der: bytes) -> int:
    return len(core.Sequence.load(der))


def _cert_list(any_value) -> list[bytes]:
    """Certificates (or digests) listed in the seal property (印章授权使用者证书)."""
    try:
        parsed = core.SequenceOf.load(any_value.dump())
        return [child.contents for child in parsed]
    except Exception:  # noqa: BLE001
        return []


PICTURE_MAGIC = (
    (b"\x89PNG", "png"),
    (b"\xff\xd8", "jpeg"),
    (b"GIF8", "gif"),
    (b"PK\x03\x04", "ofd"),
    (b"<svg", "svg"),
    (b"BM", "bmp"),
)


@dataclass(frozen=True)
class SealPicture:
    """The seal image (印章图像): declared type, bytes, width and height in mm."""

    type: str
    data: bytes
    width: int | None = None
    height: int | None = None

    @property
    def format(self) -> str:
        """What the bytes really are: png, jpeg, gif, ofd (vector seal), … or the declared type."""
        for magic, name in PICTURE_MAGIC:
            if self.data.startswith(magic):
                return name
        return self.type.lower()


@dataclass
class Seal:
    """An electronic seal (电子印章, SESeal) as read from ``Seal.esl`` or a signature."""

    version: int
    header_version: int
    vid: str
    es_id: str
    seal_type: int
    name: str
    create_date: dt.datetime | None
    valid_start: dt.datetime | None
    valid_end: dt.datetime | None
    picture: SealPicture
    maker_cert: CertInfo
    sign_algorithm: str
    maker_signature: bytes
    signed_candidates: list[bytes] = field(default_factory=list, repr=False)
    der: bytes = field(default=b"", repr=False)
    user_certs: list[bytes] = field(default_factory=list, repr=False)

    def valid_at(self, when: dt.datetime) -> bool:
        """True when the seal is inside its validity period (印章有效期) at ``when``."""
        if self.valid_start is None or self.valid_end is None:
            return False
        return self.valid_start <= when <= self.valid_end

    def verify_maker(self) -> bool:
        """Check the seal maker's signature (制章人签名) over the original seal info bytes."""
        if self.sign_algorithm not in SM2_SIGNATURE_NAMES or not self.maker_cert.public_point:
            return False
        return any(
            verify_sm2(self.maker_cert.public_point, self.maker_signature, data)
            for data in self.signed_candidates
        )


@dataclass
class SesSignature:
    """An electronic seal signature (电子签章数据, SES_Signature)."""

    version: int
    seal: Seal
    signing_time: dt.datetime | None
    data_hash: bytes
    property_info: str
    signer_cert: CertInfo
    algorithm: str
    signature: bytes
    to_sign: bytes = field(repr=False)
    timestamp: bytes | None = field(default=None, repr=False)

    def verify_signature(self) -> bool:
        """Check the signer's SM2 signature over the original DER bytes of ``toSign``."""
        if self.algorithm not in SM2_SIGNATURE_NAMES or not self.signer_cert.public_point:
            return False
        return verify_sm2(self.signer_cert.public_point, self.signature, self.to_sign)


# ---------------------------------------------------------------- parsing
def _seal_from_v4(seal: SESealV4) -> Seal:
    info = seal["e_seal_info"]
    prop = info["property"]
    return Seal(
        version=4,
        **_seal_info_fields(info, prop),
        maker_cert=load_certificate(seal["cert"].native),
        sign_algorithm=_oid(seal["sign_alg_id"]),
        maker_signature=_bits(seal["signed_value"]),
        signed_candidates=[info.dump()],
        der=seal.dump(),
    )


def _seal_from_v1(seal: SESealV1) -> Seal:
    info = seal["e_seal_info"]
    sign_info = seal["sign_info"]
    # GM/T 0031: the maker signs SEQUENCE{eSealInfo, cert, signatureAlgorithm}, built here from
    # the original member encodings; DER(eSealInfo) alone is accepted as a second reading.
    body = info.dump() + sign_info["cert"].dump() + sign_info["signature_algorithm"].dump()
    wrapped = core.Sequence(contents=body).dump()
    return Seal(
        version=1,
        **_seal_info_fields(info, info["property"]),
        maker_cert=load_certificate(sign_info["cert"].native),
        sign_algorithm=_oid(sign_info["signature_algorithm"]),
        maker_signature=_bits(sign_info["sign_data"]),
        signed_candidates=[wrapped, info.dump()],
        der=seal.dump(),
    )


def _seal_info_fields(info, prop) -> dict:
    picture = info["picture"]
    return {
        "header_version": int(info["header"]["version"].native),
        "vid": _text(info["header"]["vid"]),
        "es_id": _text(info["es_id"]),
        "seal_type": int(prop["type"].native),
        "name": _text(prop["name"]),
        "create_date": _time(prop["create_date"]),
        "valid_start": _time(prop["valid_start"]),
        "valid_end": _time(prop["valid_end"]),
        "picture": SealPicture(
            type=_text(picture["type"]),
            data=picture["data"].native,
            width=picture["width"].native,
            height=picture["height"].native,
        ),
        "user_certs": _cert_list(prop["cert_list"]),
    }


def _reading(what: str, func, der: bytes):
    try:
        return func(der)
    except SealFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - asn1crypto raises ValueError/TypeError lazily
        raise SealFormatError(f"{what} does not parse: {exc}") from exc


def parse_seal(der: bytes) -> Seal:
    """Read an electronic seal (``Seal.esl``), v4 or v1."""

    def read(data: bytes) -> Seal:
        if _members(data) == 2:
            return _seal_from_v1(SESealV1.load(data))
        return _seal_from_v4(SESealV4.load(data))

    return _reading("SESeal", read, der)


def parse_ses_signature(der: bytes) -> SesSignature:
    """Read an electronic seal signature (``SignedValue.dat``), v4 or v1."""

    def read(data: bytes) -> SesSignature:
        if _members(data) == 2:
            sig = SESSignatureV1.load(data)
            tbs = sig["to_sign"]
            return SesSignature(
                version=1,
                seal=_seal_from_v1(tbs["eseal"]),
                signing_time=_time(tbs["time_info"]),
                data_hash=_bits(tbs["data_hash"]),
                property_info=_text(tbs["property_info"]),
                signer_cert=load_certificate(tbs["cert"].native),
                algorithm=_oid(tbs["signature_algorithm"]),
                signature=_bits(sig["signature"]),
                to_sign=tbs.dump(),
            )
        sig = SESSignatureV4.load(data)
        tbs = sig["to_sign"]
        stamp = sig["time_stamp"]
        return SesSignature(
            version=4,
            seal=_seal_from_v4(tbs["eseal"]),
            signing_time=_time(tbs["time_info"]),
            data_hash=_bits(tbs["data_hash"]),
            property_info=_text(tbs["property_info"]),
            signer_cert=load_certificate(sig["cert"].native),
            algorithm=_oid(sig["signature_alg_id"]),
            signature=_bits(sig["signature"]),
            to_sign=tbs.dump(),
            timestamp=None if isinstance(stamp, core.Void) else stamp.dump(),
        )

    return _reading("SES_Signature", read, der)


def is_ses_signature(der: bytes) -> bool:
    """True when ``der`` looks like an SES_Signature (and not PKCS#7 or a bare r,s pair)."""
    try:
        first = core.Sequence.load(der)[0]
    except Exception:  # noqa: BLE001
        return False
    return isinstance(first, core.Sequence) or first.__class__.__name__ == "Sequence"
