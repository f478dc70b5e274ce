# The commands a user needs; each installs missing Debian packages first (scripts/setup-deps).
# make run    build Release and run the headline scenario (SCENARIO=name or file, SEED=n)
# make test   build Release and run every test (ctest)
# make bench  build Release and run the Google Benchmark suites
# make asan   build with AddressSanitizer + UBSan and run every test
JOBS ?= $(shell nproc)
SEED ?= 1
SCENARIO ?= plant_network_under_faults

.PHONY: run test bench asan build deps format clean

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

format:
	@git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	@rm -rf build
