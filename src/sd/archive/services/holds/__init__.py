"""POST {record}/@holds: place or lift a hold (冻结/解冻) with a reason (#25)."""
