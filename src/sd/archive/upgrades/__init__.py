"""Upgrade steps of the default profile (升级步骤), one package per destination version
(``v1001`` …), each re-importing only the steps its release changed."""
