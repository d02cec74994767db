# dcls-delays: make reproduce | test | bench | status | deps | clean
PIPELINE ?= fsdd
SWIFT ?= swift
# Release builds for everything that computes; debug builds keep bounds checks for the tests.
RELEASE = $(SWIFT) build -c release --product dcls-delays
TOOL = .build/release/dcls-delays
DEBIAN_PACKAGES = libarchive-dev libhdf5-dev libopenblas-dev libfftw3-dev libssl-dev \
	libgnuplot-iostream-dev libboost-iostreams-dev libboost-filesystem-dev libboost-system-dev \
	gnuplot-nox pkg-config

.PHONY: all build reproduce status test bench deps clean

all: build

build:
	$(RELEASE)

reproduce: build
	$(TOOL) reproduce pipelines/$(PIPELINE).json

status: build
	$(TOOL) status pipelines/$(PIPELINE).json

test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-swift-testing

bench: build
	$(TOOL) bench

deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: installing $$missing"; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi; \
	$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing

clean:
	rm -rf .build
	@echo "clean: removed .build. results/ and the dataset cache (~/.cache/dcls-delays) are kept; delete them by hand if you mean to."
