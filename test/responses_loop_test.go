package test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oapi-openai/openai/client"
	"github.com/oapi-openai/openai/client/responses"
	"github.com/oapi-openai/openai/streaming"
)

// loopResponse renders a Response whose output holds the given items.
func loopResponse(id, status string, items ...string) string {
	return fmt.Sprintf(`{"id":%q,"object":"response","created_at":1741476542,"status":%q,"model":"gpt-4.1","output":[%s],"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15}}`,
		id, status, strings.Join(items, ","))
}

func textMessage(text string) string {
	return fmt.Sprintf(`{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":%q,"annotations":[]}]}`, text)
}

type weather struct {
	City        string  `json:"city" description:"is the city"`
	Celsius     float64 `json:"celsius"`
	Description *string `json:"description"`
}

func TestCreateStructured(t *testing.T) {
	answer := textMessage(`{"city":"Paris","celsius":21.5,"description":null}`)
	var sent map[string]any
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&sent)
		writeJSON(w, 200, loopResponse("resp_1", "completed", answer))
	})
	got, resp, err := responses.CreateStructured[weather](context.Background(), responses.New(f.client()),
		responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Weather in Paris?")})
	if err != nil {
		t.Fatal(err)
	}
	if got.City != "Paris" || got.Celsius != 21.5 || got.Description != nil || resp.ID != "resp_1" {
		t.Errorf("got %+v, response %s", got, resp.ID)
	}
	format, _ := sent["text"].(map[string]any)["format"].(map[string]any)
	schema, _ := format["schema"].(map[string]any)
	if format["type"] != "json_schema" || format["name"] != "weather" || format["strict"] != true ||
		schema["additionalProperties"] != false || len(schema["required"].([]any)) != 3 {
		t.Errorf("text.format sent = %v", format)
	}

	for name, c := range map[string]struct {
		body string
		want error
	}{
		"refusal":    {loopResponse("r", "completed", `{"type":"message","id":"m","status":"completed","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}`), responses.ErrRefusal},
		"mismatch":   {loopResponse("r", "completed", textMessage(`{"city":"Paris","kelvin":300}`)), client.ErrSchemaMismatch},
		"incomplete": {strings.Replace(loopResponse("r", "incomplete", textMessage(`{"city":"Pa`)), `"status"`, `"incomplete_details":{"reason":"max_output_tokens"},"status"`, 1), responses.ErrIncomplete},
	} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, c.body) })
		_, _, err := responses.CreateStructured[weather](context.Background(), responses.New(f.client()), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("?")})
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
		var refusal *responses.RefusalError
		if name == "refusal" && (!errors.As(err, &refusal) || refusal.Refusal != "I can't help with that.") {
			t.Errorf("refusal: %#v", err)
		}
	}
}

type cityArgs struct {
	City string `json:"city"`
}

// TestRunTools scripts a model that calls two tools at once, then answers
// with their results; both chaining modes are checked.
func TestRunTools(t *testing.T) {
	for _, stateless := range []bool{false, true} {
		t.Run(fmt.Sprintf("stateless=%v", stateless), func(t *testing.T) {
			var step atomic.Int32
			f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				var req struct {
					PreviousResponseID *string           `json:"previous_response_id"`
					Input              json.RawMessage   `json:"input"`
					Tools              []json.RawMessage `json:"tools"`
				}
				json.NewDecoder(r.Body).Decode(&req)
				if len(req.Tools) != 2 {
					t.Errorf("tools sent: %d", len(req.Tools))
				}
				switch step.Add(1) {
				case 1:
					writeJSON(w, 200, loopResponse("resp_1", "completed",
						`{"type":"function_call","id":"fc_1","call_id":"call_a","name":"weather","arguments":"{\"city\":\"Paris\"}","status":"completed"}`,
						`{"type":"function_call","id":"fc_2","call_id":"call_b","name":"weather","arguments":"{\"city\":\"Oslo\"}","status":"completed"}`,
						`{"type":"function_call","id":"fc_3","call_id":"call_c","name":"clock","arguments":"{\"bad\":1}","status":"completed"}`))
				case 2:
					var items []map[string]any
					json.Unmarshal(req.Input, &items)
					outputs := map[string]string{}
					for _, it := range items {
						if it["type"] == "function_call_output" {
							outputs[it["call_id"].(string)] = it["output"].(string)
						}
					}
					if outputs["call_a"] != "21C in Paris" || outputs["call_b"] != "3C in Oslo" || !strings.HasPrefix(outputs["call_c"], "error:") {
						t.Errorf("outputs sent back: %v", outputs)
					}
					if stateless {
						// The whole conversation: user message, three calls, three outputs.
						if req.PreviousResponseID != nil || len(items) != 7 || items[0]["role"] != "user" || items[1]["type"] != "function_call" {
							t.Errorf("stateless input: %s", req.Input)
						}
					} else if req.PreviousResponseID == nil || *req.PreviousResponseID != "resp_1" || len(items) != 3 {
						t.Errorf("chained request: previous %v, input %s", req.PreviousResponseID, req.Input)
					}
					writeJSON(w, 200, loopResponse("resp_2", "completed", textMessage("Paris is warmer.")))
				default:
					t.Errorf("unexpected step")
				}
			})
			var tools responses.Tools
			// Both weather calls must be running at once for either to finish:
			// the loop runs calls in parallel.
			var started sync.WaitGroup
			started.Add(2)
			err := responses.AddTool(&tools, "weather", "gets the weather", func(ctx context.Context, a cityArgs) (string, error) {
				started.Done()
				done := make(chan struct{})
				go func() { started.Wait(); close(done) }()
				select {
				case <-done:
				case <-time.After(5 * time.Second):
					return "", errors.New("calls did not run in parallel")
				}
				temp := map[string]string{"Paris": "21C", "Oslo": "3C"}[a.City]
				return temp + " in " + a.City, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := responses.AddTool(&tools, "clock", "tells the time", func(ctx context.Context, a struct{}) (string, error) { return "noon", nil }); err != nil {
				t.Fatal(err)
			}
			if err := responses.AddTool(&tools, "clock", "again", func(ctx context.Context, a struct{}) (string, error) { return "", nil }); err == nil {
				t.Error("a duplicate tool name was accepted")
			}
			body := responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("Which is warmer, Paris or Oslo?")}
			if stateless {
				body.Store = new(bool)
			}
			resp, err := responses.New(f.client()).RunTools(context.Background(), body, &tools)
			if err != nil {
				t.Fatal(err)
			}
			if resp.ID != "resp_2" || resp.OutputText() != "Paris is warmer." || step.Load() != 2 {
				t.Errorf("final %s %q after %d steps", resp.ID, resp.OutputText(), step.Load())
			}
		})
	}
}

func TestRunToolsStepLimitAndCancel(t *testing.T) {
	call := loopResponse("resp_x", "completed", `{"type":"function_call","id":"fc","call_id":"c","name":"again","arguments":"{}","status":"completed"}`)
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, call) })
	tools := responses.Tools{MaxSteps: 3}
	responses.AddTool(&tools, "again", "", func(ctx context.Context, a struct{}) (string, error) { return "ok", nil })
	_, err := responses.New(f.client()).RunTools(context.Background(), responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("loop")}, &tools)
	if !errors.Is(err, responses.ErrTooManySteps) || f.count() != 3 {
		t.Errorf("err = %v after %d requests", err, f.count())
	}

	ctx, cancel := context.WithCancel(context.Background())
	var cancelling responses.Tools
	responses.AddTool(&cancelling, "again", "", func(ctx context.Context, a struct{}) (string, error) {
		cancel()
		return "", ctx.Err()
	})
	before := f.count()
	_, err = responses.New(f.client()).RunTools(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("loop")}, &cancelling)
	if !errors.Is(err, context.Canceled) || f.count() != before+1 {
		t.Errorf("after cancel: err = %v, %d more requests", err, f.count()-before)
	}
}

// TestResponseStreamResume cuts a background response's stream, then
// resumes it with responses.Service.GetStream from the last sequence number
// seen.
func TestResponseStreamResume(t *testing.T) {
	full := string(responsesStream(20))
	events := strings.SplitAfter(full, "\n\n")
	events = events[:len(events)-1] // the last split is empty
	const cutAfter = 9              // sequence numbers 0..9 arrive before the cut
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		if r.Method == "POST" {
			for _, ev := range events[:cutAfter+1] {
				io.WriteString(w, ev)
			}
			io.WriteString(w, "event: response.output_text.delta\ndata: {\"type\":\"resp") // cut mid-event
			return
		}
		q := r.URL.Query()
		if q.Get("stream") != "true" || q.Get("starting_after") != fmt.Sprint(cutAfter) {
			t.Errorf("resume query = %v", q)
		}
		for _, ev := range events[cutAfter+1:] {
			io.WriteString(w, ev)
		}
	})
	c := f.client()
	ctx := context.Background()
	var text strings.Builder
	var last int64 = -1
	read := func(s *streaming.Stream[responses.StreamEvent]) error {
		defer s.Close()
		for ev, err := range s.All() {
			if err != nil {
				return err
			}
			switch e := ev.(type) {
			case responses.OutputTextDeltaEvent:
				text.WriteString(e.Delta)
				last = e.SequenceNumber
			case responses.CreatedEvent:
				last = e.SequenceNumber
			case responses.InProgressEvent:
				last = e.SequenceNumber
			case responses.OutputItemAddedEvent:
				last = e.SequenceNumber
			case responses.ContentPartAddedEvent:
				last = e.SequenceNumber
			}
		}
		return nil
	}
	s, err := responses.New(c).CreateStream(ctx, responses.CreateRequest{Model: "gpt-4.1", Input: responses.InputText("hi"), Background: ptrTo(true)})
	if err != nil {
		t.Fatal(err)
	}
	if err := read(s); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut stream: err = %v", err)
	}
	if last != cutAfter {
		t.Fatalf("last sequence number %d, want %d", last, cutAfter)
	}
	s, err = responses.New(c).GetStream(ctx, "resp_1", &responses.GetParams{StartingAfter: &last})
	if err != nil {
		t.Fatal(err)
	}
	if err := read(s); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i := range 20 {
		fmt.Fprintf(&want, "word%d ", i)
	}
	if text.String() != want.String() {
		t.Errorf("resumed text %q, want %q", text.String(), want.String())
	}
}

func ptrTo[T any](v T) *T { return &v }
