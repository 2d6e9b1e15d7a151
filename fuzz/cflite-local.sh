#!/usr/bin/env bash
# Runs the ClusterFuzzLite build (.clusterfuzzlite/build.sh) here, without a
# container engine: a temporary $SRC holding the repository (as the
# Dockerfile's COPY would), a temporary $OUT and $WORK, and the environment
# the base-builder image gives build.sh. Then checks what came out: for every
# target in fuzz/fuzz_targets/, a fuzzer binary, a seed-corpus zip holding
# fuzz/corpus/T and fuzz/regressions/T, and an options file; and runs each
# binary once over its seeds (libFuzzer -runs=0, with the options' time limit).
#
#   bash fuzz/cflite-local.sh                      # stable Rust, no sanitizer (SANITIZER=none)
#   bash fuzz/cflite-local.sh --sanitizer address  # nightly Rust, AddressSanitizer, as ClusterFuzzLite builds
#
# cargo-fuzz is installed (cargo install cargo-fuzz --locked) if missing. The
# build keeps its cache in target/cflite-<sanitizer>, so a second run only
# rebuilds what changed. KEEP_OUT=1 keeps $OUT and prints where it is.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

sanitizer=none
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitizer) sanitizer="${2:?--sanitizer needs a value}"; shift 2 ;;
    *) echo "usage: $0 [--sanitizer none|address]" >&2; exit 2 ;;
  esac
done
case "$sanitizer" in
  none) toolchain=stable ;;
  address) toolchain=nightly ;;
  *) echo "$0: sanitizer must be none or address, not $sanitizer" >&2; exit 2 ;;
esac

if ! command -v cargo-fuzz >/dev/null; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

tmp=$(mktemp -d)
cleanup() {
  if [ "${KEEP_OUT:-0}" = 1 ]; then
    echo "kept: $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
mkdir -p "$tmp/src" "$tmp/out" "$tmp/work"
# The Dockerfile copies the repository to $SRC/webmessaging; a link does the
# same here without copying target directories.
ln -s "$root" "$tmp/src/webmessaging"
cp "$root/.clusterfuzzlite/build.sh" "$tmp/src/build.sh"

echo "== .clusterfuzzlite/build.sh (SANITIZER=$sanitizer, Rust $toolchain)"
(
  cd "$tmp/src/webmessaging"
  export SRC="$tmp/src" OUT="$tmp/out" WORK="$tmp/work"
  export SANITIZER="$sanitizer" FUZZING_ENGINE=libfuzzer FUZZING_LANGUAGE=rust ARCHITECTURE=x86_64
  export RUSTUP_TOOLCHAIN="$toolchain"
  export CARGO_TARGET_DIR="$root/target/cflite-$sanitizer"
  bash "$SRC/build.sh"
)

echo "== checking \$OUT"
failed=0
fail() {
  echo "FAILED: $*" >&2
  failed=1
}
for source in "$root"/fuzz/fuzz_targets/*.rs; do
  target=$(basename "${source%.rs}")
  [ -x "$tmp/out/$target" ] || fail "no fuzzer binary $target"
  [ -f "$tmp/out/$target.options" ] || fail "no $target.options"
  zip="$tmp/out/${target}_seed_corpus.zip"
  if [ ! -f "$zip" ]; then
    fail "no ${target}_seed_corpus.zip"
    continue
  fi
  # A target may have no regressions yet: count what exists.
  expected=$(for dir in "$root/fuzz/corpus/$target" "$root/fuzz/regressions/$target"; do
    [ ! -d "$dir" ] || find "$dir" -type f ! -name README.md
  done | wc -l)
  zipped=$(unzip -Z1 "$zip" | wc -l)
  [ "$expected" -gt 0 ] && [ "$zipped" -eq "$expected" ] ||
    fail "${target}_seed_corpus.zip holds $zipped seeds, fuzz/ has $expected"
  mkdir -p "$tmp/work/$target"
  unzip -q -o "$zip" -d "$tmp/work/$target"
  timeout=$(sed -n 's/^timeout *= *//p' "$tmp/out/$target.options")
  if "$tmp/out/$target" -runs=0 -timeout="$timeout" "$tmp/work/$target" >"$tmp/work/$target.log" 2>&1; then
    echo "$target: binary, $zipped seeds, options (timeout ${timeout}s): every seed runs"
  else
    tail -20 "$tmp/work/$target.log" >&2
    fail "$target does not run over its seeds"
  fi
done
if [ -f "$root/fuzz/dictionaries/notation_clone.dict" ] && [ ! -f "$tmp/out/notation_clone.dict" ]; then
  fail "notation_clone.dict was not copied"
fi
exit "$failed"
