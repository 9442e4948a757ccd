#!/usr/bin/env bash
# Install motcua-edge on a Debian/Ubuntu machine: system packages, a .venv, the project.
#   ./install.sh         the system, ready for `.venv/bin/motcua demo`
#   ./install.sh --dev   also the test tools, ready for `.venv/bin/python -m pytest`
# Safe to run again: every step checks before it acts.
set -euo pipefail
cd "$(dirname "$0")"

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    -h|--help) sed -n '2,4p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $arg (try --dev)" >&2; exit 2 ;;
  esac
done

# Shared libraries that the wheels load at run time (Qt offscreen/xcb, QtMultimedia, zbar) and
# espeak-ng for the Vietnamese voice.
APT_PACKAGES=(
  python3-venv espeak-ng libpulse0 libzbar0 libusb-1.0-0
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0
)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "install.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1
    fi
  fi
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "install.sh: Python 3.11 or newer is needed ($PY is $($PY --version 2>&1))" >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$DEV" = 1 ]; then TARGET=".[dev]"; else TARGET="."; fi
echo "==> installing motcua-edge ($TARGET) into .venv"
.venv/bin/python -m pip install -q -e "$TARGET"
echo "==> done: .venv/bin/motcua --help"
