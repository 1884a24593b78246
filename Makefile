# Strata's two front doors: `make demo` and `make test` (the README's quick start).
#
# Both install missing Debian packages first (scripts/install-deps.sh is a no-op
# when nothing is missing), configure the CMake preset once, and build with ninja
# through ccache so a clean clone in CI reuses earlier compiles.
BUILD_DIR ?= build
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps configure build demo test bench conformance clean

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

clean:
	rm -rf $(BUILD_DIR)
