#!/bin/sh
# The browser tests drive Debian's Chromium with playwright (never `playwright install`, which
# downloads its own browser). Install it when missing and apt is at hand.
set -e
if [ -x /usr/bin/chromium ] || [ -n "$GAN_VIZ_CHROMIUM" ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
    exit 0
fi
echo "ensure-chromium: no /usr/bin/chromium and no apt-get; set GAN_VIZ_CHROMIUM to a Chromium binary" >&2
exit 1
