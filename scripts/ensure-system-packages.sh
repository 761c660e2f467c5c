#!/usr/bin/env bash
# Make sure the Debian packages the test suite drives are present: Chromium (browser tests) and the
# PostgreSQL 15 server binaries (the throwaway cluster); for `make security-scan` only, sqlmap and wapiti. Installs them with apt when run as root (or with
# passwordless sudo); otherwise says exactly what to run. Usage: scripts/ensure-system-packages.sh chromium postgresql
set -euo pipefail

missing=()
for pkg in "$@"; do
  case "$pkg" in
    chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
    postgresql)
      if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        missing+=(postgresql)
      fi ;;
    sqlmap) command -v sqlmap >/dev/null 2>&1 || missing+=(sqlmap) ;;
    wapiti) command -v wapiti >/dev/null 2>&1 || missing+=(wapiti) ;;
    *) echo "unknown package check: $pkg" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo -n"
else
  echo "These Debian packages are needed and missing: ${missing[*]}" >&2
  echo "Install them once with:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
