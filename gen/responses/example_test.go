package responses_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/oapi-openai/openai/gen/responses"
)

const sampleResponse = `{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1",
	"output":[
		{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},
		{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[
			{"type":"output_text","text":"Checking ","annotations":[]},
			{"type":"refusal","refusal":"(not this part)"},
			{"type":"output_text","text":"the weather.","annotations":[]}]}]}`

func ExampleResponse_OutputText() {
	var resp responses.Response
	if err := json.Unmarshal([]byte(sampleResponse), &resp); err != nil {
		log.Fatal(err)
	}
	// The text of every output_text part, joined: no tool call, no refusal.
	fmt.Println(resp.OutputText())
	// Output:
	// Checking the weather.
}

func ExampleResponse_FunctionCalls() {
	var resp responses.Response
	if err := json.Unmarshal([]byte(sampleResponse), &resp); err != nil {
		log.Fatal(err)
	}
	for _, call := range resp.FunctionCalls() {
		fmt.Println(call.CallID, call.Name, call.Arguments)
	}
	// Output:
	// call_1 get_weather {"city":"Paris"}
}
