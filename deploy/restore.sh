#!/bin/sh
# The restore drill (README "Deployment"): with the app STOPPED, put a backup in place of
# the database, drop the old -wal and -shm, check integrity and print the row counts.
#   sudo systemctl stop varva
#   sudo -u varva deploy/restore.sh [BACKUP]   # default: the newest hourly copy
#   sudo systemctl start varva
set -eu
BACKUPS=${VARVA_BACKUPS:-/var/backups/varva}
DATABASE=${VARVA_DATABASE:-instance/recruiter.db}
PYTHON=${VARVA_PYTHON:-.venv/bin/python}

if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet varva 2>/dev/null; then
    echo "varva.service is running: stop it first (systemctl stop varva)." >&2
    exit 1
fi
backup=${1:-$(ls -1 "$BACKUPS"/hourly/varva-*.db 2>/dev/null | sort | tail -n 1)}
if [ -z "$backup" ] || [ ! -f "$backup" ]; then
    echo "No backup found (looked in $BACKUPS/hourly)." >&2
    exit 1
fi
echo "Restoring $backup to $DATABASE"
cp "$backup" "$DATABASE.partial"
rm -f -- "$DATABASE-wal" "$DATABASE-shm"
mv "$DATABASE.partial" "$DATABASE"
# Run as root by mistake: the file must still belong to the app's user (varva).
[ "$(id -u)" != 0 ] || chown --reference="$(dirname "$DATABASE")" "$DATABASE"
"$PYTHON" - "$DATABASE" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
check = db.execute("PRAGMA integrity_check").fetchone()[0]
print("integrity_check:", check)
for table in ("members", "signups", "shifts", "links", "associations"):
    # Table names from the fixed list above, never from input.
    print(f"{table}: {db.execute(f'select count(*) from {table}').fetchone()[0]}")
sys.exit(0 if check == "ok" else 1)
PY
