#!/bin/sh
# From a clean Debian 12 machine to a running Värva behind Caddy (README "Deployment"):
#   sudo apt-get install -y git
#   sudo git clone <the repository> /srv/varva
#   cd /srv/varva && sudo deploy/install.sh varva.parti.se
# Running it again is safe: it keeps instance/config.py and the database.
set -eu
HOST=${1:?usage: deploy/install.sh HOST (the public host name, e.g. varva.parti.se)}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "Run as root (sudo)." >&2; exit 1; }

echo "1/7 Debian packages"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv caddy curl >/dev/null

echo "2/7 the user varva (no login, no home of its own)"
id varva >/dev/null 2>&1 ||
    useradd --system --user-group --home-dir "$ROOT" --no-create-home --shell /usr/sbin/nologin varva

echo "3/7 Python packages (requirements.txt only) and the translations"
[ -x "$ROOT/.venv/bin/python" ] || python3 -m venv "$ROOT/.venv"
"$ROOT/.venv/bin/pip" install --quiet --upgrade pip
"$ROOT/.venv/bin/pip" install --quiet -r "$ROOT/requirements.txt"
"$ROOT/.venv/bin/pybabel" compile -d "$ROOT/recruiter/translations" >/dev/null

echo "4/7 instance/: the configuration, the database (only varva may read them)"
# The code stays root's: the app can write its instance folder and nothing else.
install -d -o varva -g varva -m 0700 "$ROOT/instance" /var/backups/varva
chown varva:varva "$ROOT/instance" /var/backups/varva
chmod 0700 "$ROOT/instance" /var/backups/varva
if [ ! -e "$ROOT/instance/config.py" ]; then
    "$ROOT/.venv/bin/python" - "$HOST" > "$ROOT/instance/config.py" <<'PY'
import secrets, sys
print(f"""SECRET_KEY = {secrets.token_hex(32)!r}
PUBLIC_BASE_URL = "https://{sys.argv[1]}"
PROXIES = 1  # Caddy
# Fill these in (README: Configuration):
PARTY_NAME = "Partiet"
CONTROLLER = "Partiet (partistyrelsen), org.nr ..."
DPO_CONTACT = "dataskyddsombud@parti.example"
# MAIL_SERVER = "smtp.parti.example"
""")
PY
    chown varva:varva "$ROOT/instance/config.py"
    chmod 0600 "$ROOT/instance/config.py"
fi
(cd "$ROOT" && runuser -u varva -- .venv/bin/flask --app recruiter init-db)

echo "5/7 systemd units"
for unit in "$ROOT"/deploy/*.service "$ROOT"/deploy/*.timer; do
    sed "s#/srv/varva#$ROOT#g" "$unit" > "/etc/systemd/system/$(basename "$unit")"
done
systemctl daemon-reload
systemctl enable --now varva.service varva-backup.timer varva-purge.timer
if (cd "$ROOT" && runuser -u varva -- .venv/bin/flask --app recruiter --help) |
        grep -q send-welcome-digest; then
    systemctl enable --now varva-digest.timer
fi

echo "6/7 Caddy (HTTPS for $HOST)"
sed "s#^varva.example.se {#$HOST {#" "$ROOT/deploy/Caddyfile" > /etc/caddy/Caddyfile
caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile >/dev/null
systemctl enable caddy >/dev/null 2>&1
systemctl restart caddy

echo "7/7 checks"
sleep 2
curl -fsS http://127.0.0.1:8000/readyz -H "Host: $HOST" >/dev/null &&
    echo "The app answers and its database too. Now:"
echo "  - fill in the party's details in $ROOT/instance/config.py, then: systemctl restart varva"
echo "  - create the first national administrator:"
echo "    cd $ROOT && sudo -u varva .venv/bin/flask --app recruiter create-user EMAIL --first-name F --last-name L --role national_admin"
echo "  - open https://$HOST/ and set up the off-site copy of /var/backups/varva (README)"
