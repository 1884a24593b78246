#!/usr/bin/env bash
# run_consumer.sh - Strata as a user's build sees it (issue: build integration).
#
# Installs the build into a scratch prefix, then: builds examples/cmake-consumer
# for the host with only find_package(Strata) and strata_add_model and runs it;
# checks that a second build does nothing and that touching the model re-runs
# exactly one stratac; builds the Cortex-M4 firmware with Strata's toolchain
# file and boots it under QEMU (when the cross tools are installed); compiles
# ResNet-18 twice and compares every artifact byte for byte.
#
#   run_consumer.sh BUILD_DIR SOURCE_DIR WORK_DIR PYTHON
set -euo pipefail
BUILD=$1 SOURCE=$2 WORK=$3 PY=$4
rm -rf "$WORK"
mkdir -p "$WORK"
step() { echo "consumer: $*"; }

step "install into $WORK/prefix"
cmake --install "$BUILD" --prefix "$WORK/prefix" > "$WORK/install.log"
"$PY" "$SOURCE/test/compiler/Inputs/make_models.py" "$WORK" tiny_mlp tiny_conv
MODEL=$WORK/tiny_mlp.onnx

step "host: configure, build, run"
cmake -S "$SOURCE/examples/cmake-consumer/host" -B "$WORK/host" -G Ninja \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMODEL="$MODEL" > "$WORK/host-configure.log"
cmake --build "$WORK/host" > "$WORK/host-build.log"
grep -c "Compiling tiny with stratac" "$WORK/host-build.log" | grep -qx 1
"$WORK/host/app" | tee "$WORK/host-output.txt"
grep -q "y\[2\]" "$WORK/host-output.txt"

step "host: a second build does nothing"
cmake --build "$WORK/host" -- -n > "$WORK/host-noop.log"
grep -q "no work to do" "$WORK/host-noop.log"

step "host: touching the model re-runs one compile"
sleep 1
touch "$MODEL"
cmake --build "$WORK/host" > "$WORK/host-rebuild.log"
test "$(grep -c 'Compiling tiny with stratac' "$WORK/host-rebuild.log")" -eq 1
"$WORK/host/app" | cmp - "$WORK/host-output.txt"

step "host int8: QUANTIZE int8 CALIBRATION, and a changed sample re-runs the compile"
"$PY" "$SOURCE/test/compiler/Inputs/make_calibration.py" "$WORK/samples"
cmake -S "$SOURCE/examples/cmake-consumer/host" -B "$WORK/host-int8" -G Ninja \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMODEL="$MODEL" \
  -DCALIBRATION="$WORK/samples/cal" > "$WORK/host-int8-configure.log"
cmake --build "$WORK/host-int8" > "$WORK/host-int8-build.log"
grep -q '"quantization"' "$WORK/host-int8/strata/tiny/tiny.json"
"$WORK/host-int8/app" | tee "$WORK/host-int8-output.txt"
grep -q "y\[2\]" "$WORK/host-int8-output.txt"
sleep 1
touch "$WORK/samples/cal/sample_0.npy"
cmake --build "$WORK/host-int8" > "$WORK/host-int8-rebuild.log"
test "$(grep -c 'Compiling tiny with stratac' "$WORK/host-int8-rebuild.log")" -eq 1

step "host pruned: PRUNE channels:0.5 PRUNE_CRITERION importance on a model with convolutions"
cmake -S "$SOURCE/examples/cmake-consumer/host" -B "$WORK/host-pruned" -G Ninja \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMODEL="$WORK/tiny_conv.onnx" \
  -DPRUNE=channels:0.5 -DPRUNE_CRITERION=importance \
  -DCALIBRATION="$WORK/samples/cal_tiny_conv_ref" > "$WORK/host-pruned-configure.log"
cmake --build "$WORK/host-pruned" > "$WORK/host-pruned-build.log"
grep -q '"kept": 8' "$WORK/host-pruned/strata/tiny/tiny.json"
grep -q '"criterion": "importance"' "$WORK/host-pruned/strata/tiny/tiny.json"
"$WORK/host-pruned/app" | tee "$WORK/host-pruned-output.txt"
grep -q "y\[7\]" "$WORK/host-pruned-output.txt"

if [[ -f $WORK/prefix/lib/strata/cortex-m4/libstrata_startup.a ]] &&
   command -v qemu-system-arm > /dev/null; then
  step "cortex-m4 firmware: configure, build, boot under QEMU"
  cmake -S "$SOURCE/examples/cmake-consumer/firmware" -B "$WORK/firmware" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$WORK/prefix/lib/cmake/Strata/toolchains/cortex-m4.cmake" \
    -DCMAKE_PREFIX_PATH="$WORK/prefix" -DMODEL="$MODEL" > "$WORK/firmware-configure.log"
  cmake --build "$WORK/firmware" > "$WORK/firmware-build.log"
  timeout 60 qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none \
    -serial none -semihosting-config enable=on,target=native \
    -kernel "$WORK/firmware/firmware" | tee "$WORK/firmware-output.txt"
  cmp "$WORK/firmware-output.txt" "$WORK/host-output.txt"
else
  step "cortex-m4 firmware: SKIPPED (no arm-none-eabi kit or qemu-system-arm)"
fi

step "reproducibility: ResNet-18 compiled twice"
RESNET=$BUILD/test/e2e/models/resnet18/model.onnx
if [[ -f $RESNET ]]; then
  "$WORK/prefix/bin/stratac" "$RESNET" --cpu=x86-64-v3 --emit=shared -o "$WORK/repro-a" --name resnet18
  "$WORK/prefix/bin/stratac" "$RESNET" --cpu=x86-64-v3 --emit=shared -o "$WORK/repro-b" --name resnet18
  for file in resnet18.o resnet18.h resnet18.json libresnet18.so; do
    cmp "$WORK/repro-a/$file" "$WORK/repro-b/$file"
  done
  step "identical: $(cd "$WORK/repro-a" && ls | tr '\n' ' ')"
else
  step "reproducibility: SKIPPED (no exported ResNet-18; run the e2e tests first)"
fi
step "PASS"
