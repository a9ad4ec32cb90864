package admin

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/oapi-openai/openai/client"
)

// UsageRecord is one result of a usage or costs query together with the
// time bucket it belongs to: the usage (or the cost) of one group, one
// combination of the query's group_by fields, during the bucket.
type UsageRecord[T any] struct {
	// StartTime and EndTime bound the bucket, in Unix seconds; the end is
	// exclusive.
	StartTime, EndTime int64
	// Result is the group's usage or cost in the bucket.
	Result T
}

// ErrUnexpectedResult is returned, wrapped, by a usage or costs iterator
// when a bucket holds a result of another kind than the endpoint's, such
// as a kind added to the API after this release (an UnknownUsageResult):
// the iterator stops rather than skip usage silently. Read such buckets
// with the page methods (GetCompletionsUsage...), whose results keep every
// kind.
var ErrUnexpectedResult = errors.New("openai: unexpected kind of usage result")

// usagePages pages through a usage or costs endpoint: fetch gets the page
// token ("" for the first page) and returns the page, whose next_page is
// the next token. Each result of each bucket is yielded as a T; a result
// of another kind ends the iteration with ErrUnexpectedResult.
func usagePages[T UsageResult](op string, fetch func(page string) (*UsagePage, error)) iter.Seq2[UsageRecord[T], error] {
	buckets := client.Paginate(func(page string) ([]UsageBucket, bool, string, error) {
		p, err := fetch(page)
		if err != nil {
			return nil, false, "", err
		}
		next := ""
		if p.NextPage != nil {
			next = *p.NextPage
		}
		return p.Data, p.HasMore, next, nil
	})
	return func(yield func(UsageRecord[T], error) bool) {
		for b, err := range buckets {
			if err != nil {
				yield(UsageRecord[T]{}, err)
				return
			}
			for _, r := range b.Results {
				v, ok := r.(T)
				if !ok {
					var want T
					yield(UsageRecord[T]{}, fmt.Errorf("%w: %s answered a %s result in the bucket starting at %d, not %T", ErrUnexpectedResult, op, resultKind(r), b.StartTime, want))
					return
				}
				if !yield(UsageRecord[T]{StartTime: b.StartTime, EndTime: b.EndTime, Result: v}, nil) {
					return
				}
			}
		}
	}
}

// resultKind names the kind of a usage result for an error message.
func resultKind(r UsageResult) string {
	if u, ok := r.(UnknownUsageResult); ok {
		return fmt.Sprintf("%q", u.Type)
	}
	return fmt.Sprintf("%T", r)
}

// failed is an iterator that yields err and stops.
func failed[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

// firstPage returns the page token to fetch: the caller's own for the
// first page (page == ""), the previous page's next_page after that.
func firstPage(page string, own *string) *string {
	if page == "" {
		return own
	}
	return &page
}

// CompletionsUsageRecords iterates over the completions usage of the time
// range of params (StartTime, EndTime), result by result, bucket by bucket
// and page by page: it fetches the next page (params.Page set to the
// previous next_page) as the loop goes on, passing ctx to each request.
// params must have a StartTime.
func (s *Service) CompletionsUsageRecords(ctx context.Context, params *GetCompletionsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageCompletions], error] {
	const op = "getCompletionsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageCompletions]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageCompletions](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetCompletionsUsage(ctx, &p, opts...)
	})
}

// EmbeddingsUsageRecords iterates over the embeddings usage of the time
// range of params, across buckets and pages, like CompletionsUsageRecords.
func (s *Service) EmbeddingsUsageRecords(ctx context.Context, params *GetEmbeddingsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageEmbeddings], error] {
	const op = "getEmbeddingsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageEmbeddings]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageEmbeddings](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetEmbeddingsUsage(ctx, &p, opts...)
	})
}

// ModerationsUsageRecords iterates over the moderations usage of the time
// range of params, across buckets and pages, like CompletionsUsageRecords.
func (s *Service) ModerationsUsageRecords(ctx context.Context, params *GetModerationsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageModerations], error] {
	const op = "getModerationsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageModerations]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageModerations](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetModerationsUsage(ctx, &p, opts...)
	})
}

// ImagesUsageRecords iterates over the images usage of the time range of
// params, across buckets and pages, like CompletionsUsageRecords.
func (s *Service) ImagesUsageRecords(ctx context.Context, params *GetImagesUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageImages], error] {
	const op = "getImagesUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageImages]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageImages](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetImagesUsage(ctx, &p, opts...)
	})
}

// AudioSpeechesUsageRecords iterates over the text-to-speech usage of the
// time range of params, across buckets and pages, like
// CompletionsUsageRecords.
func (s *Service) AudioSpeechesUsageRecords(ctx context.Context, params *GetAudioSpeechesUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageAudioSpeeches], error] {
	const op = "getAudioSpeechesUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageAudioSpeeches]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageAudioSpeeches](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetAudioSpeechesUsage(ctx, &p, opts...)
	})
}

// AudioTranscriptionsUsageRecords iterates over the transcription usage of
// the time range of params, across buckets and pages, like
// CompletionsUsageRecords.
func (s *Service) AudioTranscriptionsUsageRecords(ctx context.Context, params *GetAudioTranscriptionsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageAudioTranscriptions], error] {
	const op = "getAudioTranscriptionsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageAudioTranscriptions]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageAudioTranscriptions](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetAudioTranscriptionsUsage(ctx, &p, opts...)
	})
}

// VectorStoresUsageRecords iterates over the vector store storage of the
// time range of params, across buckets and pages, like
// CompletionsUsageRecords.
func (s *Service) VectorStoresUsageRecords(ctx context.Context, params *GetVectorStoresUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageVectorStores], error] {
	const op = "getVectorStoresUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageVectorStores]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageVectorStores](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetVectorStoresUsage(ctx, &p, opts...)
	})
}

// CodeInterpreterSessionsUsageRecords iterates over the code interpreter
// sessions of the time range of params, across buckets and pages, like
// CompletionsUsageRecords.
func (s *Service) CodeInterpreterSessionsUsageRecords(ctx context.Context, params *GetCodeInterpreterSessionsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageCodeInterpreterSessions], error] {
	const op = "getCodeInterpreterSessionsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageCodeInterpreterSessions]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageCodeInterpreterSessions](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetCodeInterpreterSessionsUsage(ctx, &p, opts...)
	})
}

// FileSearchCallsUsageRecords iterates over the file search calls of the
// time range of params, across buckets and pages, like
// CompletionsUsageRecords.
func (s *Service) FileSearchCallsUsageRecords(ctx context.Context, params *GetFileSearchCallsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageFileSearchCalls], error] {
	const op = "getFileSearchCallsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageFileSearchCalls]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageFileSearchCalls](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetFileSearchCallsUsage(ctx, &p, opts...)
	})
}

// WebSearchCallsUsageRecords iterates over the web search calls of the time
// range of params, across buckets and pages, like CompletionsUsageRecords.
func (s *Service) WebSearchCallsUsageRecords(ctx context.Context, params *GetWebSearchCallsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageWebSearchCalls], error] {
	const op = "getWebSearchCallsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageWebSearchCalls]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageWebSearchCalls](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetWebSearchCallsUsage(ctx, &p, opts...)
	})
}

// DecisionsUsageRecords iterates over the Decisions API usage of the time
// range of params, across buckets and pages, like CompletionsUsageRecords.
func (s *Service) DecisionsUsageRecords(ctx context.Context, params *GetDecisionsUsageParams, opts ...client.Option) iter.Seq2[UsageRecord[UsageDecisions], error] {
	const op = "getDecisionsUsage"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[UsageDecisions]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[UsageDecisions](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetDecisionsUsage(ctx, &p, opts...)
	})
}

// CostRecords iterates over the costs of the time range of params, result
// by result, daily bucket by bucket and page by page, like
// CompletionsUsageRecords. Add them up exactly with SumCosts.
func (s *Service) CostRecords(ctx context.Context, params *GetCostsParams, opts ...client.Option) iter.Seq2[UsageRecord[CostResult], error] {
	const op = "getCosts"
	if params == nil || params.StartTime == 0 {
		return failed[UsageRecord[CostResult]](client.MissingField(op, "start_time"))
	}
	p := *params
	return usagePages[CostResult](op, func(page string) (*UsagePage, error) {
		p.Page = firstPage(page, params.Page)
		return s.GetCosts(ctx, &p, opts...)
	})
}
