#!/usr/bin/env bash
# Debian's chromium, which the shop page's browser test drives through playwright-core
# (playwright cannot download its own browsers on our machines). Idempotent and silent when
# chromium is already there; needs root (or sudo) otherwise.
set -euo pipefail

command -v chromium >/dev/null 2>&1 && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install-browser: need root to install chromium" >&2; exit 1; }
  sudo=(sudo)
fi

echo "installing chromium (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
# Lists may be missing or stale on a fresh machine; refresh only when the package is unknown.
if ! apt-cache show chromium >/dev/null 2>&1; then
  "${sudo[@]}" apt-get update -qq -o DPkg::Lock::Timeout=300
fi
"${sudo[@]}" apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends chromium >/dev/null
echo "installed chromium"
