#!/usr/bin/env bash
# The main job: install dependencies, build, and validate the bundled example
# messages with the bundled reference packs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
build/tools/cbecstd validate examples/*.json
