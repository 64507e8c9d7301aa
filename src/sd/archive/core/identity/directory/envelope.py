"""The encrypted callback envelope (回调消息加解密, WeCom's EncodingAESKey scheme)."""

from __future__ import annotations

#
# The platform may post its events as WeCom does: an XML body whose <Encrypt> holds, in Base64,
# AES-256-CBC(key = Base64(EncodingAESKey + "="), iv = key[:16], PKCS#7 padding to 32 bytes) of
# random(16) + length(4, big-endian) + message XML + receive id (the corp id); msg_signature
# then signs the <Encrypt> text. The same scheme encrypts the echostr of the URL check.

_SAFE_XML = None


def _xml(text: str):
    from lxml import etree

    global _SAFE_XML
    if _SAFE_XML is None:
        _SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(text.encode("utf-8"), _SAFE_XML)


def _aes_key(encoding_aes_key: str) -> bytes:
    import base64

    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:
        raise ValueError("EncodingAESKey must be 43 characters (32 bytes)")
    return key


def encrypt_message(encoding_aes_key: str, message: str, receive_id: str, random16=None) -> str:
    """The Base64 ciphertext of ``message`` for ``receive_id`` (what the platform sends)."""
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers import Cipher
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers import modes

    key = _aes_key(encoding_aes_key)
    body = message.encode("utf-8")
    plain = (random16 or os.urandom(16)) + len(body).to_bytes(4, "big") + body + receive_id.encode()
    pad = 32 - len(plain) % 32
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode("ascii")


def decrypt_message(encoding_aes_key: str, encrypted: str, receive_id: str) -> str:
    """The message inside ``encrypted``; ValueError when it does not decrypt, is not padded
    as the scheme says, or was not meant for ``receive_id``."""
    import base64

    from cryptography.hazmat.primitives.ciphers import Cipher
    from cryptography.hazmat.primitives.ciphers import algorithms
    from cryptography.hazmat.primitives.ciphers import modes

    key = _aes_key(encoding_aes_key)
    try:
        data = base64.b64decode(encrypted, validate=True)
    except ValueError:
        raise ValueError("not Base64") from None
    if not data or len(data) % 16:
        raise ValueError("not a whole number of AES blocks")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(data) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 32 or plain[-pad:] != bytes([pad]) * pad:
        raise ValueError("bad padding")
    plain = plain[:-pad]
    length = int.from_bytes(plain[16:20], "big")
    message, rest = plain[20 : 20 + length], plain[20 + length :]
    if len(message) != length or rest.decode("utf-8", "replace") != receive_id:
        raise ValueError("not meant for this receiver")
    return message.decode("utf-8")


def encrypted_field(body: str) -> str | None:
    """The <Encrypt> text of an XML callback body, or None (not such a body)."""
    try:
        root = _xml(body)
    except Exception:  # noqa: BLE001 - any parse failure: not an envelope
        return None
    found = root.find("Encrypt")
    return found.text.strip() if found is not None and found.text else None


def event_fields(message_xml: str) -> dict:
    """The fields of a decrypted event message (``<xml><ChangeType>…</ChangeType>…</xml>``)."""
    root = _xml(message_xml)
    return {child.tag: (child.text or "").strip() for child in root if isinstance(child.tag, str)}
