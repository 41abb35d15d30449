"""Benchmark the app end to end over HTTP, served as the README's Production section says.

    .venv/bin/python bench/server.py [--small] [--quick] [--db PATH] [--json PATH]

Starts `gunicorn -w 2 --threads 4 'recruiter:create_app()'` (PROXIES=1, the rate
limiter on, synchronous=FULL) on a database and drives it with wrk (installed
with apt-get when missing): 32 connections, each route measured right after
/healthz, at least 3 rounds, medians reported. Sign-up POSTs carry real bodies:
a CSRF token and session cookie fetched from the page, a unique e-mail and
submission id, and a different client address in X-Forwarded-For each time.
Then a mixed load (a sign-up peak while members log shifts through /api/shifts
with their session's CSRF token, as the outbox does), three wrk at once.

Databases: by default the national-scale one from bench/national.py (built once
into /tmp/varva-bench.db, about 7 minutes); `--small` uses the demo data
(`seed-demo`) in /tmp/varva-bench-small.db, built in seconds. `--quick` runs
3 s per measurement instead of 10 s. Prints one table as Markdown, then JSON.
Only the ratios to /healthz mean anything on a shared machine.
"""
import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from recruiter import accounts, create_app, demo, links  # noqa: E402
from recruiter.db import connect, init_db  # noqa: E402
from recruiter.sessions import start_session  # noqa: E402

SECRET = "bench-server-secret-" + "0" * 40
USER_AGENT = "varva-bench"
CONNECTIONS, ROUNDS = 32, 3
# What a browser fetches while loading a page (not the apple-touch-icon, fetched
# only when the page is added to a home screen).
TAG = re.compile(r"<(?:link|script|img)\b[^>]*>")
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')

LUA = r"""
local n = 0
id = 0  -- each thread's own, set by setup()
local pairs_ = %(pairs)s
local method, path, cookie = "%(method)s", "%(path)s", "%(cookie)s"
local counter = 1
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function request()
  n = n + 1
  local headers = {["User-Agent"] = "%(agent)s"}
  if method == "POST" then
    local key = string.format("%(run)s-%%d-%%d", id, n)
    -- The public form carries no token or cookie: the browser says the post is its own.
    headers["Sec-Fetch-Site"] = "same-origin"
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    headers["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d", id, math.floor(n / 250) %% 250, n %% 250 + 1)
    local body = "first_name=Bench&last_name=Person" ..
      "&email=b" .. key .. "%%40bench.example&phone=&birth_year=1990&postcode=21115" ..
      "&recruiter_code=&consent=y&website="
    return wrk.format("POST", path, headers, body)
  end
  if cookie ~= "" then headers["Cookie"] = "session=" .. cookie end
  if method == "SHIFT" then
    headers["Content-Type"] = "application/json"
    headers["Accept"] = "application/json"
    headers["X-CSRFToken"] = pairs_[1][2]
    local uuid = string.format("%%08x-%%04x-4%%03x-8000-%%012x", %(nonce)d, id, 0, n)
    return wrk.format("POST", path, headers, string.format(%(shift)s, uuid))
  end
  return wrk.format("GET", path, headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p99": %%f, "errors": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def build_database(path, small):
    """Create (once) the database the server will use; returns a Flask app bound to it."""
    app = create_app({"TESTING": True, "DATABASE": path, "SECRET_KEY": SECRET,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        init_db()
    db = connect(path)
    if db.table("members").count == 0:
        print(f"building {path} …", flush=True)
        if small:
            with app.app_context():
                demo.seed(db)
        else:
            sys.path.insert(0, str(ROOT / "bench"))
            import national
            national.build(db)
    db.close()
    return app


def identities(app, path, small):
    """Session cookies for a member, a chair and a national administrator, and a link code."""
    db = connect(path)
    if small:
        member = accounts.find_member_by_email(db, demo.demo_email("medlem"))["id"]
        chair_id = accounts.find_member_by_email(db, demo.demo_email("ordforande"))["id"]
        national_id = accounts.find_member_by_email(db, demo.demo_email("kansli"))["id"]
    else:
        busiest = next(db.query("""select association_id, count(*) as n from signups
                                   where recruiter_id is not null group by association_id
                                   order by n desc limit 1"""))["association_id"]
        member = chair_id = next(db.query(
            "select id from members where association_id = ? limit 1", [busiest]))["id"]
        national_id = 1
        _ensure_role(db, chair_id, "chair", busiest)
        _ensure_role(db, national_id, "national_admin", None)
    chair_role = next(r for r in accounts.member_roles(db, chair_id) if r["role"] == "chair")
    cookies = {"member": _cookie(app, db, member, "member"),
               "chair": _cookie(app, db, chair_id, "chair"),
               "national": _cookie(app, db, national_id, "national_admin")}
    with app.app_context():
        code = links.personal_link(db, member)["code"]
    db.close()
    return cookies, code, chair_role["unit_id"], member


def _ensure_role(db, member_id, role, unit_id):
    if not any(r["role"] == role for r in accounts.member_roles(db, member_id)):
        accounts.add_role(db, member_id, role, unit_id)


def _cookie(app, db, member_id, role):
    role_id = next(r["id"] for r in accounts.member_roles(db, member_id) if r["role"] == role)
    with app.test_request_context(headers={"User-Agent": USER_AGENT}):
        token = start_session(db, member_id, role_id, True)
        serializer = app.session_interface.get_signing_serializer(app)
        return serializer.dumps({"_user_id": token, "_fresh": True})


def start_server(path, port):
    env = {**os.environ, "FLASK_SECRET_KEY": SECRET, "FLASK_DATABASE": path,
           "FLASK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "FLASK_PROXIES": "1",
           "FLASK_SYNCHRONOUS": "FULL"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "--threads", "4", "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", "recruiter:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def get(port, path, cookie=None, extra=None):
    """One GET with gzip allowed; (status, headers, body as sent on the wire)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", **(extra or {})}
    if cookie:
        headers["Cookie"] = f"session={cookie}"
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, response.headers, body


def refreshed(port, path, cookie):
    """The cookie after the first request (Flask-Login adds its identifier once)."""
    status, headers, _ = get(port, path, cookie)
    assert status == 200, (path, status)
    match = re.search(r"session=([^;]+)", headers.get("Set-Cookie", ""))
    return match.group(1) if match else cookie


def page_bytes(port, path, cookie):
    """Bytes for a first visit (page and its static files) and a repeat one
    (page, plus every static file the browser must ask for again)."""
    status, headers, body = get(port, path, cookie)
    html = body if headers.get("Content-Encoding") == "gzip" else gzip.compress(body)
    raw = gzip.decompress(html)
    first, repeat_requests = len(html), 0
    tags = [t for t in TAG.findall(raw.decode()) if "apple-touch-icon" not in t]
    for asset in sorted({a for t in tags for a in ASSET.findall(t)}):
        status, asset_headers, asset_body = get(port, asset.replace("&amp;", "&"))
        first += len(asset_body)
        cache = asset_headers.get("Cache-Control", "")
        if "immutable" not in cache and "max-age=0" in cache or "no-cache" in cache \
                or "max-age" not in cache:
            repeat_requests += 1
    return {"html_gzip": len(html), "html_compressed_by_server":
            headers.get("Content-Encoding") == "gzip", "first_visit": first,
            "repeat_visit": len(html), "repeat_static_requests": repeat_requests}


def shift_body(member_id):
    """A Lua format string: a recruiting shift of the last hours, its uuid left as %s."""
    now = datetime.now(timezone.utc)
    body = json.dumps({
        "client_uuid": "UUID", "member_id": member_id, "kind": "door_knocking",
        "place": "Centrum", "started_at": (now - timedelta(hours=3)).isoformat(),
        "ended_at": (now - timedelta(hours=1)).isoformat(), "doors_knocked": 10,
        "doors_opened": 5, "conversations": 3, "paper_signups": 0, "interested": 1,
        "note": None})
    return json.dumps(body.replace("%", "%%").replace("UUID", "%s"))


def wrk(port, path, seconds, cookie="", pairs=None, method="GET", connections=CONNECTIONS,
        shift="''"):
    lua = LUA % {"pairs": "{" + ",".join(f'{{"{c}","{t}"}}' for c, t in pairs or [("", "")])
                 + "}", "method": method, "path": path, "cookie": cookie,
                 "agent": USER_AGENT, "run": time.time_ns(), "nonce": time.time_ns() % 2**32,
                 "shift": shift}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua)
    try:
        out = subprocess.run(
            ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
             "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    if "RESULT " not in out.stdout:
        raise SystemExit(f"wrk said: {out.stdout} {out.stderr}")
    result = json.loads(out.stdout.split("RESULT ", 1)[1].splitlines()[0])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def peak_memory_mb(server):
    """The peak resident memory (VmHWM) of gunicorn's master and workers, summed."""
    pids = [server.pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        total += int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
    return round(total / 1024), len(pids) - 1


def routes(code, chair_unit, cookies):
    return [
        ("QR landing page GET /j/<code>", f"/j/{code}", "", "GET"),
        ("plain join page GET /bli-medlem", "/bli-medlem", "", "GET"),
        ("sign-up POST /bli-medlem (limiter on)", "/bli-medlem", "", "POST"),
        ("member start page /", "/", cookies["member"], "GET"),
        ("leaderboard /topplista/", "/topplista/", cookies["member"], "GET"),
        ("chair's team view", f"/forening/{chair_unit}/team", cookies["chair"], "GET"),
        ("national overview (warm)", "/oversikt/nation/0", cookies["national"], "GET"),
    ]


def stored_signups(path):
    db = connect(path)
    count = next(db.query("select count(*) as n from signups where email like '%@bench.example'"))
    db.close()
    return count["n"]


def measure(port, path_db, table, seconds, rounds, pairs):
    runs = {name: [] for name, *_ in table}
    for round_no in range(rounds):
        for name, path, cookie, method in table:
            base = wrk(port, "/healthz", seconds)
            if method == "GET":
                # Warm: the sign-ups just measured emptied the roll-up caches.
                for _ in range(4):
                    get(port, path, cookie)
            before = stored_signups(path_db)
            result = wrk(port, path, seconds, cookie, pairs if method == "POST" else None, method)
            if method == "POST":
                # A form shown again with errors is a 200 too: count what was stored.
                result["errors"] += max(0, result["requests"] - (stored_signups(path_db) - before))
            result["ratio"] = result["rps"] / base["rps"]
            result["healthz_rps"] = base["rps"]
            runs[name].append(result)
            print(f"  round {round_no + 1} {name:40} {result['rps']:7.0f}/s "
                  f"{result['ratio']:6.0%} of /healthz", flush=True)
    return runs


def mixed(port, path_db, code, cookie, member_id, pairs, seconds):
    """A sign-up peak while members log shifts: three wrk at once (28 connections
    on the join pages, half GET half POST, and 4 posting shifts as the outbox does)."""
    status, headers, body = get(port, "/api/csrf", cookie)
    if headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    token = json.loads(body)["token"]
    match = re.search(r"session=([^;]+)", headers.get("Set-Cookie", ""))
    cookie = match.group(1) if match else cookie
    jobs = {"QR landing page GET": (f"/j/{code}", "", None, "GET", 14, "''"),
            "sign-up POST": ("/bli-medlem", "", pairs, "POST", 14, "''"),
            "shift POST /api/shifts": ("/api/shifts", cookie, [(cookie, token)], "SHIFT", 4,
                                       shift_body(member_id))}
    before = stored_signups(path_db)
    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = {name: pool.submit(wrk, port, path, seconds, cookie_, pairs_, method,
                                     connections, shift)
                   for name, (path, cookie_, pairs_, method, connections, shift) in jobs.items()}
        results = {name: future.result() for name, future in futures.items()}
    post = results["sign-up POST"]
    post["errors"] += max(0, post["requests"] - (stored_signups(path_db) - before))
    return [{"route": name, "requests_per_s": round(r["rps"]), "p50_ms": round(r["p50"], 1),
             "p99_ms": round(r["p99"], 1), "errors": r["errors"]} for name, r in results.items()]


def summarise(runs, sizes):
    rows = []
    for name, results in runs.items():
        rows.append({
            "route": name,
            "requests_per_s": round(statistics.median(r["rps"] for r in results)),
            "ratio_to_healthz": round(statistics.median(r["ratio"] for r in results), 3),
            "healthz_per_s": round(statistics.median(r["healthz_rps"] for r in results)),
            "p50_ms": round(statistics.median(r["p50"] for r in results), 1),
            "p99_ms": round(statistics.median(r["p99"] for r in results), 1),
            "errors": sum(r["errors"] for r in results),
            **sizes.get(name, {})})
    return rows


def mixed_summary(rounds):
    """Medians over the rounds of the mixed load, per kind of request."""
    return [{"route": first["route"],
             **{key: statistics.median(r[i][key] for r in rounds)
                for key in ("requests_per_s", "p50_ms", "p99_ms")},
             "errors": sum(r[i]["errors"] for r in rounds)}
            for i, first in enumerate(rounds[0])]


def mixed_markdown(load, seconds):
    lines = [f"Mixed load ({seconds} s at a time, all at once: 14 connections on the QR page, "
             "14 signing up, 4 posting shifts):", "",
             "| request | req/s | per minute | p50 ms | p99 ms | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in load:
        lines.append(f"| {row['route']} | {row['requests_per_s']:.0f} | "
                     f"{row['requests_per_s'] * 60:.0f} | {row['p50_ms']} | {row['p99_ms']} | "
                     f"{row['errors']} |")
    return "\n".join(lines)


def markdown(rows, meta):
    lines = [f"{meta['database']}; {meta['rounds']} rounds of {meta['seconds']} s, "
             f"{CONNECTIONS} connections; gunicorn -w 2 --threads 4; peak memory "
             f"{meta['peak_memory_mb']} MB ({meta['workers']} workers + master)", "",
             "| route | req/s | share of /healthz | p50 ms | p99 ms | errors "
             "| first visit KB (gzip) | repeat visit KB | static requests on repeat |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        first = f"{row['first_visit'] / 1024:.1f}" if "first_visit" in row else "–"
        repeat = f"{row['repeat_visit'] / 1024:.1f}" if "repeat_visit" in row else "–"
        lines.append(f"| {row['route']} | {row['requests_per_s']} | "
                     f"{row['ratio_to_healthz']:.0%} | {row['p50_ms']} | {row['p99_ms']} | "
                     f"{row['errors']} | {first} | {repeat} | "
                     f"{row.get('repeat_static_requests', '–')} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="demo data instead of national")
    parser.add_argument("--quick", action="store_true", help="3 s per measurement")
    parser.add_argument("--db")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--json", help="also write the JSON here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)
    path = args.db or ("/tmp/varva-bench-small.db" if args.small else "/tmp/varva-bench.db")
    app = build_database(path, args.small)
    cookies, code, chair_unit, member_id = identities(app, path, args.small)
    seconds = 3 if args.quick else 10
    server = start_server(path, args.port)
    try:
        cookies = {who: refreshed(args.port, "/", c) for who, c in cookies.items()}
        table = routes(code, chair_unit, cookies)
        sizes = {name: page_bytes(args.port, p, c) for name, p, c, m in table if m == "GET"}
        sizes["sign-up POST /bli-medlem (limiter on)"] = {}
        pairs = [("", "")]  # the join form needs no session or token
        for _name, p, c, _method in table:  # warm every cache once
            get(args.port, p, c)
        runs = measure(args.port, path, table, seconds, args.rounds, pairs)
        peak = [mixed(args.port, path, code, cookies["member"], member_id, pairs, seconds)
                for _ in range(args.rounds)]
        memory, workers = peak_memory_mb(server)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    meta = {"database": f"{'demo (--small)' if args.small else 'national-scale'} {path}",
            "rounds": args.rounds, "seconds": seconds, "connections": CONNECTIONS,
            "peak_memory_mb": memory, "workers": workers}
    rows = summarise(runs, sizes)
    load = mixed_summary(peak)
    print()
    print(markdown(rows, meta))
    print()
    print(mixed_markdown(load, seconds))
    report = json.dumps({"meta": meta, "routes": rows, "mixed_load": load}, indent=1)
    print()
    print(report)
    if args.json:
        Path(args.json).write_text(report)


if __name__ == "__main__":
    main()
