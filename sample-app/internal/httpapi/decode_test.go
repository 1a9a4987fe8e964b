package httpapi

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestDecodeEntry(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		want    string
		wantErr string // substring of the error; empty means success
	}{
		{name: "plain", body: `{"message":"hello"}`, want: "hello"},
		{name: "trimmed", body: `{"message":"  hello  "}`, want: "hello"},
		{name: "unicode", body: `{"message":"grüße 👋"}`, want: "grüße 👋"},
		{name: "exactly the limit", body: `{"message":"` + strings.Repeat("é", MaxMessageRunes) + `"}`, want: strings.Repeat("é", MaxMessageRunes)},
		{name: "trailing white space after object", body: "{\"message\":\"a\"}\n", want: "a"},
		{name: "empty body", body: ``, wantErr: "request body is empty"},
		{name: "not JSON", body: `hello`, wantErr: "not valid JSON"},
		{name: "truncated", body: `{"message":"a"`, wantErr: "truncated"},
		{name: "array", body: `["a"]`, wantErr: "must be a JSON object"},
		{name: "null", body: `null`, wantErr: `"message" is required`},
		{name: "missing field", body: `{}`, wantErr: `"message" is required`},
		{name: "unknown field", body: `{"message":"a","author":"b"}`, wantErr: `unknown field "author"`},
		{name: "number", body: `{"message":42}`, wantErr: `"message" must be a JSON string, not a JSON number`},
		{name: "null message", body: `{"message":null}`, wantErr: `"message" is required`},
		{name: "empty message", body: `{"message":""}`, wantErr: "must not be empty"},
		{name: "blank message", body: `{"message":" \t "}`, wantErr: "must not be empty"},
		{name: "too long", body: `{"message":"` + strings.Repeat("a", MaxMessageRunes+1) + `"}`, wantErr: "281 characters; the limit is 280"},
		{name: "control character", body: `{"message":"a\u0000b"}`, wantErr: "control character U+0000"},
		{name: "newline", body: `{"message":"a\nb"}`, wantErr: "one line"},
		{name: "invalid UTF-8", body: "{\"message\":\"\xff\"}", wantErr: "not valid UTF-8"},
		{name: "two objects", body: `{"message":"a"}{"message":"b"}`, wantErr: "nothing after it"},
		{name: "trailing garbage", body: `{"message":"a"} x`, wantErr: "nothing after it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeEntry([]byte(tc.body))
			if tc.wantErr == "" {
				if err != nil || got != tc.want {
					t.Fatalf("DecodeEntry(%q) = %q, %v; want %q, nil", tc.body, got, err, tc.want)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("DecodeEntry(%q) error = %v (%T); want a *ValidationError", tc.body, err, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("DecodeEntry(%q) error = %q; want it to contain %q", tc.body, err, tc.wantErr)
			}
		})
	}
}

// FuzzDecodeEntry checks the decoder's contract on arbitrary input: it never panics, every
// failure is a client error, and every accepted message meets the rules the API documents.
func FuzzDecodeEntry(f *testing.F) {
	for _, seed := range []string{
		`{"message":"hello"}`, `{"message":""}`, `{"message":"\u00e9\ud83d\udc4b"}`, `{"message":"\ud800"}`,
		`{"message":1}`, `{"Message":"case"}`, `{"message":"a","x":1}`, `[]`, `null`, "{\"message\":\"\xc3\x28\"}",
		`{"message":"a"}{}`, `  {"message":" b "}  `,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		msg, err := DecodeEntry(body)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v is %T, want *ValidationError", err, err)
			}
			if msg != "" {
				t.Fatalf("returned message %q together with error %v", msg, err)
			}
			return
		}
		if !utf8.Valid(body) || !utf8.ValidString(msg) {
			t.Fatalf("accepted invalid UTF-8: body %q", body)
		}
		if n := utf8.RuneCountInString(msg); n == 0 || n > MaxMessageRunes {
			t.Fatalf("accepted message of %d characters", n)
		}
		if msg != strings.TrimSpace(msg) || strings.ContainsFunc(msg, unicode.IsControl) {
			t.Fatalf("accepted untrimmed or multi-line message %q", msg)
		}
	})
}
