"""The checks of one OFD ``SignedValue`` by its shape (签名值的验证): an SES_Signature
(GB/T 38540 / GM/T 0031), a PKCS#7 / GM/T 0010 SignedData, or a bare SM2 signature. Each
check writes its findings into the signature's ``Verdict``; :mod:`.verify` calls them."""

from __future__ import annotations

import datetime as dt
import hashlib

from asn1crypto import cms
from asn1crypto import core
from asn1crypto import parser

from .certs import CertInfo
from .certs import TrustStore
from .certs import load_certificate
from .certs import verify_signed_by
from .ofd.model import SignatureInfo
from .ofd.package import OfdPackage
from .ses import SealFormatError
from .ses import SesSignature
from .ses import parse_seal
from .ses import parse_ses_signature
from .sm2 import SM2_SIGNATURE_NAMES
from .sm2 import SM3_NAMES
from .sm2 import sm3
from .sm2 import verify_sm2
from .verdict import Verdict

PKCS7_SIGNED_DATA = frozenset({"1.2.840.113549.1.7.2", "1.2.156.10197.6.1.4.2.2"})
#: digests of signatures by ECDSA or RSA keys that are verified (not SM2)
INTERNATIONAL_DIGESTS = frozenset({"sha256", "sha384", "sha512"})


def value_shape(value: bytes) -> str:
    """``ses`` | ``pkcs7`` | ``bare`` | ``unknown``, from the DER shape of ``value``."""
    if len(value) == 64:
        return "bare"
    try:
        seq = core.Sequence.load(value)
        first = seq[0]
    except Exception:  # noqa: BLE001
        return "unknown"
    if isinstance(first, core.ObjectIdentifier) or first.tag == 6:
        oid = core.ObjectIdentifier.load(first.dump()).dotted
        return "pkcs7" if oid in PKCS7_SIGNED_DATA else "unknown"
    if first.tag == 2 and len(seq) == 2:
        return "bare"
    if first.tag == 16:
        return "ses"
    return "unknown"


def _check_time(
    verdict: Verdict, cert: CertInfo, when: dt.datetime | None, who: str, code: str
) -> None:
    if when is None:
        verdict.cannot("time.unknown", "signing time unknown: validity cannot be checked")
    elif not cert.valid_at(when):
        verdict.fail(code, f"{who} certificate not valid at the signing time {when.isoformat()}")
    else:
        verdict.ok(f"{who} certificate valid at signing time")


def _check_trust(verdict: Verdict, cert: CertInfo, trust: TrustStore, who: str) -> None:
    if not trust:
        verdict.notes.append(
            f"no trust store configured: the {who} certificate issuer was not checked"
        )
        return
    anchor = trust.anchor_for(cert)
    if anchor is None:
        verdict.cannot(
            "cert.untrusted", f"{who} certificate issuer is not in the trust store: {cert.issuer}"
        )
    else:
        verdict.ok(f"{who} certificate chains to trusted {anchor.subject}")


def check_ses(
    verdict: Verdict, package: OfdPackage, info: SignatureInfo, value: bytes, trust: TrustStore, now
) -> None:
    try:
        ses = parse_ses_signature(value)
    except SealFormatError as exc:
        verdict.cannot("ses.unreadable", exc.message, info.signed_value_path or "")
        return
    seal = ses.seal
    verdict.signer_cert = ses.signer_cert
    verdict.maker_cert = seal.maker_cert
    verdict.signer = ses.signer_cert.subject
    verdict.seal_name = seal.name
    verdict.algorithm = ses.algorithm
    verdict.picture_type = seal.picture.format
    verdict.picture = seal.picture.data
    if ses.signing_time:
        verdict.signing_time = ses.signing_time
    if ses.data_hash == sm3(info.raw):
        verdict.ok("dataHash = SM3(Signature.xml)")
    else:
        verdict.fail("ses.data-hash", "dataHash differs from SM3 of Signature.xml", info.path)
    if ses.property_info and package.resolve(ses.property_info, "") != info.path:
        verdict.notes.append(f"propertyInfo names {ses.property_info}")
    _check_signer(verdict, ses, info)
    if seal.verify_maker():
        verdict.ok(f"seal maker signature (SESeal v{seal.version})")
    elif seal.sign_algorithm not in SM2_SIGNATURE_NAMES:
        verdict.cannot("seal.algorithm", f"unsupported seal algorithm {seal.sign_algorithm}")
    else:
        verdict.fail("seal.maker-signature", "the seal maker's signature does not verify")
    when = verdict.signing_time
    _check_time(verdict, ses.signer_cert, when, "signer", "cert.not-valid-at-signing")
    if when is not None:
        if seal.valid_at(when):
            verdict.ok("seal valid at signing time")
        else:
            verdict.fail(
                "seal.not-valid-at-signing",
                f"the seal was not valid at the signing time {when.isoformat()}",
            )
        if when > now:
            verdict.notes.append("signing time lies in the future")
    _compare_stored_seal(verdict, package, info, seal)
    if ses.timestamp:
        verdict.notes.append("a timestamp token is present; it was not verified")
    _check_trust(verdict, ses.signer_cert, trust, "signer")
    _check_trust(verdict, seal.maker_cert, trust, "seal maker")


def _compare_stored_seal(verdict: Verdict, package: OfdPackage, info: SignatureInfo, seal) -> None:
    """Note when the package's stored seal file (if any) differs from the signature's seal."""
    if info.seal_path and package.exists(info.seal_path):
        try:
            stored = parse_seal(package.read(info.seal_path))
            if stored.der != seal.der:
                verdict.notes.append(f"{info.seal_path} differs from the seal inside the signature")
        except SealFormatError:
            verdict.notes.append(f"{info.seal_path} does not parse")


def _check_signer(verdict: Verdict, ses: SesSignature, info: SignatureInfo) -> None:
    if ses.signer_cert.error:
        verdict.cannot("cert.unreadable", ses.signer_cert.error, info.signed_value_path or "")
    elif ses.algorithm not in SM2_SIGNATURE_NAMES:
        verdict.cannot("ses.algorithm", f"unsupported signature algorithm {ses.algorithm}")
    elif ses.verify_signature():
        verdict.ok("signer SM2 signature over toSign")
    else:
        verdict.fail(
            "ses.signature", "the signer's signature does not verify", info.signed_value_path or ""
        )


def check_pkcs7(
    verdict: Verdict, info: SignatureInfo, value: bytes, trust: TrustStore, now
) -> None:
    """PKCS#7 / GM/T 0010 SignedData over SM3(Signature.xml) (电子签名)."""
    where = info.signed_value_path or ""
    try:
        content_info = cms.ContentInfo.load(value)["content"]
        # asn1crypto parses the PKCS#7 OID itself; the GM/T 0010 OID needs telling
        signed = (
            content_info
            if isinstance(content_info, cms.SignedData)
            else content_info.parse(cms.SignedData)
        )
        signer_info = signed["signer_infos"][0]
        digest_alg = signer_info["digest_algorithm"]["algorithm"]
        certs = [c.chosen.dump() for c in signed["certificates"]] if signed["certificates"] else []
        encap = signed["encap_content_info"]["content"]
        content = None if isinstance(encap, core.Void) else _octets(encap.dump())
        signature = signer_info["signature"].native
        signed_attrs = signer_info["signed_attrs"]
        sig_alg = signer_info["signature_algorithm"]["algorithm"].dotted
    except Exception as exc:  # noqa: BLE001
        verdict.cannot("pkcs7.unreadable", f"PKCS#7 SignedData does not parse: {exc}", where)
        return
    verdict.algorithm = sig_alg
    digest = sm3(info.raw)
    if content is not None:
        if content in (digest, info.raw):
            verdict.ok("signed content = SM3(Signature.xml)")
        else:
            verdict.fail("pkcs7.content", "signed content is not SM3 of Signature.xml", info.path)
    data = content if content is not None else digest
    to_verify = [data] if content is not None else [digest, info.raw]
    if not isinstance(signed_attrs, core.Void) and len(signed_attrs):
        to_verify = [_signed_attrs_der(signed_attrs)]
        md = [a["values"][0].native for a in signed_attrs if a["type"].native == "message_digest"]
        if md and md[0] != _digest(digest_alg, data):
            verdict.fail(
                "pkcs7.message-digest", "messageDigest attribute does not match the content", where
            )
    if not certs:
        verdict.cannot("sign.no-certificate", "the SignedData carries no certificate", where)
        return
    cert = load_certificate(certs[0])
    verdict.signer_cert = cert
    verdict.signer = cert.subject
    if sig_alg in SM2_SIGNATURE_NAMES or cert.key_algorithm == "SM2":
        if any(verify_sm2(cert.public_point, signature, d) for d in to_verify):
            verdict.ok("PKCS#7 signer SM2 signature")
        else:
            verdict.fail("pkcs7.signature", "the PKCS#7 signature does not verify", where)
    elif digest_alg.native not in INTERNATIONAL_DIGESTS:
        verdict.cannot("pkcs7.algorithm", f"unsupported signature algorithm {sig_alg}", where)
        return
    elif any(verify_signed_by(cert, signature, d, digest_alg.native) for d in to_verify):
        # e.g. an archives' archiving seal (归档章) with an ECDSA or RSA key
        verdict.ok(f"PKCS#7 signer signature ({cert.key_algorithm}, {digest_alg.native})")
    else:
        verdict.fail("pkcs7.signature", "the PKCS#7 signature does not verify", where)
    _check_time(verdict, cert, verdict.signing_time, "signer", "cert.not-valid-at-signing")
    _check_trust(verdict, cert, trust, "signer")


def _digest(algorithm, data: bytes) -> bytes | None:
    """``data`` hashed with a SignerInfo's digest algorithm: SM3, or SHA-2 (归档章)."""
    if algorithm.dotted in SM3_NAMES:
        return sm3(data)
    if algorithm.native in INTERNATIONAL_DIGESTS:
        return hashlib.new(algorithm.native, data).digest()
    return None


def _octets(der: bytes) -> bytes | None:
    """The bytes of an (explicitly tagged) OCTET STRING, whatever class asn1crypto chose."""
    class_, method, tag, header, contents, _ = parser.parse(der)
    while class_ == 2 and method == 1:
        class_, method, tag, header, contents, _ = parser.parse(contents)
    if tag == 4:
        return core.OctetString.load(header + contents).native
    return contents or None


def _signed_attrs_der(attrs) -> bytes:
    """Signed attributes are signed as an explicit SET OF (tag 0x31), not the [0] form."""
    return b"\x31" + attrs.dump()[1:]


def check_bare(verdict: Verdict, info: SignatureInfo, value: bytes, trust: TrustStore) -> None:
    """A bare SM2 signature over Signature.xml: verifiable only with a configured certificate."""
    where = info.signed_value_path or ""
    if len(value) != 64:
        seq = core.Sequence.load(value)
        r, s = int(seq[0].native), int(seq[1].native)
        value = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    candidates = [info.raw, sm3(info.raw)]
    for cert in trust.certificates:
        if cert.public_point and any(verify_sm2(cert.public_point, value, d) for d in candidates):
            verdict.signer_cert = cert
            verdict.signer = cert.subject
            verdict.ok("bare SM2 signature verified with a trusted certificate")
            _check_time(verdict, cert, verdict.signing_time, "signer", "cert.not-valid-at-signing")
            return
    verdict.cannot(
        "sign.no-certificate",
        "SignedValue is a bare SM2 signature without a certificate"
        + (
            " and no trusted certificate verifies it"
            if trust
            else "; configure the signer's certificate to verify it"
        ),
        where,
    )
