#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/ into $OUT, for ClusterFuzzLite and
# OSS-Fuzz (run inside the image of .clusterfuzzlite/Dockerfile, with $SRC,
# $OUT and $SANITIZER set), or locally by fuzz/cflite-local.sh.
#
# For each target T (fuzz/fuzz_targets/T.rs) $OUT receives:
#   T                   the libFuzzer binary (cargo fuzz build -O)
#   T_seed_corpus.zip   fuzz/corpus/T and fuzz/regressions/T
#   T.options           libFuzzer options: a per-input time limit, so that a
#                       slow input is a finding, and a memory limit
#   T.dict              a dictionary, where fuzz/dictionaries/T.dict exists

cd "$SRC/webmessaging"

# SANITIZER=none builds without AddressSanitizer, which works on stable Rust
# (fuzz/cflite-local.sh uses it where nightly is missing).
sanitizer=()
if [ "${SANITIZER:-address}" = none ]; then
  sanitizer=(-s none)
fi
cargo fuzz build -O "${sanitizer[@]}"

release="${CARGO_TARGET_DIR:-fuzz/target}/x86_64-unknown-linux-gnu/release"
for source in fuzz/fuzz_targets/*.rs; do
  target=$(basename "${source%.rs}")
  cp "$release/$target" "$OUT/"
  seeds=()
  for dir in "fuzz/corpus/$target" "fuzz/regressions/$target"; do
    if [ -d "$dir" ]; then
      seeds+=("$dir")
    fi
  done
  # -j: flat file names, as libFuzzer reads a corpus directory.
  rm -f "$OUT/${target}_seed_corpus.zip"
  find "${seeds[@]}" -type f ! -name README.md -print0 | xargs -0 zip -q -j "$OUT/${target}_seed_corpus.zip"
  cat > "$OUT/$target.options" <<OPTIONS
[libfuzzer]
timeout = 10
rss_limit_mb = 2560
OPTIONS
  if [ -f "fuzz/dictionaries/$target.dict" ]; then
    cp "fuzz/dictionaries/$target.dict" "$OUT/$target.dict"
  fi
done
