.PHONY: check generate validate test test-norace test-go-next examples lint api api-check budget bench bench-short bench-lean bench-micro bench-responses fuzz soak check-generated

# check is everything CI runs (.ci/run calls it): the generated code and
# the API snapshot are up to date, lint, spec validation, the tests, the
# example programs, fuzzing, the build budget and the benchmark's
# correctness gate.
check: check-generated lint validate api-check test examples fuzz budget bench-short
	@test -z "$$(git status --porcelain)" || { git status --porcelain; echo "check left files behind (a fuzz crasher in testdata/fuzz?)"; exit 1; }

generate:
	go generate ./...

validate:
	go test ./test/ -run TestSpec -count=1

# The tests with the race detector (needs cgo and a C compiler).
test:
	go test -race -count=1 ./...

# The tests without the race detector, for machines without a C compiler.
test-norace:
	go test -count=1 ./...

# The tests on the other supported Go release (CHANGELOG, Compatibility):
# the go command fetches that toolchain through the module proxy once.
# -short and no -race keep CI within its time: make test covers those
# with the go on PATH.
GO_NEXT ?= go1.27.4
test-go-next:
	GOTOOLCHAIN=$(GO_NEXT) go version
	GOTOOLCHAIN=$(GO_NEXT) go test -short -count=1 ./...

# The public API snapshot (api/*.txt, go doc -all of each public package):
# write it after an intended change; api-check fails on any difference.
api:
	go run ./internal/cmd/apisnap

api-check:
	go run ./internal/cmd/apisnap -check

# The build budget: one-call chat and Responses programs against a bare
# net/http one (binary size, SDK compile CPU and memory, no method-keeping
# symbols). budget-full also times fully cold builds.
budget:
	go run ./internal/cmd/budget

budget-full:
	go run ./internal/cmd/budget -full

# Every program in examples/: against the openaitest fake server when
# OPENAI_API_KEY is unset, against the API when it is set.
EXAMPLES = $(patsubst %/main.go,%,$(wildcard examples/*/main.go))
examples:
	@set -e; for e in $(EXAMPLES); do echo "== $$e"; go run ./$$e; echo; done

# staticcheck is pinned by the tool line of go.mod. unionptr reports a
# type switch case *X on a union, which never matches (decoding yields
# values).
lint:
	gofmt -l . | (! grep .)
	go vet ./...
	go tool staticcheck ./...
	go run ./internal/cmd/unionptr ./...

check-generated: generate
	git diff --exit-code
	test -z "$$(git status --porcelain)"

# The side-by-side benchmark (bench/, its own module): ours, openai-go,
# go-openai and a hand-written net/http floor against one server process;
# prints one table of ratios to the floor (about 3 minutes). Samples go to
# bench/results/latest.txt for benchstat -col /client.
bench:
	cd bench && go run ./cmd/bench

# The chat and stream workloads against the floor that decodes only the
# text (bench/README.md, "Honest floors").
bench-lean:
	cd bench && go run ./cmd/bench -base floor-lean -clients floor-lean,ours -only chat,chatstream,responses

# The correctness gate of bench/ with small sizes (CI).
bench-short:
	cd bench && go vet ./... && go run ./cmd/bench -short

# The micro-benchmarks of test/ (Responses stream vs a hand-written floor,
# 11 MB request vs plain structs), 8 rounds for benchstat.
bench-micro:
	go test ./test/ -run '^$$' -bench . -benchmem -count 8

# The 2,000-delta Responses stream, SDK over the hand-written floor: the
# median of 400 back-to-back pairs, steady on a shared machine.
bench-responses:
	go test ./test/ -run '^$$' -bench ResponsesStreamRatio -benchtime 400x -cpu 1

# Each fuzz target for its own number of executions (about 5 s on a busy
# 2-vCPU machine; go test -fuzz takes one target at a time). Counts, not
# durations: Go 1.26's fuzz coordinator can fail a target with "context
# deadline exceeded" when a duration runs out (go.dev/issue/75804, fixed in
# Go 1.27); a count has no deadline. FUZZTIME=10m (any -fuzztime value)
# runs every target for that instead.
FUZZTIME ?=
FUZZ_TARGETS = streaming:FuzzDecoder:30000x streaming:FuzzStream:1000x \
	internal/unionrt:FuzzUnions:15000x internal/unionrt:FuzzUnionDiscriminator:90000x \
	internal/unionrt:FuzzUnionDecodeSlice:120000x gen/embeddings:FuzzVector:200000x \
	gen/chat:FuzzDirectDecode:200000x gen/responses:FuzzDirectDecode:150000x \
	client:FuzzAPIError:40000x client:FuzzErrorResponse:600x client:FuzzErrorPayload:80000x \
	internal/gen/unions/internal/fixture:FuzzDecode:90000x \
	internal/unionrt:FuzzCodecs:400x internal/unionrt:FuzzDecoderString:60000x \
	internal/unionrt:FuzzDecoderNumber:60000x internal/unionrt:FuzzDecoderSkip:40000x \
	internal/unionrt:FuzzEncoder:60000x internal/unionrt:FuzzTypeErrors:60000x
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; count=$${rest#*:}; \
	  echo "fuzz $$pkg $$name"; \
	  go test ./$$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(or $(FUZZTIME),$$count) -fuzzminimizetime 5s; \
	done

# 100,000 sequential calls and 10,000 streams through one client; heap and
# goroutines must come back to where they started. OPENAI_SOAK_CALLS and
# OPENAI_SOAK_STREAMS override the counts.
soak:
	OPENAI_SOAK=1 go test -race -count=1 -run '^TestSoak$$' -timeout 30m -v ./test/
