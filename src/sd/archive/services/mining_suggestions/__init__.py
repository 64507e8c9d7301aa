"""GET/POST {record}/@mining-suggestions: arrangement and keyword suggestions (#28)."""
