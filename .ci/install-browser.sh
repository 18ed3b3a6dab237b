#!/usr/bin/env bash
# Installs what the browser test (DashboardBrowserIT) needs: Debian's chromium and playwright-core.
# Idempotent: does nothing that is already in place. Called from .ci/run before the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi

if [ ! -d src/test/browser/node_modules/playwright-core ]; then
  (cd src/test/browser && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi)
fi
echo "browser test ready: $(chromium --version 2>/dev/null | head -1), playwright-core $(node -p "require('./src/test/browser/node_modules/playwright-core/package.json').version")"
