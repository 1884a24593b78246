# Strata's two front doors: `make demo` and `make test` (the README's quick start).
#
# Both install missing Debian packages first (scripts/install-deps.sh is a no-op
# when nothing is missing), configure the CMake preset once, and build with ninja
# through ccache so a clean clone in CI reuses earlier compiles.
BUILD_DIR ?= build
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps configure build demo test bench conformance docs clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset default -B $(BUILD_DIR)

configure: deps $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR)

demo: build
	cmake --build $(BUILD_DIR) --target traffic-demo-run

test: build
	cmake --build $(BUILD_DIR) --target check-strata-lit
	cd $(BUILD_DIR) && ctest --output-on-failure -j2

bench: build
	bash bench/run.sh $(BUILD_DIR)

conformance: build
	cmake --build $(BUILD_DIR) --target conformance

# The TableGen-generated references (a lit test fails when they drift).
LLVM_BIN ?= /usr/lib/llvm-22/bin
LLVM_INCLUDE ?= /usr/lib/llvm-22/include
docs:
	$(LLVM_BIN)/mlir-tblgen -gen-dialect-doc -dialect=graph -I $(LLVM_INCLUDE) -I . \
	  dialects/Graph/GraphOps.td > docs/dialects/graph.md
	$(LLVM_BIN)/mlir-tblgen -gen-pass-doc -I $(LLVM_INCLUDE) -I . passes/Passes.td > docs/passes.md
	mkdir -p docs/target-passes
	for td in targets/*/Passes.td; do \
	  target=$$(basename $$(dirname $$td)); \
	  $(LLVM_BIN)/mlir-tblgen -gen-pass-doc -I $(LLVM_INCLUDE) -I . $$td > docs/target-passes/$$target.md; \
	done

clean:
	rm -rf $(BUILD_DIR)
