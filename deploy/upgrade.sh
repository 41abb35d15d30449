#!/bin/sh
# Upgrade (README "Deployment"): stop, back up, pull, install, migrate, start.
#   cd /srv/varva && sudo deploy/upgrade.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ "$(id -u)" = 0 ] || { echo "Run as root (sudo)." >&2; exit 1; }
systemctl stop varva
# A copy from just before the upgrade, kept beside the hourly ones.
runuser -u varva -- env VARVA_BACKUPS=/var/backups/varva deploy/backup-rotate.sh
git pull --ff-only
.venv/bin/pip install --quiet -r requirements.txt
.venv/bin/pybabel compile -d recruiter/translations >/dev/null
for unit in deploy/*.service deploy/*.timer; do
    sed "s#/srv/varva#$ROOT#g" "$unit" > "/etc/systemd/system/$(basename "$unit")"
done
systemctl daemon-reload
runuser -u varva -- .venv/bin/flask --app recruiter init-db
systemctl start varva
sleep 2
host=$(sed -n 's#^PUBLIC_BASE_URL = "https://\([^"/:]*\).*#\1#p' instance/config.py)
curl -fsS -o /dev/null "http://127.0.0.1:8000/readyz" -H "Host: $host" &&
    echo "Upgraded; the app and its database answer."
