#!/usr/bin/env bash
# compare_pipelines.sh STRATAC STRATA_OPT WORK MODEL LOWER_OPTIONS [STRATAC_FLAGS...]
#
# Prints "same pipelines: LOWER_OPTIONS" when strata-opt's
# --strata-graph-to-linalg followed by --strata-lower=LOWER_OPTIONS prints
# (--dump-pass-pipeline) exactly the pipelines stratac runs with
# STRATAC_FLAGS, and the difference otherwise (exit 1). strata-opt runs on
# stratac's own --emit=linalg output, as a user reproducing a stage would.
set -euo pipefail
stratac=$1 strata_opt=$2 work=$3 model=$4 options=$5
shift 5
rm -rf "$work" && mkdir -p "$work"
"$stratac" "$model" --emit=llvm-mlir --dump-pass-pipeline -o "$work/stratac" "$@" \
  2> "$work/stratac.txt"
"$stratac" "$model" --emit=linalg --name model -o "$work/linalg" "$@"
linalg=$work/linalg/model.linalg.mlir
{
  "$strata_opt" "$linalg" --strata-graph-to-linalg --dump-pass-pipeline -o /dev/null
  "$strata_opt" "$linalg" "--strata-lower=$options" --dump-pass-pipeline -o /dev/null
} 2> "$work/strata-opt.txt"
diff -u "$work/stratac.txt" "$work/strata-opt.txt"
echo "same pipelines: $options"
