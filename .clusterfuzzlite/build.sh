#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/ into $OUT, for ClusterFuzzLite and
# OSS-Fuzz (run inside the image of .clusterfuzzlite/Dockerfile, with $SRC,
# $OUT and $SANITIZER set), or locally by fuzz/cflite-local.sh.
#
# For each target T (fuzz/fuzz_targets/T.rs) $OUT receives:
#   T                   the libFuzzer binary (cargo fuzz build -O)
#   T_seed_corpus.zip   fuzz/corpus/T and fuzz/regressions/T
#   T.options           libFuzzer options: a per-input time limit, so that a
#                       slow input is a finding, a memory limit, and a length
#                       limit (without one libFuzzer takes the longest seed's,
#                       and the 100 KB regression inputs made every input
#                       that long and the fuzzers 50 times slower)
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
  case "$target" in
    notation_clone) max_len=16384 ;; # JSON text takes room
    *) max_len=4096 ;;
  esac
  cat > "$OUT/$target.options" <<OPTIONS
[libfuzzer]
timeout = 10
rss_limit_mb = 2560
max_len = $max_len
OPTIONS
  if [ -f "fuzz/dictionaries/$target.dict" ]; then
    cp "fuzz/dictionaries/$target.dict" "$OUT/$target.dict"
  fi
done
