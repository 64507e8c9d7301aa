"""Organisation-tree synchronisation (组织机构同步)."""
