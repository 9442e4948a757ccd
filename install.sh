#!/usr/bin/env bash
# Install motcua-edge on a Debian/Ubuntu machine: system packages, a .venv, the project.
#   ./install.sh         the system, ready for `.venv/bin/motcua demo`
#   ./install.sh --dev   also the test tools, ready for `.venv/bin/python -m pytest`
#   sudo ./install.sh --role hub|kiosk|board|counter|counter-bridge|central [--role ...]
#                        also run those roles as services: users, folders, /etc/motcua, systemd units
#   ./install.sh --role ROLE --root DIR   lay the role's files into DIR only (tests, images); DESTDIR too
#   --prefix DIR         where the units find motcua-edge (default: this folder)
#   ./install.sh --update-lock   first re-resolve constraints.txt from pyproject.toml in a fresh venv
# Python packages come in the versions constraints.txt pins (the ones the release was tested with).
# Safe to run again: every step checks before it acts; configuration files are never overwritten.
set -euo pipefail
cd "$(dirname "$0")"

DEV=0
UPDATE_LOCK=0
LOCK=constraints.txt
ROLES=()
ROOT=""
PREFIX=""
ALL_ROLES="hub kiosk board counter counter-bridge central"
need_value() { [ -n "${2:-}" ] || { echo "install.sh: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dev) DEV=1 ;;
    --update-lock) UPDATE_LOCK=1 ;;
    --role) need_value "$1" "${2:-}"; ROLES+=("$2"); shift ;;
    --role=*) ROLES+=("${1#--role=}") ;;
    --root) need_value "$1" "${2:-}"; ROOT="$2"; shift ;;
    --root=*) ROOT="${1#--root=}" ;;
    --prefix) need_value "$1" "${2:-}"; PREFIX="$2"; shift ;;
    --prefix=*) PREFIX="${1#--prefix=}" ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --dev, --role ROLE, --update-lock)" >&2; exit 2 ;;
  esac
  shift
done
for role in "${ROLES[@]}"; do
  case " $ALL_ROLES " in
    *" $role "*) ;;
    *) echo "install.sh: unknown role '$role' (one of: $ALL_ROLES)" >&2; exit 2 ;;
  esac
done
if [ ${#ROLES[@]} -eq 0 ] && { [ -n "$ROOT" ] || [ -n "$PREFIX" ]; }; then
  echo "install.sh: --root and --prefix go with --role" >&2; exit 2
fi
if [ ${#ROLES[@]} -gt 0 ] && [ -z "$ROOT" ]; then ROOT="${DESTDIR:-}"; fi
ROOT="${ROOT%/}"
if [ -n "$ROOT" ]; then
  mkdir -p "$ROOT"
  ROOT="$(cd "$ROOT" && pwd)"
fi
[ -n "$PREFIX" ] || PREFIX="$(pwd)"

# Into a --root only the role's files go: the machine that runs this is not touched.
if [ -z "$ROOT" ]; then

if [ ${#ROLES[@]} -gt 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: --role creates users and systemd units: run it with sudo" >&2; exit 1
fi

# Shared libraries that the wheels load at run time (Qt offscreen/xcb, QtMultimedia, zbar) and
# espeak-ng for the Vietnamese voice.
APT_PACKAGES=(
  python3-venv espeak-ng libpulse0 libzbar0 libusb-1.0-0
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0 libxcb-randr0
  libxcb-render-util0 libxcb-image0
  libcups2 libcups2-dev gcc python3-dev
)
# pycups (A4 printing through CUPS) is built from source: libcups2-dev, a compiler and Python's headers.
# --dev: the A4 printing tests start their own cupsd (cups-daemon) and queues (cups-client's lpadmin).
if [ "$DEV" = 1 ]; then APT_PACKAGES+=(cups-daemon cups-client); fi
# --dev: the browser tests of the citizens' pages run in a real headless Chromium (Debian's; a browser
# download such as `playwright install` cannot work offline), driven over the DevTools protocol.
if [ "$DEV" = 1 ]; then APT_PACKAGES+=(chromium fonts-dejavu-core); fi
# poppler-utils: `motcua report --png` renders a report's first page, and the analytics tests read the PDF's text
# (pdftoppm, pdftotext). The hub itself writes PDFs without it.
if [ "$DEV" = 1 ]; then APT_PACKAGES+=(poppler-utils); fi
for role in "${ROLES[@]}"; do
  case "$role" in hub) APT_PACKAGES+=(poppler-utils); break ;; esac
done
# The screens of the kiosk, the board and the counter panel run on their own X server (xinit).
for role in "${ROLES[@]}"; do
  case "$role" in kiosk|board|counter) APT_PACKAGES+=(xserver-xorg xinit); break ;; esac
done

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

# With --role on a machine that has the .venv already, the project is not reinstalled (./install.sh does that).
if [ ${#ROLES[@]} -eq 0 ] || [ ! -x .venv/bin/motcua ]; then
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "install.sh: Python 3.11 or newer is needed ($PY is $($PY --version 2>&1))" >&2; exit 1
fi
# --update-lock: resolve pyproject.toml (runtime and dev) afresh in a throwaway venv and pin what pip
# chose, with everything it pulled in. Only on purpose: review `git diff constraints.txt`, run the tests.
if [ "$UPDATE_LOCK" = 1 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  echo "==> resolving pyproject.toml in a fresh venv ($tmp)"
  "$PY" -m venv "$tmp/venv"
  # setuptools too: python-escpos needs it at run time, and the venv's bundled one is years old.
  "$tmp/venv/bin/python" -m pip install -q --upgrade pip setuptools >/dev/null
  "$tmp/venv/bin/python" -m pip install -q -e ".[dev]"
  {
    echo "# The versions motcua-edge is tested with: runtime and dev tools, and everything they pull in."
    echo "# install.sh installs with this file as pip constraints. Do not edit by hand: change pyproject.toml,"
    echo "# then ./install.sh --update-lock --dev and run the tests (tests/test_lock.py checks the two agree)."
    echo "# Resolved with Python $("$tmp/venv/bin/python" -c 'import platform; print(platform.python_version())')."
    # --all: pip and setuptools are pinned too; the project itself is the editable install, left out.
    "$tmp/venv/bin/python" -m pip freeze --all --exclude-editable | LC_ALL=C sort -f -t= -k1,1
  } > "$LOCK.new"
  mv "$LOCK.new" "$LOCK"
  echo "==> wrote $LOCK ($(grep -vc '^#' "$LOCK") packages); review: git diff $LOCK"
fi
if [ ! -f "$LOCK" ]; then
  echo "install.sh: $LOCK is missing (make it with ./install.sh --update-lock)" >&2; exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q -c "$LOCK" pip >/dev/null
if [ "$DEV" = 1 ]; then TARGET=".[dev]"; else TARGET="."; fi
echo "==> installing motcua-edge ($TARGET) into .venv, versions from $LOCK"
.venv/bin/python -m pip install -q -c "$LOCK" -e "$TARGET"
echo "==> done: .venv/bin/motcua --help"
fi

fi  # not --root
[ ${#ROLES[@]} -gt 0 ] || exit 0

# ------------------------------------------------------------------------------------------- roles
for tool in systemctl systemd-sysusers systemd-tmpfiles; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install.sh: --role needs systemd ($tool is missing)" >&2; exit 1; }
done
ROOTOPT=()
[ -z "$ROOT" ] || ROOTOPT=(--root="$ROOT")
ASSETS=assets/systemd
install -d -m 0755 "$ROOT/etc/systemd/system" "$ROOT/etc/sysusers.d" "$ROOT/etc/tmpfiles.d" "$ROOT/etc/motcua"

units_of() {
  case "$1" in
    hub) echo "motcua-hub.service motcua-backup.service motcua-backup.timer" ;;
    *) echo "motcua-$1.service" ;;
  esac
}
enabled_of() {
  case "$1" in
    hub) echo "motcua-hub.service motcua-backup.timer" ;;
    *) echo "motcua-$1.service" ;;
  esac
}
config_of() {  # the example a role's device or site file starts from, and the file's name in /etc/motcua
  case "$1" in
    hub) echo "assets/site.example.toml site.toml" ;;
    kiosk|board|counter) echo "assets/$1.example.toml $1.toml" ;;
    counter-bridge) echo "assets/counter.example.toml counter-bridge.toml" ;;
    central) echo "" ;;
  esac
}

ENABLE=()
for role in "${ROLES[@]}"; do
  echo "==> role $role${ROOT:+ (into $ROOT)}"
  # 1. the user and its groups
  install -m 0644 "$ASSETS/sysusers.d/motcua-$role.conf" "$ROOT/etc/sysusers.d/motcua-$role.conf"
  systemd-sysusers "${ROOTOPT[@]}" "$ROOT/etc/sysusers.d/motcua-$role.conf"
  # 2. configuration: copied from the examples once, never overwritten
  read -r example name <<<"$(config_of "$role")"
  if [ -n "${example:-}" ]; then
    if [ -e "$ROOT/etc/motcua/$name" ]; then
      echo "    /etc/motcua/$name exists: kept"
    else
      install -m 0640 "$example" "$ROOT/etc/motcua/$name"
      echo "    /etc/motcua/$name: copied from $example (edit it)"
    fi
  fi
  if [ ! -e "$ROOT/etc/motcua/$role.env" ]; then
    install -m 0640 "$ASSETS/env/$role.env" "$ROOT/etc/motcua/$role.env"
  fi
  # 3. folders, and the owners and modes of the configuration files
  install -m 0644 "$ASSETS/tmpfiles.d/motcua-$role.conf" "$ROOT/etc/tmpfiles.d/motcua-$role.conf"
  systemd-tmpfiles "${ROOTOPT[@]}" --create "$ROOT/etc/tmpfiles.d/motcua-$role.conf"
  # 4. the units, pointing at this installation
  for unit in $(units_of "$role"); do
    sed "s#/opt/motcua-edge#$PREFIX#g" "$ASSETS/$unit" >"$ROOT/etc/systemd/system/$unit.tmp"
    chmod 0644 "$ROOT/etc/systemd/system/$unit.tmp"
    mv "$ROOT/etc/systemd/system/$unit.tmp" "$ROOT/etc/systemd/system/$unit"
  done
  read -r -a units <<<"$(enabled_of "$role")"
  ENABLE+=("${units[@]}")
done

if [ -z "$ROOT" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
systemctl --root="${ROOT:-/}" enable "${ENABLE[@]}"

echo "==> installed and enabled: ${ENABLE[*]}"
echo "    next: edit /etc/motcua (tokens, addresses), then: sudo systemctl start ${ENABLE[*]}"
echo "    logs: journalctl -u ${ENABLE[0]%.service} -f"
