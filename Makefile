.PHONY: generate validate test lint bench bench-responses check-generated

generate:
	go generate ./...

validate:
	go test ./test/ -run TestSpec -count=1

test:
	go test -race -count=1 ./...

STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

lint:
	gofmt -l . | (! grep .)
	go vet ./...
	go run $(STATICCHECK) ./...

check-generated: generate
	git diff --exit-code
	test -z "$$(git status --porcelain)"

# The benchmarks of test/ (Responses stream vs a hand-written net/http +
# encoding/json floor, 11 MB request vs plain structs), 8 rounds for benchstat.
bench:
	go test ./test/ -run '^$$' -bench . -benchmem -count 8

# Client CPU of the 2,000-delta Responses stream, SDK over floor: the
# process CPU time of 15 back-to-back pairs of runs, whose median ratio is
# steadier than wall time on a shared machine.
bench-responses:
	go test -c -o $${TMPDIR:-/tmp}/openai-test.bench ./test/
	cd test && for i in $$(seq 15); do for impl in floor sdk; do \
	  /usr/bin/time -f "%U %S" $${TMPDIR:-/tmp}/openai-test.bench -test.run '^$$' \
	    -test.bench "ResponsesStream/impl=$$impl" -test.benchtime 150x -test.cpu 1 2>&1 >/dev/null | tail -1; \
	done; done | awk '{cpu = $$1 + $$2} NR % 2 {floor = cpu; next} {print cpu / floor}' | sort -n | \
	  awk '{r[NR] = $$1} END {printf "client CPU, sdk/floor: median %.2fx (min %.2fx, max %.2fx, %d pairs)\n", r[int((NR+1)/2)], r[1], r[NR], NR}'
