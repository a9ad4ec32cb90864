package admin_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func projectGroup(id string) string {
	return fmt.Sprintf(`{"object":"project.group","project_id":"proj_1","group_id":%q,"group_name":"Team %s","group_type":"group","created_at":1}`, id, id)
}

// The groups of a project page by the answer's next cursor, sent back as
// after, and the caller's params go with every page.
func TestListProjectGroupsAll(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listProjectGroups").
		Reply(`{"object":"list","data":[` + projectGroup("g1") + `,` + projectGroup("g2") + `],"has_more":true,"next":"cursor_2"}`).
		Reply(`{"object":"list","data":[` + projectGroup("g3") + `],"has_more":true,"next":null}`).
		Reply(`{"object":"list","data":[` + projectGroup("g4") + `],"has_more":false,"next":null}`)
	var got []string
	for g, err := range admin.New(srv.Client()).ListProjectGroupsAll(context.Background(), "proj_1", &admin.ListProjectGroupsParams{Limit: client.Ptr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g.GroupID)
	}
	if fmt.Sprint(got) != "[g1 g2 g3 g4]" {
		t.Errorf("groups %v", got)
	}
	var afters []string
	for _, r := range srv.Requests() {
		afters = append(afters, r.Query.Get("after"))
		if r.Query.Get("limit") != "2" || r.Path != "/v1/organization/projects/proj_1/groups" {
			t.Errorf("request %s %v", r.Path, r.Query)
		}
	}
	// Without a next, the last group's id is the cursor.
	if fmt.Sprint(afters) != "[ cursor_2 g3]" {
		t.Errorf("after cursors %v", afters)
	}
}

// A server that repeats its cursor ends the iteration with an error.
func TestListProjectGroupsAllStuck(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("listProjectGroups").Reply(`{"object":"list","data":[` + projectGroup("g1") + `],"has_more":true,"next":"same"}`)
	var last error
	n := 0
	for _, err := range admin.New(srv.Client()).ListProjectGroupsAll(context.Background(), "proj_1", nil) {
		last = err
		n++
	}
	if !errors.Is(last, client.ErrStuckPagination) || n != 3 {
		t.Errorf("%d items then %v, want 2 groups then ErrStuckPagination", n, last)
	}
}
