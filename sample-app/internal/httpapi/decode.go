package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	// MaxBodyBytes bounds a POST body; larger bodies are refused before they are read in full.
	MaxBodyBytes = 4 << 10
	// MaxMessageRunes is the longest message accepted, counted in characters, not bytes.
	MaxMessageRunes = 280
)

// ValidationError is a client mistake; its text is safe to return to the client.
type ValidationError struct{ msg string }

func (e *ValidationError) Error() string { return e.msg }

func invalid(format string, args ...any) error {
	return &ValidationError{msg: fmt.Sprintf(format, args...)}
}

type newEntry struct {
	Message *string `json:"message"`
}

// DecodeEntry validates a POST /api/entries body and returns the message to store, trimmed of
// surrounding white space. Every failure is a *ValidationError.
func DecodeEntry(body []byte) (string, error) {
	// encoding/json silently replaces invalid UTF-8 with U+FFFD; refuse it instead of storing
	// something the client did not send.
	if !utf8.Valid(body) {
		return "", invalid("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var in newEntry
	if err := dec.Decode(&in); err != nil {
		return "", describeJSONError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", invalid(`request body must hold one JSON object, like {"message": "hello"}, and nothing after it`)
	}
	if in.Message == nil {
		return "", invalid(`field "message" is required, like {"message": "hello"}`)
	}
	msg := strings.TrimSpace(*in.Message)
	switch n := utf8.RuneCountInString(msg); {
	case n == 0:
		return "", invalid(`field "message" must not be empty`)
	case n > MaxMessageRunes:
		return "", invalid(`field "message" has %d characters; the limit is %d`, n, MaxMessageRunes)
	}
	if i := strings.IndexFunc(msg, unicode.IsControl); i >= 0 {
		return "", invalid(`field "message" must be one line of text: control character %U at byte %d`, []rune(msg[i:])[0], i)
	}
	return msg, nil
}

func describeJSONError(err error) error {
	var (
		syntax    *json.SyntaxError
		typeError *json.UnmarshalTypeError
	)
	switch {
	case errors.Is(err, io.EOF):
		return invalid(`request body is empty; send {"message": "hello"}`)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("request body is truncated JSON")
	case errors.As(err, &syntax):
		return invalid("request body is not valid JSON (at byte %d): %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typeError):
		if typeError.Field == "" {
			return invalid(`request body must be a JSON object, like {"message": "hello"}, not a JSON %s`, typeError.Value)
		}
		return invalid("field %q must be a JSON string, not a JSON %s", typeError.Field, typeError.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("%s; the only field is \"message\"", strings.TrimPrefix(err.Error(), "json: "))
	}
	return invalid("request body is not valid JSON: %v", err)
}
