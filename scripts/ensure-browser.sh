#!/usr/bin/env bash
# Debian's chromium (and CJK fonts, so screenshots show Chinese) for the Playwright tests, and
# poppler-utils, whose pdffonts checks that the label PDFs embed their fonts.
# Playwright's own browser download cannot work here; we drive /usr/bin/chromium instead.
set -eu
if [ -x /usr/bin/chromium ] && command -v pdffonts >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "chromium is missing and this user cannot install Debian packages" >&2
  exit 1
fi
echo "installing chromium, fonts-noto-cjk and poppler-utils from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk poppler-utils >/dev/null
