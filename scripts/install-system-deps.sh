#!/usr/bin/env bash
# The system packages the project needs beyond Node, PostgreSQL and Redis, from Debian:
#   nginx           the load balancer of `npm run cluster` and of the e2e tests
#   docker-compose  only to validate docker-compose.yml (`docker-compose config -q`) in CI
#   chromium        the browser the shop page's test drives through playwright-core
#                   (playwright cannot download its own browsers on our machines)
#   openssl         makes the local certificate authority of `npm run cluster -- --tls`
#                   (scripts/make-local-tls.sh); the e2e tests check TLS versions with s_client
#   certutil        (package libnss3-tools) puts that authority into a browser profile's trust
#                   store for the HTTPS browser test
# Usage: scripts/install-system-deps.sh [nginx] [docker-compose] [chromium] [openssl] [certutil]
#   (no argument: all)
# Idempotent and silent when everything is already there; needs root (or sudo) otherwise.
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(nginx docker-compose chromium openssl certutil)

missing=()
for tool in "${wanted[@]}"; do
  case "$tool" in
    nginx | docker-compose | chromium | openssl) package=$tool ;;
    certutil) package=libnss3-tools ;;
    *) echo "install-system-deps: unknown tool '$tool' (expected nginx, docker-compose, chromium, openssl or certutil)" >&2; exit 2 ;;
  esac
  # nginx lives in /usr/sbin, which is not on every user's PATH.
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-system-deps: need root to install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "installing ${missing[*]} (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
# Lists may be missing or stale on a fresh machine; refresh only when the package is unknown.
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
# --no-install-recommends: no system-wide nginx site or extra modules we would not use.
"${sudo[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" >/dev/null
echo "installed ${missing[*]}"
