package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/admin"
	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0", "0"}, {"12", "12"}, {"-7", "-7"}, {"0.06", "0.06"}, {"0.10", "0.1"},
		{"1.5e-7", "0.00000015"}, {"1.5E+3", "1500"}, {"25e2", "2500"}, {"-0.0042", "-0.0042"},
		{"123456789012345678901234567890.000000000000000001", "123456789012345678901234567890.000000000000000001"},
		{"-0", "0"}, {"0e5", "0"},
	} {
		d, err := admin.ParseDecimal(c.in)
		if err != nil || d.String() != c.want {
			t.Errorf("ParseDecimal(%q) = %v, %v, want %s", c.in, d, err, c.want)
		}
	}
	for _, bad := range []string{"", "-", ".5", "5.", "1e", "e5", "1.2.3", "0x10", "1e999999999", "NaN", " 1", "+1", "1_000"} {
		if d, err := admin.ParseDecimal(bad); err == nil {
			t.Errorf("ParseDecimal(%q) = %v, want an error", bad, d)
		}
	}
}

// Sums are exact where float64 is not: 0.1 + 0.2 is 0.3, and a million
// cents are 10000.
func TestDecimalArithmetic(t *testing.T) {
	mustParse := func(s string) admin.Decimal {
		d, err := admin.ParseDecimal(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if got := mustParse("0.1").Add(mustParse("0.2")); got.String() != "0.3" || got.Cmp(mustParse("0.3")) != 0 {
		t.Errorf("0.1 + 0.2 = %s", got)
	}
	var sum admin.Decimal
	cent := mustParse("0.01")
	for range 1_000_000 {
		sum = sum.Add(cent)
	}
	if sum.String() != "10000" {
		t.Errorf("a million cents = %s", sum)
	}
	if c := mustParse("1.10").Cmp(mustParse("1.1")); c != 0 {
		t.Errorf("1.10 vs 1.1: %d", c)
	}
	if c := mustParse("-2").Cmp(mustParse("1e-9")); c != -1 {
		t.Errorf("-2 vs 1e-9: %d", c)
	}
	var zero admin.Decimal
	if !zero.IsZero() || zero.String() != "0" || zero.Rat().Sign() != 0 {
		t.Errorf("the zero value is %s", zero)
	}
	if r := mustParse("2.5e-1").Rat(); r.Cmp(big.NewRat(1, 4)) != 0 {
		t.Errorf("Rat = %s", r)
	}

	data, err := json.Marshal(map[string]admin.Decimal{"total": mustParse("0.30")})
	if err != nil || string(data) != `{"total":0.3}` {
		t.Errorf("marshal = %s, %v", data, err)
	}
	var back struct{ A, B admin.Decimal }
	if err := json.Unmarshal([]byte(`{"A":12.50,"B":"0.000001"}`), &back); err != nil || back.A.String() != "12.5" || back.B.String() != "0.000001" {
		t.Errorf("unmarshal = %v %v, %v", back.A, back.B, err)
	}
	if err := json.Unmarshal([]byte(`{"A":true}`), &back); err == nil {
		t.Error("unmarshal of true: no error")
	}
}

// costResult is a cost result as the API sends it.
func costResult(project, lineItem, value, currency string) string {
	return fmt.Sprintf(`{"object":"organization.costs.result","amount":{"value":%s,"currency":%q},"project_id":%q,"line_item":%q}`, value, currency, project, lineItem)
}

// A month of costs, over pages, summed by project and by line item:
// exactly, even where float64 would drift, and apart per currency.
func TestSumCosts(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	page1 := usagePage(jan1, "p2",
		costResult("proj_a", "gpt-4o, input", "0.1", "usd"),
		costResult("proj_b", "gpt-4o, input", "0.2", "usd"),
		costResult("proj_a", "gpt-4o, output", "0.2", "usd"))
	page2 := usagePage(jan1+86400, "",
		costResult("proj_a", "gpt-4o, input", "0.0000001", "usd"),
		costResult("proj_b", "embeddings", "1e-2", "usd"),
		costResult("proj_b", "embeddings", "3", "eur"),
		`{"object":"organization.costs.result"}`)
	route := srv.On("getCosts")
	for range 3 { // three sums below, each reading both pages
		route.Reply(page1).Reply(page2)
	}
	svc := admin.New(srv.Client())
	ctx := context.Background()
	params := &admin.GetCostsParams{StartTime: jan1, EndTime: client.Ptr(jan1 + 31*86400), GroupBy: []string{admin.UsageGroupByProjectID, admin.UsageGroupByLineItem}}

	show := func(totals []admin.CostTotal) string {
		var b strings.Builder
		for _, t := range totals {
			fmt.Fprintf(&b, "%q %s %s (%d)\n", t.Key, t.Amount, t.Currency, t.Results)
		}
		return b.String()
	}
	byProject, err := admin.SumCosts(svc.CostRecords(ctx, params), admin.ByProject)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := show(byProject), `"" 0  (1)
"proj_a" 0.3000001 usd (3)
"proj_b" 3 eur (1)
"proj_b" 0.21 usd (2)
`; got != want {
		t.Errorf("by project:\n%swant\n%s", got, want)
	}
	byLine, err := admin.SumCosts(svc.CostRecords(ctx, params), admin.ByLineItem)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := show(byLine), `"" 0  (1)
"embeddings" 3 eur (1)
"embeddings" 0.01 usd (1)
"gpt-4o, input" 0.3000001 usd (3)
"gpt-4o, output" 0.2 usd (1)
`; got != want {
		t.Errorf("by line item:\n%swant\n%s", got, want)
	}
	all, err := admin.SumCosts(svc.CostRecords(ctx, params), nil)
	if err != nil || len(all) != 3 {
		t.Errorf("all: %v, %v", all, err)
	}
	if q := srv.LastRequest().Query; strings.Join(q["group_by"], ",") != "project_id,line_item" || q.Get("end_time") != "1769904000" {
		t.Errorf("query %v", q)
	}
}

// SumCosts returns the iteration's error, and refuses an amount that is
// not a number.
func TestSumCostsErrors(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	srv.On("getCosts").Error(500, "boom")
	_, err := admin.SumCosts(admin.New(srv.Client()).CostRecords(context.Background(), &admin.GetCostsParams{StartTime: jan1}), admin.ByProject)
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("server error: %v", err)
	}

	bad := func(yield func(admin.UsageRecord[admin.CostResult], error) bool) {
		var r admin.CostResult
		if err := json.Unmarshal([]byte(`{"object":"organization.costs.result","amount":{"value":1e999999999,"currency":"usd"}}`), &r); err != nil {
			t.Fatal(err)
		}
		yield(admin.UsageRecord[admin.CostResult]{Result: r}, nil)
	}
	if _, err := admin.SumCosts(bad, nil); err == nil {
		t.Error("an amount out of range: no error")
	}
	stop := errors.New("stop")
	failing := func(yield func(admin.UsageRecord[admin.CostResult], error) bool) {
		yield(admin.UsageRecord[admin.CostResult]{}, stop)
	}
	if _, err := admin.SumCosts(failing, nil); !errors.Is(err, stop) {
		t.Errorf("iteration error: %v", err)
	}
}
