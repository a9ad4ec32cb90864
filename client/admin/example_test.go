package admin_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// exampleT stands in for the *testing.T that openaitest.NewServer takes,
// as examples have none: a failure (such as a request the spec does not
// allow, or an ordinary key sent to an admin operation) is printed, so the
// example's output no longer matches.
type exampleT struct{ cleanups []func() }

func (t *exampleT) Helper()                           {}
func (t *exampleT) Cleanup(f func())                  { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (t *exampleT) Fatalf(format string, args ...any) { fmt.Printf("FATAL: "+format+"\n", args...) }

func (t *exampleT) finish() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}

// fakeAdminAPI is a test kit server standing in for the Administration
// API; its Client sends openaitest.AdminKey to admin operations, as
// client.New sends OPENAI_ADMIN_KEY.
func fakeAdminAPI(t *exampleT) *openaitest.Server {
	return openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
}

// Create a project, then a service account in it: the answer carries the
// service account's API key, shown this once.
func ExampleService_CreateProjectServiceAccount() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("createProject").Reply(`{"id":"proj_abc","object":"organization.project","name":"Billing bot","created_at":1772323200,"status":"active"}`)
	srv.On("createProjectServiceAccount").Reply(`{"object":"organization.project.service_account","id":"svc_acct_1","name":"billing-bot","role":"member","created_at":1772323201,
		"api_key":{"object":"organization.project.service_account.api_key","value":"sk-svcacct-secret","name":"Secret Key","created_at":1772323201,"id":"key_1"}}`)
	c := srv.Client() // in your code: client.New(), which reads OPENAI_ADMIN_KEY
	ctx := context.Background()

	svc := admin.New(c)
	project, err := svc.CreateProject(ctx, admin.CreateProjectRequest{Name: "Billing bot"})
	if err != nil {
		log.Fatal(err)
	}
	account, err := svc.CreateProjectServiceAccount(ctx, project.ID, admin.CreateServiceAccountRequest{Name: "billing-bot"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(project.ID, *project.Name)
	fmt.Println(account.ID, account.Role, "key", account.APIKey.ID) // store account.APIKey.Value safely
	// Output:
	// proj_abc Billing bot
	// svc_acct_1 member key key_1
}

// Sum a month of costs by project, exactly, across daily buckets and pages.
func ExampleService_CostRecords() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("getCosts").
		Reply(usagePage(1772323200, "page_2",
			costResult("proj_a", "", "12.10", "usd"), costResult("proj_b", "", "0.015", "usd"))).
		Reply(usagePage(1772409600, "",
			costResult("proj_a", "", "7.90", "usd")))
	c := srv.Client()
	ctx := context.Background()

	march := time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)
	costs := admin.New(c).CostRecords(ctx, &admin.GetCostsParams{
		StartTime: march.Unix(),
		EndTime:   client.Ptr(march.AddDate(0, 1, 0).Unix()),
		GroupBy:   []string{admin.UsageGroupByProjectID},
		Limit:     client.Ptr(31),
	})
	totals, err := admin.SumCosts(costs, admin.ByProject)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range totals {
		fmt.Printf("%s: %s %s\n", t.Key, t.Amount, t.Currency)
	}
	// Output:
	// proj_a: 20 usd
	// proj_b: 0.015 usd
}

// Sum costs by line item (the model and what of it was billed).
func ExampleSumCosts() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("getCosts").Reply(usagePage(1772323200, "",
		costResult("", "gpt-4.1, input", "0.1", "usd"),
		costResult("", "gpt-4.1, input", "0.2", "usd"),
		costResult("", "gpt-4.1, output", "1.25", "usd")))
	c := srv.Client()

	costs := admin.New(c).CostRecords(context.Background(), &admin.GetCostsParams{
		StartTime: 1772323200,
		GroupBy:   []string{admin.UsageGroupByLineItem},
	})
	totals, err := admin.SumCosts(costs, admin.ByLineItem)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range totals {
		fmt.Printf("%s: %s %s (%d results)\n", t.Key, t.Amount, t.Currency, t.Results)
	}
	// Output:
	// gpt-4.1, input: 0.3 usd (2 results)
	// gpt-4.1, output: 1.25 usd (1 results)
}

// Read what one person did in the last week: the audit log filtered by
// actor and time, each event typed by its type.
func ExampleService_AuditLogs() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("listAuditLogs").Reply(`{"object":"list","has_more":false,"last_id":"audit_2","data":[
		{"id":"audit_1","type":"project.created","effective_at":1772400000,"actor":{"type":"session","session":{"user":{"id":"user-abc","email":"ada@example.com"}}},
		 "project.created":{"id":"proj_9","data":{"name":"Research"}}},
		{"id":"audit_2","type":"api_key.created","effective_at":1772300000,"actor":{"type":"session","session":{"user":{"id":"user-abc","email":"ada@example.com"}}},
		 "api_key.created":{"id":"key_3","data":{"scopes":["api.model.read"]}}}]}`)
	c := srv.Client()
	ctx := context.Background()

	now := time.Date(2026, time.March, 3, 12, 0, 0, 0, time.UTC) // in your code: time.Now()
	events := admin.New(c).AuditLogs(ctx, admin.AuditLogQuery{
		ActorEmails: []string{"ada@example.com"},
		From:        now.AddDate(0, 0, -7),
		To:          now,
	})
	for ev, err := range events {
		if err != nil {
			log.Fatal(err)
		}
		switch e := ev.(type) {
		case admin.AuditLogProjectCreated:
			fmt.Println("created project", *e.ProjectCreated.ID, *e.ProjectCreated.Data.Name)
		case admin.AuditLogAPIKeyCreated:
			fmt.Println("created key", *e.APIKeyCreated.ID, e.APIKeyCreated.Data.Scopes)
		default:
			h, _ := admin.AuditLogHeaderOf(ev)
			fmt.Println("other event:", h.Type)
		}
	}
	fmt.Println(srv.LastRequest().Query.Get("effective_at[gte]"), srv.LastRequest().Query["actor_emails[]"])
	// Output:
	// created project proj_9 Research
	// created key key_3 [api.model.read]
	// 1771934400 [ada@example.com]
}

// Print who did what for any event, a type added after this release
// included.
func ExampleAuditLogHeaderOf() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("listAuditLogs").Reply(`{"object":"list","has_more":false,"data":[
		{"id":"audit_1","type":"user.added","effective_at":1772400000,"actor":{"type":"api_key","api_key":{"id":"key_1","type":"user","user":{"id":"user-abc","email":"ada@example.com"}}},"user.added":{"id":"user-xyz","data":{"role":"reader"}}},
		{"id":"audit_2","type":"hologram.projected","effective_at":1772300000}]}`)
	c := srv.Client()

	for ev, err := range admin.New(c).ListAuditLogsAll(context.Background(), nil) {
		if err != nil {
			log.Fatal(err)
		}
		h, err := admin.AuditLogHeaderOf(ev)
		if err != nil {
			log.Fatal(err)
		}
		who := "system"
		if h.Actor != nil && h.Actor.APIKey != nil && h.Actor.APIKey.User != nil {
			who = *h.Actor.APIKey.User.Email
		}
		_, unknown := ev.(admin.UnknownAuditLog)
		fmt.Println(time.Unix(h.EffectiveAt, 0).UTC().Format(time.DateOnly), h.Type, who, unknown)
	}
	// Output:
	// 2026-03-01 user.added ada@example.com false
	// 2026-02-28 hologram.projected system true
}

// Decimal amounts add up exactly.
func ExampleParseDecimal() {
	a, err := admin.ParseDecimal("0.1")
	if err != nil {
		log.Fatal(err)
	}
	b, _ := admin.ParseDecimal("2e-1")
	fa, fb := 0.1, 0.2
	fmt.Println(a.Add(b), "where float64 makes", fa+fb)
	// Output: 0.3 where float64 makes 0.30000000000000004
}

// List every group with access to a project, page by page.
func ExampleService_ListProjectGroupsAll() {
	t := &exampleT{}
	defer t.finish()
	srv := fakeAdminAPI(t)
	srv.On("listProjectGroups").
		Reply(`{"object":"list","has_more":true,"next":"group_b","data":[` + projectGroup("group_a") + `,` + projectGroup("group_b") + `]}`).
		Reply(`{"object":"list","has_more":false,"next":null,"data":[` + projectGroup("group_c") + `]}`)
	c := srv.Client()

	for g, err := range admin.New(c).ListProjectGroupsAll(context.Background(), "proj_1", nil) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(g.GroupID, g.GroupName)
	}
	// Output:
	// group_a Team group_a
	// group_b Team group_b
	// group_c Team group_c
}

// usageExample scripts one page of one usage endpoint.
func usageExample(t *exampleT, op string, results ...string) *client.Client {
	srv := fakeAdminAPI(t)
	srv.On(op).Reply(usagePage(1772323200, "", results...))
	return srv.Client()
}

// Token usage of completions by model, day by day.
func ExampleService_CompletionsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getCompletionsUsage",
		`{"object":"organization.usage.completions.result","model":"gpt-4.1","input_tokens":1200,"output_tokens":300,"input_cached_tokens":1000,"num_model_requests":4}`)
	for rec, err := range admin.New(c).CompletionsUsageRecords(context.Background(), &admin.GetCompletionsUsageParams{
		StartTime: 1772323200, GroupBy: []string{admin.UsageGroupByModel}}) {
		if err != nil {
			log.Fatal(err)
		}
		u := rec.Result
		fmt.Println(time.Unix(rec.StartTime, 0).UTC().Format(time.DateOnly), *u.Model, u.InputTokens, *u.InputCachedTokens, u.OutputTokens)
	}
	// Output: 2026-03-01 gpt-4.1 1200 1000 300
}

func ExampleService_EmbeddingsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getEmbeddingsUsage", `{"object":"organization.usage.embeddings.result","input_tokens":5000,"num_model_requests":2}`)
	for rec, err := range admin.New(c).EmbeddingsUsageRecords(context.Background(), &admin.GetEmbeddingsUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.InputTokens, rec.Result.NumModelRequests)
	}
	// Output: 5000 2
}

func ExampleService_ModerationsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getModerationsUsage", `{"object":"organization.usage.moderations.result","input_tokens":80,"num_model_requests":8}`)
	for rec, err := range admin.New(c).ModerationsUsageRecords(context.Background(), &admin.GetModerationsUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.InputTokens, rec.Result.NumModelRequests)
	}
	// Output: 80 8
}

func ExampleService_ImagesUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getImagesUsage", `{"object":"organization.usage.images.result","images":6,"num_model_requests":3,"size":"1024x1024"}`)
	for rec, err := range admin.New(c).ImagesUsageRecords(context.Background(), &admin.GetImagesUsageParams{
		StartTime: 1772323200, GroupBy: []string{admin.UsageGroupBySize}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.Images, *rec.Result.Size)
	}
	// Output: 6 1024x1024
}

func ExampleService_AudioSpeechesUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getAudioSpeechesUsage", `{"object":"organization.usage.audio_speeches.result","characters":1500,"num_model_requests":3}`)
	for rec, err := range admin.New(c).AudioSpeechesUsageRecords(context.Background(), &admin.GetAudioSpeechesUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.Characters, "characters")
	}
	// Output: 1500 characters
}

func ExampleService_AudioTranscriptionsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getAudioTranscriptionsUsage", `{"object":"organization.usage.audio_transcriptions.result","seconds":95,"num_model_requests":2}`)
	for rec, err := range admin.New(c).AudioTranscriptionsUsageRecords(context.Background(), &admin.GetAudioTranscriptionsUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(time.Duration(rec.Result.Seconds) * time.Second)
	}
	// Output: 1m35s
}

func ExampleService_VectorStoresUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getVectorStoresUsage", `{"object":"organization.usage.vector_stores.result","usage_bytes":2097152}`)
	for rec, err := range admin.New(c).VectorStoresUsageRecords(context.Background(), &admin.GetVectorStoresUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.UsageBytes>>20, "MiB")
	}
	// Output: 2 MiB
}

func ExampleService_CodeInterpreterSessionsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getCodeInterpreterSessionsUsage", `{"object":"organization.usage.code_interpreter_sessions.result","num_sessions":7}`)
	for rec, err := range admin.New(c).CodeInterpreterSessionsUsageRecords(context.Background(), &admin.GetCodeInterpreterSessionsUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.NumSessions, "sessions")
	}
	// Output: 7 sessions
}

func ExampleService_FileSearchCallsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getFileSearchCallsUsage", `{"object":"organization.usage.file_searches.result","num_requests":12,"vector_store_id":"vs_1"}`)
	for rec, err := range admin.New(c).FileSearchCallsUsageRecords(context.Background(), &admin.GetFileSearchCallsUsageParams{
		StartTime: 1772323200, GroupBy: []string{admin.UsageGroupByVectorStoreID}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*rec.Result.VectorStoreID, rec.Result.NumRequests)
	}
	// Output: vs_1 12
}

func ExampleService_WebSearchCallsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getWebSearchCallsUsage", `{"object":"organization.usage.web_searches.result","num_requests":9,"num_model_requests":3,"context_level":"high"}`)
	for rec, err := range admin.New(c).WebSearchCallsUsageRecords(context.Background(), &admin.GetWebSearchCallsUsageParams{
		StartTime: 1772323200, GroupBy: []string{admin.UsageGroupByContextLevel}}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(*rec.Result.ContextLevel, rec.Result.NumRequests)
	}
	// Output: high 9
}

func ExampleService_DecisionsUsageRecords() {
	t := &exampleT{}
	defer t.finish()
	c := usageExample(t, "getDecisionsUsage", `{"object":"organization.usage.decisions.result","input_tokens":400,"output_tokens":20,"num_model_requests":2}`)
	for rec, err := range admin.New(c).DecisionsUsageRecords(context.Background(), &admin.GetDecisionsUsageParams{StartTime: 1772323200}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(rec.Result.InputTokens, rec.Result.OutputTokens)
	}
	// Output: 400 20
}
