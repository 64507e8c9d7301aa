"""The archiving-seal key (归档章签名密钥): the key and certificate, a demo key, and the
PKCS#7 SignedData an OFD seal signature carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class SealKey:
    """The archiving-seal key and certificate (归档章签名密钥), PEM or DER."""

    key: bytes
    cert: bytes
    chain: tuple[bytes, ...] = ()

    def private_key(self):
        return (
            serialization.load_pem_private_key(self.key, None)
            if b"-----BEGIN" in self.key
            else serialization.load_der_private_key(self.key, None)
        )

    def certificate(self) -> x509.Certificate:
        return (
            x509.load_pem_x509_certificate(self.cert)
            if b"-----BEGIN" in self.cert
            else x509.load_der_x509_certificate(self.cert)
        )


def make_demo_key(
    common_name: str = "示例档案馆归档章", algorithm: str = "ecdsa", days: int = 3650
) -> SealKey:
    """A self-signed archiving-seal key and certificate for demos and tests (演示用)."""
    key = (
        ec.generate_private_key(ec.SECP256R1())
        if algorithm == "ecdsa"
        else rsa.generate_private_key(65537, 2048)
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sd.archive demo"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    return SealKey(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert.public_bytes(serialization.Encoding.PEM),
    )


def signature_method(key: SealKey) -> str:
    """The SignatureMethod OID of the archiving-seal key (ECDSA or RSA with SHA-256)."""
    if isinstance(key.private_key(), rsa.RSAPrivateKey):
        return "1.2.840.113549.1.1.11"  # sha256WithRSAEncryption
    return "1.2.840.10045.4.3.2"  # ecdsa-with-SHA256


def sign_pkcs7(data: bytes, key: SealKey) -> bytes:
    """A PKCS#7 SignedData (DER) holding ``data`` and the archiving-seal certificate."""
    builder = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(data)
        .add_signer(key.certificate(), key.private_key(), hashes.SHA256())
    )
    for cert in key.chain:
        builder = builder.add_certificate(x509.load_pem_x509_certificate(cert))
    return builder.sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
