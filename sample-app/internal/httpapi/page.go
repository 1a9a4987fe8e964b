package httpapi

import (
	"context"
	"html/template"
	"net/http"

	"github.com/bkt-platform/platform/sample-app/internal/store"
)

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>BKT sample app</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #1d2433; }
h1 { font-size: 1.6rem; } dl { display: grid; grid-template-columns: max-content auto; gap: .3rem 1rem; }
dt { font-weight: 600; } .ok { color: #1a7f37; } .down { color: #cf222e; }
li { margin: .3rem 0; } time { color: #57606a; font-size: .85rem; } code { background: #f3f4f6; padding: .1rem .3rem; }
</style>
</head>
<body>
<h1>{{.Message}}</h1>
<dl>
<dt>Version</dt><dd>{{.Version}}</dd>
<dt>Pod</dt><dd>{{.PodName}}</dd>
<dt>Database</dt><dd>{{.Database}} — {{if .DatabaseOK}}<span class="ok">reachable</span>{{else}}<span class="down">unreachable</span>{{end}}</dd>
</dl>
<h2>Recent entries</h2>
{{if .Entries}}<ul>{{range .Entries}}<li>{{.Message}} <time datetime="{{.CreatedAt.Format "2006-01-02T15:04:05Z07:00"}}">{{.CreatedAt.Format "2006-01-02 15:04:05 UTC"}}</time></li>{{end}}</ul>
{{else}}<p>No entries yet.</p>{{end}}
<p>Add one: <code>curl -H 'Content-Type: application/json' -d '{"message":"hello"}' {{.Origin}}/api/entries</code></p>
</body>
</html>
`))

type pageData struct {
	Message    string
	Version    string
	PodName    string
	Database   store.Kind
	DatabaseOK bool
	Entries    []store.Entry
	Origin     string
}

// page renders even when the database is down: the page is also how people see that it is.
func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	data := pageData{
		Message:  s.opts.Message(),
		Version:  s.opts.Version,
		PodName:  s.opts.PodName,
		Database: s.opts.StoreKind,
		Origin:   origin(r),
	}
	entries, err := s.opts.Store.List(ctx, pageEntries)
	if err != nil {
		s.logger(r).Error("page: list entries", "database", s.opts.StoreKind, "error", err)
	} else {
		data.DatabaseOK, data.Entries = true, entries
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := pageTemplate.Execute(w, data); err != nil {
		s.logger(r).Error("page: render", "error", err)
	}
}

// origin is the address the client used; behind the ALB the scheme arrives in X-Forwarded-Proto.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
