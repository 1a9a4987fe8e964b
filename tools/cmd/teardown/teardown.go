package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// fatalCodes are errors no amount of waiting fixes; teardown stops and reports at once.
var fatalCodes = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthFailure",
	"InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch"}

func fatal(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && slices.Contains(fatalCodes, apiErr.ErrorCode())
}

// deferred is a resource that may stay for now: with -allow-attached, volumes and ENIs that
// are attached to instances leave with the instances during terraform destroy.
func deferred(r resource, allowAttached bool) bool {
	return allowAttached && r.waitOn != "" && (r.kind == kindVolume || r.kind == kindENI)
}

func teardown(ctx context.Context, s scanner, o options, out io.Writer) int {
	start := time.Now()
	deadline := start.Add(o.timeout)
	lastErr := map[string]string{}
	lastCode := map[string]string{} // the API error code of lastErr, for the one-line progress
	mode := "deleting"
	if o.checkOnly {
		mode = "checking (no deletes)"
	}
	fmt.Fprintf(out, "teardown: %s controller-created resources of cluster %s in %s (timeout %s)\n", mode, o.cluster, o.region, o.timeout)

	for pass := 1; ; pass++ {
		found, err := s.scan(ctx)
		if err != nil {
			fmt.Fprintln(out, "teardown: listing resources failed:", err)
			return 2
		}
		var blocking, later []resource
		for _, r := range found {
			if deferred(r, o.allowAttached) {
				later = append(later, r)
			} else {
				blocking = append(blocking, r)
			}
		}
		if len(blocking) == 0 {
			fmt.Fprintf(out, "teardown: nothing left for cluster %s (%s)\n", o.cluster, time.Since(start).Round(time.Second))
			if len(later) > 0 {
				fmt.Fprintf(out, "teardown: %d attached resource(s) leave with their instances; run teardown again after terraform destroy:\n", len(later))
				report(out, later, lastErr)
			}
			return 0
		}
		if o.checkOnly || time.Now().After(deadline) || ctx.Err() != nil {
			if !o.checkOnly {
				fmt.Fprintf(out, "teardown: gave up after %s\n", time.Since(start).Round(time.Second))
			}
			fmt.Fprintf(out, "teardown: LEFTOVERS — %d resource(s) of cluster %s remain:\n", len(blocking), o.cluster)
			report(out, blocking, lastErr)
			return 1
		}
		fmt.Fprintf(out, "teardown: pass %d (%s): %s\n", pass, time.Since(start).Round(time.Second), summary(blocking, lastCode))
		for _, kind := range kindOrder {
			for _, r := range found {
				if r.kind != kind || r.waitOn != "" {
					continue
				}
				err := r.remove(ctx)
				switch {
				case err == nil || notFound(err):
					delete(lastErr, r.id)
					delete(lastCode, r.id)
				case fatal(err):
					fmt.Fprintf(out, "teardown: deleting %s %s: %v\n", r.kind, r.id, err)
					fmt.Fprintln(out, "teardown: fix the credentials or permissions above and run again; these remain:")
					report(out, blocking, lastErr)
					return 2
				default:
					// DependencyViolation, ResourceInUse and the like clear as other deletions land.
					lastErr[r.id] = err.Error()
					lastCode[r.id] = errorCode(err)
				}
			}
		}
		wait := min(o.interval, time.Until(deadline))
		select {
		case <-ctx.Done():
		case <-time.After(max(wait, 0)):
		}
	}
}

// summary counts what is left per kind, in deletion order, with why the previous pass could not
// delete it: "remaining 1 load balancer, 2 security group (DependencyViolation)".
func summary(rs []resource, lastCode map[string]string) string {
	var parts []string
	for _, kind := range kindOrder {
		n := 0
		var why []string
		for _, r := range rs {
			if r.kind != kind {
				continue
			}
			n++
			reason := lastCode[r.id]
			if r.waitOn != "" {
				reason = "attached"
			}
			if reason != "" && !slices.Contains(why, reason) {
				why = append(why, reason)
			}
		}
		if n == 0 {
			continue
		}
		p := fmt.Sprintf("%d %s", n, kind)
		if len(why) > 0 {
			p += " (" + strings.Join(why, ", ") + ")"
		}
		parts = append(parts, p)
	}
	return "remaining " + strings.Join(parts, ", ")
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return "error"
}

func report(out io.Writer, rs []resource, lastErr map[string]string) {
	for _, r := range rs {
		line := fmt.Sprintf("  - %s %s", r.kind, r.id)
		if r.name != "" {
			line += fmt.Sprintf(" (%s)", r.name)
		}
		if r.state != "" {
			line += " state=" + r.state
		}
		fmt.Fprintln(out, line)
		if r.waitOn != "" {
			fmt.Fprintln(out, "      why:", r.waitOn)
		}
		if e := lastErr[r.id]; e != "" {
			fmt.Fprintln(out, "      last error:", e)
		}
		fmt.Fprintln(out, "      remove:", r.fix)
	}
}
