"""Four-property detection (四性检测): catalogue as data, one small check per item, an engine.

``run_detection(stage, subject, catalogue, context) -> Report`` — see :mod:`.engine`.
"""
