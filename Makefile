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

# Client CPU of the 2,000-delta Responses stream, SDK over floor, from the
# process CPU time of alternating runs (steadier than wall time on a shared
# machine). Prints the ratio.
bench-responses:
	go test -c -o $${TMPDIR:-/tmp}/openai-test.bench ./test/
	cd test && for i in 1 2 3 4 5 6; do for impl in floor sdk; do \
	  /usr/bin/time -f "$$impl %U %S" $${TMPDIR:-/tmp}/openai-test.bench -test.run '^$$' \
	    -test.bench "ResponsesStream/impl=$$impl" -test.benchtime 300x -test.cpu 1 2>&1 >/dev/null | tail -1; \
	done; done | awk '{t[$$1]+=$$2+$$3} END {printf "client CPU: floor %.2fs, sdk %.2fs, sdk/floor %.2fx\n", t["floor"], t["sdk"], t["sdk"]/t["floor"]}'
