package gen_test

import (
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/oapi-openai/openai/gen"
)

const sampleResponse = `{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1",
	"output":[
		{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","status":"completed"},
		{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[
			{"type":"output_text","text":"Checking the weather.","annotations":[]}]}]}`

func ExampleResponse_OutputText() {
	var resp gen.Response
	if err := json.Unmarshal([]byte(sampleResponse), &resp); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.OutputText())
	for _, call := range resp.FunctionCalls() {
		fmt.Println(call.Name, call.Arguments)
	}
	// Output:
	// Checking the weather.
	// get_weather {"city":"Paris"}
}

func ExampleAsInput() {
	var resp gen.Response
	if err := json.Unmarshal([]byte(sampleResponse), &resp); err != nil {
		log.Fatal(err)
	}
	// Keep the conversation on the client: send the output back as input,
	// followed by the result of the call.
	var history gen.InputItemList
	for _, item := range resp.Output {
		if in, ok := gen.AsInput(item); ok {
			history = append(history, in)
		}
	}
	history = append(history, gen.FunctionCallOutput{CallID: "call_1", Output: gen.FunctionCallOutputText(`{"celsius":21}`)})
	for _, in := range history {
		data, _ := json.Marshal(in)
		var v struct{ Type, Role string }
		json.Unmarshal(data, &v)
		fmt.Println(strings.TrimSpace(v.Type + " " + v.Role))
	}
	// Output:
	// function_call
	// message assistant
	// function_call_output
}
