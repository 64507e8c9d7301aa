"""ASN.1 schemas of GB/T 38540-2020 (v4) and GM/T 0031-2014 (v1) seals and seal signatures
(电子印章数据格式的 ASN.1 结构), for asn1crypto. Lenient: string and time members accept the
usual ASN.1 alternatives; :mod:`.ses` reads them into ``Seal`` and ``SesSignature``."""

from __future__ import annotations

from asn1crypto import core


class SesString(core.Choice):
    _alternatives = [
        ("ia5", core.IA5String),
        ("utf8", core.UTF8String),
        ("printable", core.PrintableString),
        ("visible", core.VisibleString),
        ("bmp", core.BMPString),
        ("octets", core.OctetString),
    ]


class SesTime(core.Choice):
    _alternatives = [
        ("generalized", core.GeneralizedTime),
        ("utc", core.UTCTime),
        ("bits", core.BitString),
        ("octets", core.OctetString),
        ("ia5", core.IA5String),
        ("printable", core.PrintableString),
    ]


class ExtensionData(core.Sequence):
    _fields = [
        ("extn_id", core.ObjectIdentifier),
        ("critical", core.Boolean, {"default": False}),
        ("extn_value", core.OctetString),
    ]


class ExtDatas(core.SequenceOf):
    _child_spec = ExtensionData


class SealHeader(core.Sequence):
    _fields = [("id", SesString), ("version", core.Integer), ("vid", SesString)]


class SealPropertyV4(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", SesString),
        ("cert_list_type", core.Integer),
        ("cert_list", core.Any),
        ("create_date", SesTime),
        ("valid_start", SesTime),
        ("valid_end", SesTime),
    ]


class SealPropertyV1(core.Sequence):
    _fields = [
        ("type", core.Integer),
        ("name", SesString),
        ("cert_list", core.Any),
        ("create_date", SesTime),
        ("valid_start", SesTime),
        ("valid_end", SesTime),
    ]


class PictureInfo(core.Sequence):
    """SES_ESPictureInfo (印章图像): type, data, width and height in millimetres."""

    _fields = [
        ("type", SesString),
        ("data", core.OctetString),
        ("width", core.Integer),
        ("height", core.Integer),
    ]


class SealInfoV4(core.Sequence):
    _fields = [
        ("header", SealHeader),
        ("es_id", SesString),
        ("property", SealPropertyV4),
        ("picture", PictureInfo),
        ("ext_datas", ExtDatas, {"optional": True}),
    ]


class SealInfoV1(core.Sequence):
    _fields = [
        ("header", SealHeader),
        ("es_id", SesString),
        ("property", SealPropertyV1),
        ("picture", PictureInfo),
        ("ext_datas", ExtDatas, {"optional": True}),
    ]


class SESealV4(core.Sequence):
    _fields = [
        ("e_seal_info", SealInfoV4),
        ("cert", core.OctetString),
        ("sign_alg_id", core.ObjectIdentifier),
        ("signed_value", core.BitString),
    ]


class SignInfoV1(core.Sequence):
    _fields = [
        ("cert", core.OctetString),
        ("signature_algorithm", core.ObjectIdentifier),
        ("sign_data", core.BitString),
    ]


class SESealV1(core.Sequence):
    _fields = [("e_seal_info", SealInfoV1), ("sign_info", SignInfoV1)]


class TBSSignV4(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SESealV4),
        ("time_info", SesTime),
        ("data_hash", core.BitString),
        ("property_info", SesString),
        ("ext_datas", ExtDatas, {"explicit": 0, "optional": True}),
    ]


class SESSignatureV4(core.Sequence):
    _fields = [
        ("to_sign", TBSSignV4),
        ("cert", core.OctetString),
        ("signature_alg_id", core.ObjectIdentifier),
        ("signature", core.BitString),
        ("time_stamp", core.Any, {"explicit": 0, "optional": True}),
    ]


class TBSSignV1(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("eseal", SESealV1),
        ("time_info", SesTime),
        ("data_hash", core.BitString),
        ("property_info", SesString),
        ("cert", core.OctetString),
        ("signature_algorithm", core.ObjectIdentifier),
    ]


class SESSignatureV1(core.Sequence):
    _fields = [("to_sign", TBSSignV1), ("signature", core.BitString)]
