#!/usr/bin/env bash
# install-deps.sh - install the Debian packages Strata builds and tests with.
#
# Idempotent: it asks dpkg which packages are missing and installs only those,
# so `make demo` and `make test` can call it on every run at almost no cost.
# Needs root (or sudo) only when something is actually missing.
set -euo pipefail

packages=(
  cmake ninja-build ccache make
  clang-22 lld-22 llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools
  libonnx-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libhalide14-0-dev
  python3-onnx python3-numpy python3-torch python3-torchvision
  libonnx-testdata
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
