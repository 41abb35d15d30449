#!/bin/sh
# An hourly, integrity-checked copy of the database (flask --app recruiter backup), kept
# 48 hours; the first copy of each day is also kept 30 days. Run by varva-backup.timer from
# /srv/varva; the copies hold personal data: keep them on encrypted disks only (README).
set -eu
BACKUPS=${VARVA_BACKUPS:-/var/backups/varva}
FLASK=${VARVA_FLASK:-.venv/bin/flask}
KEEP_HOURLY=${VARVA_KEEP_HOURLY:-48}
KEEP_DAILY=${VARVA_KEEP_DAILY:-30}

mkdir -p "$BACKUPS/hourly" "$BACKUPS/daily"
now=$(date -u +%Y%m%dT%H%M%SZ)
hourly="$BACKUPS/hourly/varva-$now.db"
"$FLASK" --app recruiter backup "$hourly"

daily="$BACKUPS/daily/varva-$(date -u +%Y%m%d).db"
if [ ! -e "$daily" ]; then
    # A finished copy (not the live database), so a plain copy is safe; renamed when whole.
    cp "$hourly" "$daily.partial"
    mv "$daily.partial" "$daily"
fi

# Keep the newest N of each kind (the names sort by time).
prune() {
    ls -1 "$1" | grep -E '^varva-[0-9TZ]+\.db$' | sort -r | tail -n +"$(($2 + 1))" |
        while read -r old; do rm -f -- "$1/$old"; done
}
prune "$BACKUPS/hourly" "$KEEP_HOURLY"
prune "$BACKUPS/daily" "$KEEP_DAILY"
