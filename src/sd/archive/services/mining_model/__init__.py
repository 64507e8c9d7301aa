"""GET/POST {fonds}/@mining-model: the fonds' suggestion model, retrained on demand (#28)."""
