"""`make security-scan`: sqlmap and wapiti against a throwaway local instance, signed in, on loopback only.

Steps: a temporary instance folder with a migrated SQLite database, the reference data and a small demo data set;
a password-protected Redis and an SMTP sink on free ports; the app served by werkzeug in this process on a free
loopback port (throttling limits raised so the scanners measure injection, not the limiter); a national admin
signed in with the demo key's authenticator code; then, each bounded in time:
  - sqlmap on the sign-in form (anonymous, CSRF token refreshed per request) and on the parameterised admin pages
    (with the signed-in session cookie);
  - wapiti crawling /admin/ with the session cookie (scope /admin/: sign-out and account pages out of reach).
Reports land in the instance folder (kept; path printed); a summary is printed. Exit status 1 when sqlmap calls a
parameter injectable or wapiti reports a vulnerability of the injection, XSS, redirect or command families.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from devtools.ports import free_port

SQLMAP_SECONDS = int(os.environ.get("SCAN_SQLMAP_SECONDS", "240"))
WAPITI_SECONDS = int(os.environ.get("SCAN_WAPITI_SECONDS", "600"))
DEMO_REVIEWS = 60
WAPITI_MODULES = ("sql", "blindsql", "xss", "permanentxss", "exec", "file", "redirect", "crlf", "csrf", "csp",
                  "cookieflags", "http_headers", "methods")
HOST = "127.0.0.1"
SERIOUS = ("SQL Injection", "Blind SQL Injection", "Cross Site Scripting", "Stored Cross Site Scripting",
           "Open Redirect", "Command execution", "Path Traversal", "CRLF Injection", "XML External Entity",
           "Server Side Request Forgery")
# wapiti stays inside /admin/ (--scope folder): sign-out (/logout) and the account pages (/tf-setup, /change...)
# are outside it. Its -x exclusions are not used: wapiti 3.0.4's wildcard translation fails on Python 3.11.


def _prepare(instance: Path, env: dict[str, str]) -> None:
    flask = [str(Path(sys.executable).parent / "flask")]
    for args in (["db", "upgrade"], ["reference", "load"], ["demo", "load", "--reviews", str(DEMO_REVIEWS)]):
        subprocess.run([*flask, *args], env=env, check=True, capture_output=True, timeout=600)


def _serve(port: int):
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per scanner request is noise

    from app.factory import create_app

    app = create_app("development", {"RATELIMIT_SIGN_IN": "100000 per minute", "RATELIMIT_RESET": "100000 per minute",
                                     "RATELIMIT_TWO_FACTOR": "100000 per minute"})
    server = make_server(HOST, port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _sign_in(base: str) -> str:
    """Sign in as the demo national admin (password + the demo key's code); returns the session cookie value."""
    from app.demo.data import DEMO_PASSWORD
    from app.demo.two_factor import demo_code
    from app.types import utcnow

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form(url: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with opener.open(base + url, body, timeout=30) as response:
            return response.read().decode()

    def token(html: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    page = form("/login")
    page = form("/login", {"email": "national@example.com", "password": DEMO_PASSWORD, "csrf_token": token(page)})
    form("/tf-validate", {"code": demo_code(utcnow()), "csrf_token": token(page)})
    cookie = next((c.value for c in jar if c.name == "tracker_session"), None)
    if not cookie or "Dashboard" not in form("/admin/"):
        raise SystemExit("could not sign in to the scan instance")
    return cookie


def _sqlmap(name: str, args: list[str], out: Path) -> tuple[str, bool]:
    log = out / f"sqlmap-{name}.log"
    threads = [] if "--csrf-token" in args else ["--threads", "2"]  # sqlmap refuses threads with CSRF refresh
    command = ["sqlmap", "--batch", "--flush-session", "--output-dir", str(out / "sqlmap"), "--level", "2",
               "--risk", "1", "--technique", "BEUST", "--time-sec", "2", *threads, *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=SQLMAP_SECONDS)
        text, finished = result.stdout, True
    except subprocess.TimeoutExpired as exc:
        text, finished = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or ""), False
    log.write_text(text)
    injectable = "identified the following injection point" in text or "is vulnerable" in text
    if "[CRITICAL]" in text and not injectable:
        critical = re.findall(r"\[CRITICAL\] (.*)", text)
        return f"sqlmap {name}: ERROR {critical[:2]} (log {log})", True  # a scan that did not run is not clean
    status = "INJECTABLE" if injectable else (
        "clean" if finished else f"stopped after {SQLMAP_SECONDS}s, nothing found")
    return f"sqlmap {name}: {status} (log {log})", injectable


def _wapiti(base: str, cookie: str, out: Path) -> tuple[str, list[str]]:
    report = out / "wapiti.json"
    command = ["wapiti", "-u", f"{base}/admin/", "--scope", "folder", "-H", f"Cookie: tracker_session={cookie}",
               "-m", ",".join(WAPITI_MODULES),
               # wapiti 3.0.4 bounds crawling and each module's attack separately: share the budget between them
               "--max-scan-time", str(WAPITI_SECONDS // 3),
               "--max-attack-time", str(2 * WAPITI_SECONDS // (3 * len(WAPITI_MODULES))),
               "-d", "3", "--max-links-per-page", "40", "--max-files-per-dir", "30", "--flush-session",
               "-f", "json", "-o", str(report), "--verify-ssl", "0"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=WAPITI_SECONDS * 2 + 120)
        (out / "wapiti.log").write_text(result.stdout + result.stderr)
        code = result.returncode
    except subprocess.TimeoutExpired:
        code = "timeout"
    if not report.exists():
        return f"wapiti: ERROR, no report (exit {code}; log {out / 'wapiti.log'})", ["ERROR: no report"]
    data = json.loads(report.read_text())
    found = []
    for family, items in sorted((data.get("vulnerabilities") or {}).items()):
        for item in items:
            found.append(f"{family}: {item.get('method')} {item.get('path')} {item.get('info', '')[:160]}")
    for family, items in sorted((data.get("anomalies") or {}).items()):
        for item in items:
            found.append(f"(anomaly) {family}: {item.get('method')} {item.get('path')} {item.get('info', '')[:160]}")
    return f"wapiti: {len(found)} finding(s) (report {report})", found


def main() -> int:
    """Run both scanners against a fresh local instance and print what they found."""
    if not (shutil.which("sqlmap") and shutil.which("wapiti")):
        print("sqlmap and wapiti are needed: scripts/ensure-system-packages.sh sqlmap wapiti", file=sys.stderr)
        return 2
    from devtools.redis_server import start_redis
    from devtools.smtp_sink import SmtpSink

    instance = Path(tempfile.mkdtemp(prefix="tracker-scan-"))
    out = instance / "reports"
    out.mkdir()
    redis = start_redis()
    sink = SmtpSink(directory=instance / "mail").start()
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = dict(os.environ, TRACKER_ENV="development", TRACKER_INSTANCE_PATH=str(instance), REDIS_URL=redis.url,
               MAIL_SERVER=HOST, MAIL_PORT=str(sink.port), BASE_URL=base, FLASK_APP="wsgi")
    os.environ.update({k: env[k] for k in ("TRACKER_ENV", "TRACKER_INSTANCE_PATH", "REDIS_URL", "MAIL_SERVER",
                                           "MAIL_PORT", "BASE_URL")})
    server = None
    started = time.monotonic()
    try:
        _prepare(instance, env)
        server = _serve(port)
        cookie = _sign_in(base)
        lines, bad = [], False
        targets = {
            "sign-in-form": ["-u", f"{base}/login", "--data", "email=a%40example.com&password=x&csrf_token=t",
                             "--csrf-token", "csrf_token", "--csrf-url", f"{base}/login", "-p", "email,password"],
            "reset-form": ["-u", f"{base}/reset", "--data", "email=a%40example.com&csrf_token=t",
                           "--csrf-token", "csrf_token", "--csrf-url", f"{base}/reset", "-p", "email"],
            "review-list": ["-u", f"{base}/admin/review/?search=SAR&sort=1&page=0", "--cookie",
                            f"tracker_session={cookie}", "-p", "search,sort,page"],
            "review-details": ["-u", f"{base}/admin/review/details/?id=1", "--cookie", f"tracker_session={cookie}",
                               "-p", "id"],
            "review-export": ["-u", f"{base}/admin/review/export/csv/?search=SAR", "--cookie",
                              f"tracker_session={cookie}", "-p", "search"],
            "audit-list": ["-u", f"{base}/admin/audit/?search=x&flt0_0=1", "--cookie", f"tracker_session={cookie}",
                           "-p", "search,flt0_0"],
        }
        only = os.environ.get("SCAN_ONLY", "")  # "sqlmap" or "wapiti" to run one scanner
        for name, args in targets.items() if only != "wapiti" else ():
            line, injectable = _sqlmap(name, args, out)
            print(line, flush=True)
            lines.append(line)
            bad |= injectable
        if only != "sqlmap":
            time.sleep(31 - time.time() % 30)  # a fresh sign-in needs the next authenticator step (no replays)
            summary, found = _wapiti(base, _sign_in(base), out)
        else:
            summary, found = "wapiti: skipped", []
        print(summary)
        for item in found:
            print("  " + item)
        bad |= any(item.startswith((*SERIOUS, "ERROR")) for item in found)
        print(f"scan finished in {time.monotonic() - started:.0f}s; reports in {out}")
        return 1 if bad else 0
    finally:
        if server is not None:
            server.shutdown()
        sink.stop()
        redis.stop()


if __name__ == "__main__":
    sys.exit(main())
