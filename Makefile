# The two commands of the README: `make run` and `make test`. Each installs the Debian packages it
# needs when they are missing, configures, builds, and then runs the program or the test suite.

BUILD_DIR ?= build
CMAKE_FLAGS ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# Build tools and libraries, as Debian/Ubuntu package names.
PACKAGES := cmake ninja-build g++ make qt6-base-dev qt6-svg-dev libqcustomplot-dev \
            libeigen3-dev libbenchmark-dev zlib1g-dev dataset-fashion-mnist

.PHONY: run test build configure deps bench clean test-sanitize test-tsan

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

# `make bench-gemm`: the GEMM candidates of bench/bench_gemm.cpp side by side (core's kernels, Eigen,
# OpenBLAS, BLIS, oneDNN), for the README's Performance table. The bench opens the libraries with
# dlopen, so only this target installs them: they stay out of PACKAGES and CI does without. It runs
# twice because this machine sets OPENBLAS_CORETYPE=Haswell and OPENBLAS_L2_SIZE, which hold
# OpenBLAS to its AVX2 kernels: once as the environment is, once with OpenBLAS choosing for itself.
# BENCH_ARGS as for `make bench`, e.g. BENCH_ARGS=--benchmark_repetitions=3 on a busy machine.
GEMM_BENCH_PACKAGES := libopenblas0 libblis4 libdnnl2
GEMM_BENCH := $(BUILD_DIR)/bench/initscope_bench --benchmark_filter=gemm_candidates $(BENCH_ARGS)

.PHONY: bench-gemm bench-gemm-deps

bench-gemm-deps:
	@$(MAKE) --no-print-directory deps PACKAGES="$(GEMM_BENCH_PACKAGES)"

bench-gemm: bench-gemm-deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target initscope_bench
	@echo "== GEMM candidates, environment as it is" \
	  "(OPENBLAS_CORETYPE=$${OPENBLAS_CORETYPE-unset}, OPENBLAS_L2_SIZE=$${OPENBLAS_L2_SIZE-unset})"
	$(GEMM_BENCH)
	@echo "== GEMM candidates without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE"
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(GEMM_BENCH)

# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in a build directory of
# its own, then the tests with threads under ThreadSanitizer (test-tsan below). Any report fails the
# test that triggered it. .ci/run calls this after `make test`.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0
test-sanitize: deps
	@if [ ! -f build-asan/CMakeCache.txt ]; then \
	  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINITSCOPE_BUILD_BENCH=OFF \
	        -DINITSCOPE_SANITIZE=address,undefined; \
	fi
	cmake --build build-asan -j $(JOBS)
	cd build-asan && $(ASAN_ENV) QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory test-tsan

# ThreadSanitizer, in build-tsan, on the tests whose code runs on several threads: the engine's
# pool, the convolutions and training (tst_parallel, tst_run, tst_conv, tst_train), the window's
# workers (tst_run_controller, tst_job_runner) and the window (tst_main_window, tst_theory_window
# with its theory workers, tst_window_reliability). Only those are built. Qt and GLib are not built with
# TSan: ignore_noninstrumented_modules=1 keeps it from checking the memory they touch through its
# interceptors (malloc, free, pthread_cond_*: QtTest's watchdog thread at exit, for one) while their
# pthread synchronization still counts. Their other synchronization (QMutex on futexes, the queue of
# queued signals) stays invisible to it, which ui/job_runner.h is written around.
# tests/sanitizers/tsan.supp says what may go in that file.
TSAN_TESTS := tst_parallel tst_run tst_conv tst_train tst_run_controller tst_job_runner tst_main_window \
              tst_theory_window tst_window_reliability
empty :=
space := $(empty) $(empty)
TSAN_OPTS := halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1
TSAN_ENV := TSAN_OPTIONS=$(TSAN_OPTS):suppressions=$(CURDIR)/tests/sanitizers/tsan.supp
test-tsan: deps
	@if [ ! -f build-tsan/CMakeCache.txt ]; then \
	  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINITSCOPE_BUILD_BENCH=OFF \
	        -DINITSCOPE_SANITIZE=thread; \
	fi
	cmake --build build-tsan -j $(JOBS) --target $(TSAN_TESTS)
	cd build-tsan && $(TSAN_ENV) QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j $(JOBS) \
	  -R '^($(subst $(space),|,$(strip $(TSAN_TESTS))))$$'

clean:
	rm -rf $(BUILD_DIR) build-asan build-tsan build-fuzz

# --- Fuzzing (issue 7) ---------------------------------------------------------------------------
# `make fuzz`: builds tests/fuzz/fuzz_config.cpp, a libFuzzer target over the config reader, the
# validator and a run on tiny sizes, with clang++ and AddressSanitizer + UBSan in $(FUZZ_DIR), then
# fuzzes for FUZZ_SECONDS from the example and lesson configs (the corpus grows in
# $(FUZZ_DIR)/corpus across runs). A crash, a sanitizer report, a leak, a broken round trip or an
# input that takes over 5 s stops it with a non-zero status and leaves the input in
# $(FUZZ_DIR)/artifacts/. Save a minimized one in tests/fuzz/regressions/ (tst_fuzz_regressions
# replays that folder). `make fuzz-dict` rewrites tests/fuzz/config.dict after core gains a key or
# a name. Core is compiled from its sources here, without CMake or Qt.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CXX ?= clang++
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_ARGS ?=
FUZZ_PACKAGES := clang libclang-rt-dev libeigen3-dev
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CXXFLAGS := -std=c++20 -O1 -g -fno-omit-frame-pointer $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link \
                 -I. -I/usr/include/eigen3 -DEIGEN_DONT_PARALLELIZE -pthread -MMD -MP
# Every core source but those of the reports, the window's extras and training with its data, which
# the target never calls (and which would need zlib).
FUZZ_CORE_SRCS := $(filter-out core/compute/allocator.cpp core/io/atomic_file.cpp core/compare.cpp \
                    core/init/inspector.cpp core/io/report.cpp core/io/train_report.cpp \
                    core/data/fashion_mnist.cpp $(wildcard core/train/*.cpp),\
                    $(wildcard core/*.cpp core/*/*.cpp))
FUZZ_CORE_OBJS := $(patsubst core/%.cpp,$(FUZZ_DIR)/obj/core/%.o,$(FUZZ_CORE_SRCS))
FUZZ_SEED_FILES := $(wildcard resources/examples/*.json resources/lessons/*.json)

.PHONY: fuzz fuzz-build fuzz-deps fuzz-dict

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory -j $(FUZZ_JOBS) fuzz-build
	rm -rf $(FUZZ_DIR)/seeds && $(FUZZ_DIR)/fuzz_seeds corpus $(FUZZ_DIR)/seeds $(FUZZ_SEED_FILES)
	mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/artifacts && cp $(FUZZ_DIR)/seeds/* $(FUZZ_DIR)/corpus/
	UBSAN_OPTIONS=print_stacktrace=1 $(FUZZ_DIR)/fuzz_config -max_total_time=$(FUZZ_SECONDS) \
	  -timeout=5 -rss_limit_mb=2048 -detect_leaks=1 -dict=tests/fuzz/config.dict \
	  -artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_ARGS) \
	  $(FUZZ_DIR)/corpus $(wildcard tests/fuzz/regressions tests/fuzz/seeds)

fuzz-build: $(FUZZ_DIR)/fuzz_config $(FUZZ_DIR)/fuzz_seeds

# The packages `make fuzz` needs, installed by the `deps` recipe above when missing.
fuzz-deps:
	@$(MAKE) --no-print-directory deps PACKAGES="$(FUZZ_PACKAGES)"

fuzz-dict: fuzz-deps
	@$(MAKE) --no-print-directory -j $(FUZZ_JOBS) $(FUZZ_DIR)/fuzz_seeds
	$(FUZZ_DIR)/fuzz_seeds dict > tests/fuzz/config.dict

$(FUZZ_DIR)/libcore.a: $(FUZZ_CORE_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_config: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_config.o $(FUZZ_DIR)/libcore.a
	$(FUZZ_CXX) $(FUZZ_SANITIZE) -fsanitize=fuzzer -pthread -o $@ $^

$(FUZZ_DIR)/fuzz_seeds: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_seeds.o $(FUZZ_DIR)/libcore.a
	$(FUZZ_CXX) $(FUZZ_SANITIZE) -fsanitize=fuzzer-no-link -pthread -o $@ $^

$(FUZZ_DIR)/obj/%.o: %.cpp
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_CXXFLAGS) -c -o $@ $<

-include $(wildcard $(FUZZ_DIR)/obj/*/*.d $(FUZZ_DIR)/obj/*/*/*.d)
