# cellulab — the two set-up commands are `make demo` and `make test`.
# Each installs the Debian packages it needs (apt-get), builds, then runs.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Build: compiler, CMake, cmocka, JSON, XML and HDF5 readers, MPI (optional: mpirun -n K cellulab run).
# Tests also need NEURON 8.2 as the reference.
BUILD_DEPS := gcc make cmake pkg-config libcmocka-dev librandom123-dev libjansson-dev libxml2-dev libhdf5-dev \
              libopenmpi-dev openmpi-bin
TEST_DEPS  := neuron neuron-dev python3-neuron python3-numpy python3-h5py

.PHONY: all deps deps-test build demo test check-sanitize fuzz bench clean

all: build

deps:
	@./tools/apt-ensure.sh $(BUILD_DEPS)

deps-test:
	@./tools/apt-ensure.sh $(BUILD_DEPS) $(TEST_DEPS)

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/cellulab demo --csv $(BUILD)/demo.csv --svg $(BUILD)/demo.svg
	@echo "The plot is $(BUILD)/demo.svg (open it in a web browser); the trace is $(BUILD)/demo.csv."

test: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs this too).
check-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCELLULAB_SANITIZE=ON -DCELLULAB_ORACLE=OFF
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -L unit -j $(JOBS)

# Fuzz every file reader for FUZZ_SECONDS each (libFuzzer, clang; not part of
# make test). Crashes leave a crash-* file in $(FUZZ_BUILD)/corpus-NAME/.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz: deps
	@./tools/apt-ensure.sh clang
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCELLULAB_FUZZ=ON -DCELLULAB_ORACLE=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./tools/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# Benchmarks (not tests): three models in NEURON 8.2 and in cellulab in one
# run, printed as a table and written to bench/results.json (bench/README.md).
# QUICK=1: small sizes, about a minute; REPEAT=N: runs per side (default 3).
bench: deps-test build
	/usr/bin/python3 bench/bench.py --build $(BUILD) $(if $(QUICK),--quick) $(if $(REPEAT),--repeat $(REPEAT))

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
