#!/bin/sh
# Make sure the Debian packages the project needs are installed.
#   .ci/system-packages.sh PACKAGE...
# As root (as in CI) it installs the missing ones with apt-get; otherwise it prints the exact
# command to run and stops with status 1, so `make` never fails later with an obscure error.
set -eu

have() {
    case "$1" in
        chromium) command -v chromium >/dev/null 2>&1 ;;
        fonts-noto-cjk) [ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] ;;
        gettext) command -v msgfmt >/dev/null 2>&1 ;;
        python3-venv) python3 -c 'import ensurepip, venv' >/dev/null 2>&1 ;;
        wrk) command -v wrk >/dev/null 2>&1 ;;
        *) dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" ;;
    esac
}

missing=""
for package in "$@"; do
    have "$package" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system packages:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    exit 0
fi

echo "Missing system packages:$missing" >&2
echo "Install them, then run make again:" >&2
echo "    sudo apt-get install -y$missing" >&2
exit 1
