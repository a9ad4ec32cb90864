.PHONY: generate validate test lint bench check-generated

generate:
	go generate ./...

validate:
	go test ./test/ -run TestSpec -count=1

test:
	go test -race -count=1 ./...

lint:
	gofmt -l . | (! grep .)
	go vet ./...

check-generated: generate
	git diff --exit-code
	test -z "$$(git status --porcelain)"
