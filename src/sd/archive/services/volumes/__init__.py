"""``POST/GET {fonds}/@volumes`` (案卷) and ``POST/GET {dossier}/@volume-records`` (卷内文件)."""
