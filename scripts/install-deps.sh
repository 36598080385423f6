#!/usr/bin/env bash
# Install what libcbecstd needs to build and test on Debian 12 (as root, or via sudo).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(
  meson ninja-build pkg-config gcc clang llvm libclang-rt-14-dev binutils
  libjson-c-dev nettle-dev libxml2-dev libxml2-utils libpcre2-dev libutf8proc-dev iso-codes
  check python3 python3-dev python3-distributed valgrind
  python3-pip python3-jsonschema
  unicode-data bzip2
  strace
  time cppcheck
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
