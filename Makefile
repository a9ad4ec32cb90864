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

# The 2,000-delta Responses stream, SDK over the hand-written floor: the
# median of 400 back-to-back pairs, steady on a shared machine.
bench-responses:
	go test ./test/ -run '^$$' -bench ResponsesStreamRatio -benchtime 400x -cpu 1
