"""GET {fonds}/@mining-acceptance: how suggestions were received, per kind and month (#28)."""
