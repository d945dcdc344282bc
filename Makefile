# The two commands of the README: `make demo` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin
DEMO_DIR ?= $(HOME)/.tally/demo

.PHONY: demo test setup release bench-storage

setup:
	@scripts/setup.sh

release: setup
	swift build -c release --product tally

# Installs what is missing, builds Tally, generates the demo store on first use and opens it.
demo: release
	.build/release/tally demo --data $(DEMO_DIR)

# Runs the whole test suite.
test: setup
	swift test --no-parallel

bench-storage: release
	benchmarks/storage.sh
