package openaitest

import (
	"net/http"
	"strings"
)

// AdminKey is the admin key the clients made by Server.Client send to the
// operations of the Administration API: those the spec marks x-admin.
const AdminKey = "sk-admin-openaitest-0123456789"

// adminKeyPrefix starts every admin key; the API refuses any other key on
// an Administration API operation.
const adminKeyPrefix = "sk-admin-"

// refuseNonAdminKey answers 401, as the API does, when an operation of the
// Administration API gets a bearer token that is not an admin key (or none),
// and reports whether it did. The request is recorded all the same, so a
// test can see which key was sent.
func refuseNonAdminKey(w http.ResponseWriter, h http.Header) bool {
	scheme, token, _ := strings.Cut(h.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(strings.TrimSpace(token), adminKeyPrefix) {
		return false
	}
	writeError(w, http.StatusUnauthorized, "This operation belongs to the Administration API: it takes an admin key (sk-admin-...) as a Bearer token, not an API key.", "")
	return true
}
