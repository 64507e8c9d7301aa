"""A file is verified once: intake detection and the component subscriber share the answer,
until the trust configuration changes."""

from plone import api

from sd.archive.seals import verification
from sd.archive.testing import OFD_SAMPLES


def test_same_bytes_verified_once_until_trust_changes(portal, monkeypatch):
    calls = []
    real = verification.verify_ofd

    def counting(data, trust):
        calls.append(len(data))
        return real(data, trust)

    monkeypatch.setattr(verification, "verify_ofd", counting)
    monkeypatch.setattr(verification, "_memo", verification.OrderedDict())
    data = (OFD_SAMPLES / "allprotected.ofd").read_bytes()
    first = verification.verify_bytes(data, "OFD")
    second = verification.verify_bytes(data, "OFD")
    assert first[0] == second[0] == "valid"
    assert len(calls) == 1
    with api.env.adopt_roles(["Manager"]):
        cert = (OFD_SAMPLES / "sign_cert.pem").read_text()
        api.portal.set_registry_record("sd.archive.seals.trusted_certificates", cert)
    verification.verify_bytes(data, "OFD")
    assert len(calls) == 2  # a new trust configuration is verified again
    verification.verify_bytes(data + b" ", "OFD")
    assert len(calls) == 3  # other bytes: verified
