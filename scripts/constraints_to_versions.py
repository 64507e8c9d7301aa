"""Write versions.cfg for buildout from constraints.txt (the one pin list of the project).

python scripts/constraints_to_versions.py > versions.cfg
"""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent

print("# Generated from constraints.txt by scripts/constraints_to_versions.py: do not edit.")
print("[versions]")
for line in (ROOT / "constraints.txt").read_text().splitlines():
    match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)", line.strip())
    if match:
        print(f"{match.group(1)} = {match.group(2)}")
print("sd.archive =")
