# MergeServer — the two commands: `make run` and `make test`.
# Both install missing Debian packages first (scripts/install-deps.sh, idempotent).

.PHONY: run run-cluster stop-cluster demo test fuzz services-smoke format deps build release fixtures bench clean

# The server, with its data under ./outputs (see README: Configuration).
run: release
	.build/release/merge-server serve

# A cluster on loopback under ./outputs/cluster: PostgreSQL, SeaweedFS (S3), one API node
# and two workers (scripts/cluster.sh); prints how to use it. `make stop-cluster` stops it.
run-cluster: release
	scripts/cluster.sh start

stop-cluster:
	scripts/cluster.sh stop

# A video rendered from mock clips on the command line, without the server.
demo: release
	@scripts/demo.sh

test: deps
	swift build --build-tests
	scripts/run-tests.sh

# Schemathesis against the live API's own spec (CI runs it after `make test`).
fuzz: deps
	swift build
	scripts/schemathesis.sh

# The scale-out tests' services (PostgreSQL, SeaweedFS's S3 gateway) started in a temp
# directory, proved with psql and curl --aws-sigv4, and stopped (scripts/services-smoke.sh).
services-smoke: deps
	scripts/services-smoke.sh

# The code's layout (.swift-format: 150 columns, 4 spaces), applied in place.
format:
	swift format -i -r --configuration .swift-format Sources Tests bench/HelloServer

deps:
	@scripts/install-deps.sh

build: deps
	swift build

release: deps
	swift build -c release

# Regenerate the committed test media (uses merge-server mock and, for metadata tricks, ffmpeg).
fixtures: release
	fixtures/make-fixtures.sh

bench: release
	bench/mock.sh
	bench/merge.sh
	bench/beats.sh
	bench/api.sh
	bench/queue.sh
	bench/chunks.sh

clean:
	rm -rf .build
