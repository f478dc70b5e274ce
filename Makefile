# The commands a user needs; each installs missing Debian packages first (scripts/setup-deps).
# make run    build Release and run the headline scenario (SCENARIO=name or file, SEED=n)
# make test   build Release and run every test (ctest)
# make bench  build Release and run the Google Benchmark suites
# make asan   build with AddressSanitizer + UBSan and run every test
# make fuzz   build the libFuzzer targets (clang) and run each for FUZZ_SECONDS (default 600)
JOBS ?= $(shell nproc)
SEED ?= 1
SCENARIO ?= plant_network_under_faults
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= ingest_frame vendor_kv scenario_loader

.PHONY: run test bench asan fuzz build deps format clean

deps:
	@bash scripts/setup-deps

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
	@mkdir -p build/report
	@./build/release/scenarios/mwsim run $(SCENARIO) --seed $(SEED) --report build/report/$(notdir $(basename $(SCENARIO))).html

test: build
	@cd build/release && ctest --output-on-failure -j $(JOBS)

bench: build
	@./build/release/bench/mwsim_bench --benchmark_counters_tabular=true

asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@cd build/asan && ctest --output-on-failure -j $(JOBS)

# Each target fuzzes from its seed corpus (tests/fuzz/corpus/NAME, read only) into a working
# corpus under build/fuzz/corpus/NAME; a crash lands in build/fuzz/findings/NAME/ and stops
# the target with its input. Add a crash's input to tests/fuzz/corpus/NAME once fixed: ctest
# replays it from then on (fuzz_corpus.NAME).
fuzz:
	@bash scripts/setup-deps fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus/$$t build/fuzz/findings/$$t && \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s" && \
	  build/fuzz/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/findings/$$t/ build/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
	    2>&1 | grep -E '^(#[0-9]+ +DONE|stat::|==[0-9]+==|SUMMARY|artifact_prefix)' || exit 1; \
	  test -z "$$(ls build/fuzz/findings/$$t)" || { echo "fuzz_$$t found a crash"; exit 1; }; \
	done

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	@rm -rf build
