# The two commands of the README: `make run` and `make test`. Each installs the Debian packages it
# needs when they are missing, configures, builds, and then runs the program or the test suite.

BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Build tools and libraries, as Debian/Ubuntu package names.
PACKAGES := cmake ninja-build g++ make qt6-base-dev qt6-svg-dev libqcustomplot-dev \
            libeigen3-dev libbenchmark-dev

.PHONY: run test build configure deps bench clean

run: build
	$(BUILD_DIR)/app/initscope

test: build
	cd $(BUILD_DIR) && QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

configure: deps
	@if [ ! -f $(BUILD_DIR)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS); \
	fi

# Installs the missing packages with apt-get (through sudo when not root) and says which. On a system
# without dpkg/apt-get it names what to install and stops; INITSCOPE_SKIP_DEPS=1 skips this step for
# those who installed the equivalents by other means.
deps:
	@if [ -n "$$INITSCOPE_SKIP_DEPS" ]; then exit 0; fi; \
	if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then \
	  echo "InitScope builds on Debian/Ubuntu with apt-get. On this system, install the equivalents of:"; \
	  echo "  $(PACKAGES)"; \
	  echo "then run again with INITSCOPE_SKIP_DEPS=1."; exit 1; \
	fi; \
	missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

# Every benchmark, then issue 6's targets with the measured figure next to each goal. Extra arguments
# for Google Benchmark go in BENCH_ARGS, e.g. make bench BENCH_ARGS=--benchmark_filter=sampling
BENCH_ARGS ?=
bench: build
	$(BUILD_DIR)/bench/initscope_bench $(BENCH_ARGS)

clean:
	rm -rf $(BUILD_DIR)
