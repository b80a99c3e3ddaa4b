#!/bin/sh
# Install the named Debian packages that are missing; do nothing when all are present.
# Runs apt-get as root directly, or through sudo; on a machine without apt-get it says what
# is needed instead of failing obscurely.
set -eu
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Please install these packages with your system's package manager:$missing" >&2
    echo "(or set USTD_BROWSER to a Chromium/Chrome executable)" >&2
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Need root to install:$missing (run as root, or install them yourself)" >&2
    exit 1
fi
echo "Installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
