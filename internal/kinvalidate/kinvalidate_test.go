package kinvalidate_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/oapi-openai/openai/internal/kinvalidate"
	"github.com/oapi-openai/openai/openaitest"
)

// TestValidates: behind the kit, the validator accepts what the spec
// allows and refuses the rest with kin-openapi's reason: JSON bodies,
// multipart bodies with the API's bracketed fields, Azure paths and their
// api-version.
func TestValidates(t *testing.T) {
	srv := openaitest.NewServer(t, openaitest.WithValidator(kinvalidate.Spec()))
	for _, tc := range []struct {
		path, body string
		valid      bool
	}{
		{"/v1/embeddings", `{"model":"text-embedding-3-small","input":"x"}`, true},
		{"/v1/embeddings", `{"model":"text-embedding-3-small","input":"x","dimensions":0}`, false},
		{"/v1/embeddings", `{"model":"text-embedding-3-small"}`, false},
		{"/openai/deployments/emb/embeddings?api-version=2024-10-21", `{"input":"x","model":"m"}`, true},
	} {
		r, _ := http.NewRequest("POST", strings.TrimSuffix(srv.URL(), "/v1")+tc.path, strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/json")
		if err := srv.Validate(r); (err == nil) != tc.valid {
			t.Errorf("%s %s: %v, want valid %v", tc.path, tc.body, err, tc.valid)
		}
	}
	for seconds, valid := range map[string]bool{"3600": true, "10": false} {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		fw, _ := w.CreateFormFile("file", "a.jsonl")
		io.WriteString(fw, "{}\n")
		w.WriteField("purpose", "batch")
		w.WriteField("expires_after[anchor]", "created_at")
		w.WriteField("expires_after[seconds]", seconds)
		w.Close()
		r, _ := http.NewRequest("POST", srv.URL()+"/files", &body)
		r.Header.Set("Content-Type", w.FormDataContentType())
		if err := srv.Validate(r); (err == nil) != valid || err != nil && !strings.Contains(err.Error(), "expires_after") {
			t.Errorf("expires_after[seconds]=%s: %v, want valid %v", seconds, err, valid)
		}
	}
	if _, _, err := kinvalidate.Spec().Find("GET", "/v1/nothing"); err == nil {
		t.Error("Find of an unknown path: no error")
	}
}

// TestKitCompilesNoKinOpenAPI: the kit users import leaves kin-openapi and
// YAML out of their builds (this package brings them to the SDK's tests).
func TestKitCompilesNoKinOpenAPI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/oapi-openai/openai/openaitest").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "kin-openapi") || strings.Contains(pkg, "yaml") || strings.Contains(pkg, "kinvalidate") {
			t.Errorf("openaitest imports %s", pkg)
		}
	}
}
