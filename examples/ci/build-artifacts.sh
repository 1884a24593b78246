#!/usr/bin/env bash
# build-artifacts.sh - compile one model for every target in one CI job.
#
# For each target Strata supports it runs stratac into ARTIFACTS/TARGET/
# (object, header, manifest; a shared library for the Linux targets), then
# writes ARTIFACTS/SHA256SUMS over every file. Artifacts are reproducible, so
# the checksums of two runs of the same commit and model agree.
#
#   examples/ci/build-artifacts.sh MODEL.onnx ARTIFACTS [STRATAC]
set -euo pipefail
MODEL=$1 ARTIFACTS=$2 STRATAC=${3:-stratac}
NAME=$(basename "$MODEL" .onnx | tr -c 'A-Za-z0-9_\n' '_')
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
compile() {
  local target=$1; shift
  echo "ci: $NAME for $target"
  "$STRATAC" "$MODEL" --target="$target" --name "$NAME" -o "$ARTIFACTS/$target" "$@"
}
# An explicit --cpu for x86-64: `native` would embed the CI machine's CPU.
compile x86_64 --cpu=x86-64-v3 --emit=shared
compile aarch64 --cpu=cortex-a72 --emit=shared
compile cortex-m4
compile cortex-m7
compile cortex-m55
(cd "$ARTIFACTS" && find . -type f ! -name SHA256SUMS | sort | xargs sha256sum > SHA256SUMS)
echo "ci: wrote $ARTIFACTS ($(wc -l < "$ARTIFACTS/SHA256SUMS") files, SHA256SUMS)"
