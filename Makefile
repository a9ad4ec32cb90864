.PHONY: generate validate test lint bench check-generated

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
