#!/usr/bin/env bash
# The browser test drives Debian's Chromium through playwright-core: install it when missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "== installing chromium (Debian package) for the browser test"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y chromium
