package admin_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// usagePage is a page of usage with one bucket holding results (JSON
// objects), and the token of the next page ("" for the last one).
func usagePage(start int64, next string, results ...string) string {
	nextJSON := "null"
	if next != "" {
		nextJSON = fmt.Sprintf("%q", next)
	}
	return fmt.Sprintf(`{"object":"page","has_more":%v,"next_page":%s,"data":[{"object":"bucket","start_time":%d,"end_time":%d,"results":[%s]}]}`,
		next != "", nextJSON, start, start+86400, strings.Join(results, ","))
}

// usageKind is one endpoint of usage (or costs): its operation, a result
// of its kind with a group field that tells results apart, and how to
// iterate it and read that field back.
type usageKind struct {
	op      string
	result  func(group string) string
	iterate func(svc *admin.Service) ([]int64, []string, error) // bucket starts, groups
}

// collect runs a typed usage iterator, returning the bucket start and the
// group of each record.
func collect[T any](seq func(yield func(admin.UsageRecord[T], error) bool), group func(T) *string) ([]int64, []string, error) {
	var starts []int64
	var groups []string
	for rec, err := range seq {
		if err != nil {
			return starts, groups, err
		}
		starts = append(starts, rec.StartTime)
		g := group(rec.Result)
		if g == nil {
			groups = append(groups, "<nil>")
			continue
		}
		groups = append(groups, *g)
	}
	return starts, groups, nil
}

const jan1 = int64(1767225600) // 2026-01-01T00:00:00Z

func usageKinds() []usageKind {
	ctx := context.Background()
	obj := func(kind, fields string) func(string) string {
		return func(g string) string {
			return fmt.Sprintf(`{"object":"organization.%s.result",%s,"project_id":%q}`, kind, fields, g)
		}
	}
	proj := func(p *string) *string { return p }
	return []usageKind{
		{"getCompletionsUsage", obj("usage.completions", `"input_tokens":10,"output_tokens":5,"input_cached_tokens":2,"num_model_requests":1,"batch":false,"service_tier":"default"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.CompletionsUsageRecords(ctx, &admin.GetCompletionsUsageParams{StartTime: jan1}), func(r admin.UsageCompletions) *string { return proj(r.ProjectID) })
			}},
		{"getEmbeddingsUsage", obj("usage.embeddings", `"input_tokens":10,"num_model_requests":1`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.EmbeddingsUsageRecords(ctx, &admin.GetEmbeddingsUsageParams{StartTime: jan1}), func(r admin.UsageEmbeddings) *string { return proj(r.ProjectID) })
			}},
		{"getModerationsUsage", obj("usage.moderations", `"input_tokens":10,"num_model_requests":1`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.ModerationsUsageRecords(ctx, &admin.GetModerationsUsageParams{StartTime: jan1}), func(r admin.UsageModerations) *string { return proj(r.ProjectID) })
			}},
		{"getImagesUsage", obj("usage.images", `"images":3,"num_model_requests":1,"source":"image.generation","size":"1024x1024"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.ImagesUsageRecords(ctx, &admin.GetImagesUsageParams{StartTime: jan1}), func(r admin.UsageImages) *string { return proj(r.ProjectID) })
			}},
		{"getAudioSpeechesUsage", obj("usage.audio_speeches", `"characters":300,"num_model_requests":1`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.AudioSpeechesUsageRecords(ctx, &admin.GetAudioSpeechesUsageParams{StartTime: jan1}), func(r admin.UsageAudioSpeeches) *string { return proj(r.ProjectID) })
			}},
		{"getAudioTranscriptionsUsage", obj("usage.audio_transcriptions", `"seconds":42,"num_model_requests":1`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.AudioTranscriptionsUsageRecords(ctx, &admin.GetAudioTranscriptionsUsageParams{StartTime: jan1}), func(r admin.UsageAudioTranscriptions) *string { return proj(r.ProjectID) })
			}},
		{"getVectorStoresUsage", obj("usage.vector_stores", `"usage_bytes":1048576`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.VectorStoresUsageRecords(ctx, &admin.GetVectorStoresUsageParams{StartTime: jan1}), func(r admin.UsageVectorStores) *string { return proj(r.ProjectID) })
			}},
		{"getCodeInterpreterSessionsUsage", obj("usage.code_interpreter_sessions", `"num_sessions":2`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.CodeInterpreterSessionsUsageRecords(ctx, &admin.GetCodeInterpreterSessionsUsageParams{StartTime: jan1}), func(r admin.UsageCodeInterpreterSessions) *string { return proj(r.ProjectID) })
			}},
		{"getFileSearchCallsUsage", obj("usage.file_searches", `"num_requests":4,"vector_store_id":"vs_1"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.FileSearchCallsUsageRecords(ctx, &admin.GetFileSearchCallsUsageParams{StartTime: jan1}), func(r admin.UsageFileSearchCalls) *string { return proj(r.ProjectID) })
			}},
		{"getWebSearchCallsUsage", obj("usage.web_searches", `"num_requests":4,"num_model_requests":4,"context_level":"low"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.WebSearchCallsUsageRecords(ctx, &admin.GetWebSearchCallsUsageParams{StartTime: jan1}), func(r admin.UsageWebSearchCalls) *string { return proj(r.ProjectID) })
			}},
		{"getDecisionsUsage", obj("usage.decisions", `"input_tokens":10,"output_tokens":5,"num_model_requests":1,"api_source":"unlabeled"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.DecisionsUsageRecords(ctx, &admin.GetDecisionsUsageParams{StartTime: jan1}), func(r admin.UsageDecisions) *string { return proj(r.ProjectID) })
			}},
		{"getCosts", obj("costs", `"amount":{"value":0.06,"currency":"usd"},"line_item":"gpt-4o, input_tokens","quantity":1000,"quantity_unit":"tokens"`),
			func(s *admin.Service) ([]int64, []string, error) {
				return collect(s.CostRecords(ctx, &admin.GetCostsParams{StartTime: jan1}), func(r admin.CostResult) *string { return proj(r.ProjectID) })
			}},
	}
}

// Each usage endpoint's iterator yields every result of every bucket,
// typed as its kind, across pages: the next page is asked for with the
// previous page's next_page token, and the last page ends the iteration.
func TestUsageIteratorsPageThroughEveryKind(t *testing.T) {
	for _, k := range usageKinds() {
		t.Run(k.op, func(t *testing.T) {
			t.Parallel()
			srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
			srv.On(k.op).
				Reply(usagePage(jan1, "page_2", k.result("proj_a"), k.result("proj_b"))).
				Reply(usagePage(jan1+86400, "page_3")).
				Reply(usagePage(jan1+2*86400, "", k.result("proj_c")))
			starts, groups, err := k.iterate(admin.New(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			if want := "[1767225600 1767225600 1767398400] [proj_a proj_b proj_c]"; fmt.Sprint(starts, groups) != want {
				t.Errorf("got %v %v, want %s", starts, groups, want)
			}
			reqs := srv.Requests()
			if len(reqs) != 3 {
				t.Fatalf("%d requests, want 3", len(reqs))
			}
			for i, want := range []string{"", "page_2", "page_3"} {
				q := reqs[i].Query
				if got := q.Get("page"); got != want || q.Get("start_time") != "1767225600" {
					t.Errorf("request %d: page %q start_time %q, want page %q", i+1, got, q.Get("start_time"), want)
				}
			}
		})
	}
}

// A bucket decodes each result as the variant of its object, whatever the
// endpoint, and a kind this release does not know as UnknownUsageResult
// with its JSON kept.
func TestUsageResultKinds(t *testing.T) {
	var results []string
	for _, k := range usageKinds() {
		results = append(results, k.result("proj_"+k.op))
	}
	future := `{"object":"organization.usage.teleportation.result","num_jumps":7}`
	results = append(results, future)
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getCompletionsUsage").Reply(usagePage(jan1, "", results...))
	page, err := admin.New(srv.Client()).GetCompletionsUsage(context.Background(), &admin.GetCompletionsUsageParams{StartTime: jan1})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range page.Data[0].Results {
		switch v := r.(type) {
		case admin.UsageCompletions:
			got = append(got, fmt.Sprintf("completions %d/%d cached %d", v.InputTokens, v.OutputTokens, *v.InputCachedTokens))
		case admin.UsageEmbeddings:
			got = append(got, fmt.Sprintf("embeddings %d", v.InputTokens))
		case admin.UsageModerations:
			got = append(got, fmt.Sprintf("moderations %d", v.InputTokens))
		case admin.UsageImages:
			got = append(got, fmt.Sprintf("images %d %s %s", v.Images, *v.Source, *v.Size))
		case admin.UsageAudioSpeeches:
			got = append(got, fmt.Sprintf("speeches %d", v.Characters))
		case admin.UsageAudioTranscriptions:
			got = append(got, fmt.Sprintf("transcriptions %ds", v.Seconds))
		case admin.UsageVectorStores:
			got = append(got, fmt.Sprintf("vector stores %dB", v.UsageBytes))
		case admin.UsageCodeInterpreterSessions:
			got = append(got, fmt.Sprintf("code interpreter %d", v.NumSessions))
		case admin.UsageFileSearchCalls:
			got = append(got, fmt.Sprintf("file search %d in %s", v.NumRequests, *v.VectorStoreID))
		case admin.UsageWebSearchCalls:
			got = append(got, fmt.Sprintf("web search %d %s", v.NumRequests, *v.ContextLevel))
		case admin.UsageDecisions:
			got = append(got, fmt.Sprintf("decisions %d/%d %s", v.InputTokens, v.OutputTokens, *v.APISource))
		case admin.CostResult:
			got = append(got, fmt.Sprintf("costs %s %s for %s %s %s", v.Amount.Value.String(), *v.Amount.Currency, *v.LineItem, v.Quantity.String(), *v.QuantityUnit))
		case admin.UnknownUsageResult:
			got = append(got, fmt.Sprintf("unknown %s %s", v.Type, v.Raw))
		default:
			t.Errorf("%T is not a usage result kind", v)
		}
	}
	want := []string{
		"completions 10/5 cached 2", "embeddings 10", "moderations 10", "images 3 image.generation 1024x1024",
		"speeches 300", "transcriptions 42s", "vector stores 1048576B", "code interpreter 2",
		"file search 4 in vs_1", "web search 4 low", "decisions 10/5 unlabeled",
		"costs 0.06 usd for gpt-4o, input_tokens 1000 tokens",
		"unknown organization.usage.teleportation.result " + future,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A typed iterator stops with ErrUnexpectedResult at a result of another
// kind (a kind added to the API later, say) instead of skipping it.
func TestUsageIteratorRefusesOtherKinds(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getEmbeddingsUsage").Reply(usagePage(jan1, "",
		`{"object":"organization.usage.embeddings.result","input_tokens":1,"num_model_requests":1}`,
		`{"object":"organization.usage.embeddings.v2.result","input_tokens":1}`))
	n := 0
	var last error
	for _, err := range admin.New(srv.Client()).EmbeddingsUsageRecords(context.Background(), &admin.GetEmbeddingsUsageParams{StartTime: jan1}) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 1 || !errors.Is(last, admin.ErrUnexpectedResult) || !strings.Contains(last.Error(), "organization.usage.embeddings.v2.result") {
		t.Errorf("got %d results then %v, want 1 then ErrUnexpectedResult naming the kind", n, last)
	}
}

// Iterators need a time range; a missing start is refused before sending.
func TestUsageIteratorNeedsAStartTime(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	svc := admin.New(srv.Client())
	for _, err := range svc.CostRecords(context.Background(), nil) {
		if !errors.Is(err, client.ErrMissingField) {
			t.Errorf("nil params: %v, want ErrMissingField", err)
		}
	}
	for _, err := range svc.ImagesUsageRecords(context.Background(), &admin.GetImagesUsageParams{}) {
		if !errors.Is(err, client.ErrMissingField) {
			t.Errorf("no start time: %v, want ErrMissingField", err)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// A page token the server repeats ends the iteration with an error rather
// than a loop; breaking out of the loop fetches no further page; the
// caller's params are not modified; a starting page token is honored.
func TestUsageIteratorPagingEdges(t *testing.T) {
	ctx := context.Background()
	one := `{"object":"organization.usage.vector_stores.result","usage_bytes":1}`

	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVectorStoresUsage").Reply(usagePage(jan1, "same", one))
	var last error
	for _, err := range admin.New(srv.Client()).VectorStoresUsageRecords(ctx, &admin.GetVectorStoresUsageParams{StartTime: jan1}) {
		last = err
	}
	if !errors.Is(last, client.ErrStuckPagination) {
		t.Errorf("repeated token: %v, want ErrStuckPagination", last)
	}

	srv = openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getVectorStoresUsage").Reply(usagePage(jan1, "next", one, one))
	params := &admin.GetVectorStoresUsageParams{StartTime: jan1, Page: client.Ptr("resume_here")}
	for _, err := range admin.New(srv.Client()).VectorStoresUsageRecords(ctx, params) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("break after the first result: %d requests, want 1", n)
	}
	if got := srv.LastRequest().Query.Get("page"); got != "resume_here" {
		t.Errorf("first page token %q, want the caller's", got)
	}
	if *params.Page != "resume_here" {
		t.Errorf("params.Page changed to %q", *params.Page)
	}
}
