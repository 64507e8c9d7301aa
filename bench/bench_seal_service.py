"""Seal verification through the Plone side vs the bare core, on the signed OFD samples.

    .venv/bin/python bench/bench_seal_service.py [--rounds 20]

Baseline (same run): core ``verify_ofd`` on the bytes. Measured: a record component per sample
made with ``sd.archive.repository.create_record`` is re-verified with
``sd.archive.seals.verification.verify_component`` (read the blob, verify, store findings and
seal pictures) on the integration test layer. Prints verifications/s for both and the ratio.
"""

import argparse
import logging
import time

from sd.archive.testing import OFD_SAMPLES as SAMPLES  # noqa: E402

SIGNED = [
    "1.ofd",
    "signedFile.ofd",
    "v4signed.ofd",
    "SignScaleError.ofd",
    "allprotected.ofd",
    "SESV4SignDoc.ofd",
    "发票示例.ofd",
    "keyword.ofd",
    "DigitalSign.ofd",
]


def set_up(layer, done):
    for base in layer.__bases__:
        set_up(base, done)
    if layer not in done:
        layer.setUp()
        done.append(layer)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    logging.disable(logging.WARNING)
    from plone.app.testing import TEST_USER_ID
    from plone.app.testing import setRoles

    from sd.archive.core.seals.verify import verify_ofd
    from sd.archive.repository import ComponentData
    from sd.archive.repository import create_record
    from sd.archive.seals.verification import verify_component
    from sd.archive.testing import INTEGRATION_TESTING
    from sd.archive.testing import make_fonds

    done = []
    set_up(INTEGRATION_TESTING, done)
    INTEGRATION_TESTING.testSetUp()
    portal = INTEGRATION_TESTING["portal"]
    setRoles(portal, TEST_USER_ID, ["Manager"])
    fonds = make_fonds(portal)
    data = {name: (SAMPLES / name).read_bytes() for name in SIGNED}
    components = []
    for n, name in enumerate(SIGNED, 1):
        record = create_record(
            fonds,
            {
                "title": name,
                "record_kind": "电子公文",
                "electronic_record_id": f"B-{n}",
                "fonds_code": "J001",
                "year": 2023,
                "retention_period": "Y",
            },
            [ComponentData(filename=name, data=data[name], content_type="application/ofd")],
        )
        components.append(record["c001"])

    t0 = time.perf_counter()
    for _ in range(rounds):
        for name in SIGNED:
            verify_ofd(data[name])
    core = rounds * len(SIGNED) / (time.perf_counter() - t0)

    t0 = time.perf_counter()
    for _ in range(rounds):
        for component in components:
            verify_component(component)
    plone = rounds * len(SIGNED) / (time.perf_counter() - t0)

    INTEGRATION_TESTING.testTearDown()
    for layer in reversed(done):
        layer.tearDown()
    print(f"signed OFD samples: {len(SIGNED)}, rounds: {rounds}")
    print(f"core verify_ofd (baseline):          {core:8.1f} verifications/s")
    print(f"Plone verify_component (store+pics): {plone:8.1f} verifications/s")
    print(f"ratio Plone/core: {plone / core:.2f}")


if __name__ == "__main__":
    main()
