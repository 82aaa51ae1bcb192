#!/usr/bin/env bash
# Does the package a user installs work? Build the sdist, and the wheel from the sdist (what
# `python -m build` does), install the wheel into a fresh virtual environment outside the
# checkout, and there: --self-check (icons, examples, lessons, desktop entry), a window picture of
# the bundled neuron example, and `mgstudio check` on it. Run by scripts/test.sh; needs the
# `build` package of the test extra. SMOKE_SHOT=path keeps the picture; BUILD_PYTHON=python
# builds with another interpreter that has `build`.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout=$PWD
build_python=${BUILD_PYTHON:-$checkout/.venv/bin/python}
work=$(mktemp -d "${TMPDIR:-/tmp}/mgstudio-wheel.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "wheel smoke: FAILED: $*" >&2; exit 1; }
start=$SECONDS

echo "-- building the sdist and the wheel"
if ! "$build_python" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  fail "python -m build"
fi
sdist=$(ls "$work"/dist/*.tar.gz)
wheel=$(ls "$work"/dist/*.whl)

# the sdist must hold what the wheel and the tests are built from
listing=$(tar -tzf "$sdist")
for need in resources/examples/neuron.mgs resources/icons/mgstudio.svg resources/lessons \
            resources/desktop/mgstudio.desktop tests/conftest.py setup.py pyproject.toml; do
  grep -q "^[^/]*/$need" <<<"$listing" || fail "the sdist lacks $need"
done

echo "-- installing the wheel into a fresh virtual environment"
base_python=$("$checkout/.venv/bin/python" -c 'import sys; print(sys._base_executable)')
"$base_python" -m venv "$work/venv"
# --no-compile: byte-compiling PySide6, numpy and matplotlib is most of an install's time
"$work/venv/bin/python" -m pip install -q --no-compile --disable-pip-version-check "$wheel" \
  >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; fail "pip install of the wheel"; }

# everything below runs outside the checkout, on the installed copy only
cd "$work"
unset PYTHONPATH
export QT_QPA_PLATFORM=offscreen
py="$work/venv/bin/python"
app="$work/venv/bin/mgstudio"

where=$("$py" -c 'import mgstudio, mgstudio.bundled as b; print(mgstudio.__file__); print(b.root())')
grep -q "^$work/venv/" <<<"$where" || fail "mgstudio was not imported from the new venv: $where"
[ "$(grep -c "^$work/venv/" <<<"$where")" = 2 ] || fail "resources are not the installed ones: $where"

"$app" --self-check || fail "mgstudio --self-check"

# one version source: what --version prints is what the wheel's metadata says
installed=$("$py" -c 'import importlib.metadata as m; print(m.version("mgstudio"))')
[ "$("$app" --version)" = "mgstudio $installed" ] \
  || fail "mgstudio --version ($("$app" --version)) is not the wheel's version $installed"
case "$(basename "$wheel")" in
  "mgstudio-$installed-"*) ;;
  *) fail "the wheel $(basename "$wheel") is not named for version $installed" ;;
esac

neuron=$("$py" -c 'from mgstudio.document.examples import example_path; print(example_path("neuron"))')
"$app" check "$neuron" || fail "mgstudio check $neuron"

"$app" "$neuron" --screenshot "$work/shot.png" || fail "mgstudio --screenshot"
# a picture of a window with a graph, not a blank or tiny one: its size and many colours
"$py" - "$work/shot.png" <<'EOF' || fail "the screenshot looks empty"
import sys
from PySide6.QtGui import QImage
image = QImage(sys.argv[1])
colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
print(f"screenshot: {image.width()}x{image.height()}, {len(colours)} colours (every 3rd pixel)")
sys.exit(0 if image.width() >= 800 and image.height() >= 500 and len(colours) >= 200 else 1)
EOF
if [ -n "${SMOKE_SHOT:-}" ]; then cp "$work/shot.png" "$SMOKE_SHOT"; fi

size=$(stat -c %s "$wheel")
files=$("$py" -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$wheel")
echo "wheel smoke: ok: $(basename "$wheel") $((size / 1024)) KiB, $files files;" \
     "sdist $(( $(stat -c %s "$sdist") / 1024 )) KiB; $((SECONDS - start)) s"
