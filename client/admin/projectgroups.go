package admin

import (
	"context"
	"iter"

	"github.com/oapi-openai/openai/client"
)

// ListProjectGroupsAll iterates over every group with access to a project,
// fetching page after page as the loop goes on, with ctx for each request.
// The list pages by a cursor the generated iterators do not read yet (the
// answer's next, sent back as after; the groups have no id), so this one
// is written by hand: it sends after itself and stops with
// client.ErrStuckPagination if the API repeats a cursor.
func (s *Service) ListProjectGroupsAll(ctx context.Context, projectID string, params *ListProjectGroupsParams, opts ...client.Option) iter.Seq2[ProjectGroup, error] {
	return client.Paginate(func(after string) ([]ProjectGroup, bool, string, error) {
		callOpts := opts
		if after != "" {
			callOpts = append(opts[:len(opts):len(opts)], client.WithQuery("after", after))
		}
		page, err := s.ListProjectGroups(ctx, projectID, params, callOpts...)
		if err != nil {
			return nil, false, "", err
		}
		next := ""
		if n := len(page.Data); n > 0 {
			next = page.Data[n-1].GroupID
		}
		if page.Next != nil && *page.Next != "" {
			next = *page.Next
		}
		return page.Data, page.HasMore, next, nil
	})
}
