#!/usr/bin/env bash
# Scores the entities processor on a CoNLL-style article set through the real binary.
#
#   tools/eval_ner.sh [ARTICLES.jsonl] [-- extra score.py flags]
#
# ARTICLES.jsonl: {"id", "title", "text", "gold_entities"} per line (default
# ../shared/data/ner/conll2003/dev.articles.jsonl next to the repository); scored by
# score.py ($SCORE_PY, default ../shared/eval/ner/score.py). Runs `newsflowd process`
# ($NEWSFLOWD, default build/app/newsflowd) with a chain of normalize + entities, every
# article taken to be in $LANGUAGE (default en; es and nl for CoNLL-2002), or, with
# LANGID=1, normalize + langid + entities (the language as detected, as in production).
# Work files go to $OUT_DIR (default a temporary directory, removed afterwards).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/eval_common.sh"
articles="${1:-$root/../shared/data/ner/conll2003/dev.articles.jsonl}"
shift || true
[ "${1:-}" = "--" ] && shift
score_py="${SCORE_PY:-$root/../shared/eval/ner/score.py}"
language="${LANGUAGE:-en}"

need "$articles" "article set"
need "$score_py" score.py "set SCORE_PY"
need "$newsflowd" binary "build first"
eval_workdir
if [ "${LANGID:-0}" = 1 ]; then
  eval_config "langid
  - {type: entities, default_language: $language}"
else
  eval_config "{type: entities, default_language: $language}"
fi

eval_process "$articles" articles
"$python" "$score_py" "$articles" "$work/out.jsonl" "$@"
