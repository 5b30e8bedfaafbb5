#!/usr/bin/env bash
# Every benchmark set, one after another on the default model, then the tables in docs/benchmarks.md:
# HumanEval single-line infilling (all 1,033 tasks; base, guided), three member-access sets (rich, werkzeug,
# httpx; base, guided, all-cores) and two API-completion sets into libraries the venv does not have
# (imbalanced-learn and mlxtend calling scikit-learn, pandas, ...; base, guided).
# Usage: benchmarks/run_all.sh [OUT]   (default bench-out; about two hours on a quiet 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-bench-out}
GW=.venv/bin/ghostwise
HUMANEVAL=../shared/benchdata/humaneval-singleline-infilling.jsonl
mkdir -p "$OUT/sets"
src() { bash benchmarks/fetch_source.sh "$1"; }

$GW bench run --tasks "$HUMANEVAL" --out "$OUT/humaneval"
$GW bench run --tasks benchmarks/data/rich-13.7.1-member.jsonl --root "$(src rich)" \
    --modes base,guided,all-cores --out "$OUT/rich-member"
for name in werkzeug httpx; do
  $GW bench mine --src "$(src $name)" --kind member --n 200 --seed 1 --fstrings --out "$OUT/sets/$name-member.jsonl"
  $GW bench run --tasks "$OUT/sets/$name-member.jsonl" --root "$(src $name)" \
      --modes base,guided,all-cores --out "$OUT/$name-member"
done
$GW bench mine --src "$(src imbalanced-learn)" --kind api --n 150 --seed 0 --out "$OUT/sets/imblearn-api.jsonl"
$GW bench mine --src "$(src mlxtend)" --kind api --n 200 --seed 0 --out "$OUT/sets/mlxtend-api.jsonl"
$GW bench run --tasks "$OUT/sets/imblearn-api.jsonl" --root "$(src imbalanced-learn)" --out "$OUT/imblearn-api"
$GW bench run --tasks "$OUT/sets/mlxtend-api.jsonl" --root "$(src mlxtend)" --out "$OUT/mlxtend-api"
.venv/bin/python -m lsp_server.bench.docs docs/benchmarks.md humaneval="$OUT/humaneval" \
    rich-member="$OUT/rich-member" werkzeug-member="$OUT/werkzeug-member" httpx-member="$OUT/httpx-member" \
    imblearn-api="$OUT/imblearn-api" mlxtend-api="$OUT/mlxtend-api"
