#!/usr/bin/env bash
# Build the fuzz targets the way OSS-Fuzz does: the library's sources and
# each target compiled with $CC $CFLAGS, linked with $LIB_FUZZING_ENGINE
# into $OUT, dependencies linked statically where the system has static
# archives, and beside each target its seed corpus (TARGET_seed_corpus.zip),
# dictionary and options.  Inside OSS-Fuzz's base-builder image the
# environment is set; locally, for instance:
#
#   CC=clang CFLAGS="-fsanitize=address,fuzzer-no-link -g -O1" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/oss-fuzz-build.sh
#
# Needs: clang, python3, pkg-config and the -dev packages of json-c, pcre2,
# libxml2, nettle and utf8proc (scripts/install-deps.sh lists them).
set -euo pipefail
SRC_DIR="$(cd "$(dirname "$0")/.." && pwd)"
: "${CC:=clang}"
: "${CFLAGS:=-fsanitize=address,fuzzer-no-link -g -O1}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$SRC_DIR/build-oss-fuzz/out}"
WORK="${WORK:-$SRC_DIR/build-oss-fuzz/work}"
mkdir -p "$OUT" "$WORK/obj"

deps="json-c libpcre2-8 libxml-2.0 nettle"
if pkg-config --exists libutf8proc; then deps="$deps libutf8proc"; fi
# Static archives where pkg-config can give them (OSS-Fuzz runners have no
# -dev packages); the rest dynamically.
if pkg-config --static --libs $deps >/dev/null 2>&1 && \
   [ -f "$(pkg-config --variable=libdir json-c)/libjson-c.a" ]; then
  LIBS="-Wl,-Bstatic $(pkg-config --static --libs-only-l $deps | sed 's/-lm//; s/-lpthread//; s/-ldl//') -Wl,-Bdynamic -lm -lpthread -ldl"
  LIBDIRS="$(pkg-config --static --libs-only-L $deps)"
else
  LIBS="$(pkg-config --libs $deps) -lm -lpthread"
  LIBDIRS=""
fi
INCS="$(pkg-config --cflags $deps) -I$SRC_DIR/include -I$SRC_DIR/src -I$WORK -I$SRC_DIR/fuzz"

# cbec-config.h as meson writes it (only the fuzz targets' needs: no packs
# directory, iso-codes where Debian keeps them)
cat > "$WORK/cbec-config.h" <<EOF
#define CBEC_DATADIR "/nonexistent/cbecstd"
#define CBEC_SOURCE_DIR "$SRC_DIR"
#define CBEC_BUILD_DIR "$WORK"
#define CBEC_ISO_CODES_DIR "/usr/share/iso-codes/json"
EOF

# Generated sources: the embedded JSON Schema metaschemas (see
# src/meson.build) and the fuzz pack.
python3 "$SRC_DIR/src/rules/schema-embed.py" "$WORK/schema-meta.c" \
  "$SRC_DIR/data/json-schema/draft-07/schema.json" \
  "$SRC_DIR"/data/json-schema/draft2020-12/schema.json \
  "$SRC_DIR"/data/json-schema/draft2020-12/meta/*.json
python3 "$SRC_DIR/fuzz/embed.py" "$SRC_DIR/fuzz/fuzz.pack.json" fuzz_pack_json "$WORK/fuzz-pack.h"

# The library: every source meson lists, read from src/meson.build so the
# two builds cannot drift apart.
sources=$(python3 - "$SRC_DIR/src/meson.build" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for block in re.findall(r"(\w+_sources) = files\((.*?)\)", text, re.S):
    for f in re.findall(r"'([^']+\.c)'", block[1]):
        print(f)
PY
)
objs=()
for s in $sources "$WORK/schema-meta.c"; do
  case "$s" in /*) path="$s" ;; *) path="$SRC_DIR/src/$s" ;; esac
  o="$WORK/obj/$(echo "$s" | tr '/' '_').o"
  $CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -DCBEC_BUILDING_LIBRARY -fvisibility=hidden $INCS \
    -c "$path" -o "$o"
  objs+=("$o")
done
ar rcs "$WORK/libcbecstd-fuzz.a" "${objs[@]}"

for opt in "$SRC_DIR"/fuzz/*.options; do
  t=$(basename "$opt" .options)
  $CC $CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L $INCS -c "$SRC_DIR/fuzz/$t.c" -o "$WORK/$t.o"
  $CC $CFLAGS $LIB_FUZZING_ENGINE "$WORK/$t.o" "$WORK/libcbecstd-fuzz.a" $LIBDIRS $LIBS -o "$OUT/$t"
  cp "$SRC_DIR/fuzz/$t.dict" "$OUT/$t.dict"
  cp "$opt" "$OUT/$t.options"
  rm -f "$OUT/${t}_seed_corpus.zip"
  (cd "$SRC_DIR/fuzz/corpus/$t" && python3 -m zipfile -c "$OUT/${t}_seed_corpus.zip" .)
done
echo "fuzz targets in $OUT:"
ls "$OUT"
