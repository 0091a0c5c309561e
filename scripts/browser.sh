#!/usr/bin/env bash
# Install Debian's Chromium and chromedriver for the dashboard's browser test, when missing.
# With CI set, failing to install is an error; otherwise that test skips.
set -uo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "installing chromium and chromium-driver for the dashboard test ..." >&2
  apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then exit 0; fi
echo "chromium/chromedriver not available: the dashboard browser test will skip" >&2
if [ -n "${CI:-}" ]; then exit 1; fi
exit 0
