"""REST endpoints of the seal service: GET {record}/@seals, POST {record}/@strip-seal."""
