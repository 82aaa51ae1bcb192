#!/usr/bin/env bash
# Set up everything mgstudio needs on a fresh Debian machine: system packages (when we are root
# with apt), a virtual environment in .venv and the Python dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
extra=${1:-}

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  need=()
  command -v dot >/dev/null 2>&1 || need+=(graphviz)
  if [ "$extra" = test ]; then
    command -v xvfb-run >/dev/null 2>&1 || need+=(xvfb xauth)
    # the real-window tests (tests/app/test_xvfb_*.py) drive a window manager with real input
    command -v openbox >/dev/null 2>&1 || need+=(openbox)
    command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
  fi
  # Qt's xcb platform plugin needs these at run time for a real window; the CJK font shows
  # the window in Chinese (View ▸ Language) without boxes for missing glyphs
  for lib in libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0 libegl1 libgl1 \
             libfontconfig1 libdbus-1-3 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
             libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 fonts-dejavu-core fonts-noto-cjk; do
    dpkg -s "$lib" >/dev/null 2>&1 || need+=("$lib")
  done
  if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing system packages: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
stamp=.venv/.installed-$extra
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
  # setuptools too: the venv's own must read the PEP 639 licence (tests/document/test_cli_version.py)
  .venv/bin/python -m pip install -q --upgrade pip "setuptools>=77"
  if [ -n "$extra" ]; then
    .venv/bin/python -m pip install -q -e ".[$extra]"
  else
    .venv/bin/python -m pip install -q -e .
  fi
  touch "$stamp"
fi
