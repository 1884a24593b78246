"""check_target_docs.py - docs/targets.md names exactly the table's targets.

`check_target_docs.py TARGETS_H TARGETS_MD` reads the --target names from
the STRATA_TARGETS rows of runtime/include/strata/targets.h and the names in
the first column of docs/targets.md's target table, and prints
`documented: NAME, NAME, ...` when both lists agree, or what differs.
"""
import re
import sys

header, doc = open(sys.argv[1]).read(), open(sys.argv[2]).read()
table = re.findall(r'X\("([^"]+)",\s*[a-z0-9_]+,\s*[A-Z_]+,', header)
# The target table: the rows after its `| `--target` |` header, up to the
# first line that is not a row.
lines = doc.splitlines()
start = next(i for i, line in enumerate(lines) if line.startswith("| `--target` |"))
documented = []
for row in lines[start + 2:]:
    if not row.startswith("|"):
        break
    documented += re.findall(r"`([^`]+)`", row.split("|")[1])
missing = [name for name in table if name not in documented]
extra = [name for name in documented if name not in table]
if missing or extra:
    sys.exit(f"docs/targets.md: missing {missing}, not in the table {extra}")
print("documented: " + ", ".join(table))
