"""``@repository-export`` and ``@repository-import``: whole-repository moves (整库迁移) over
REST, for the system administrator (see ``sd.archive.moves`` and docs/deployment.md)."""
