package twin

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
)

// WaitKustomizations waits until every named Kustomization is Ready and returns, for each, the
// time it was first seen Ready. On timeout the error names each one that is not, with the
// message kustomize-controller wrote (the API server's rejection, the failed dependency).
func (c *Clients) WaitKustomizations(ctx context.Context, names []string, timeout time.Duration, seen map[string]time.Time) error {
	return c.WaitKustomizationsOrJobs(ctx, names, timeout, seen, nil)
}

// WaitKustomizationsOrJobs is WaitKustomizations that also fails at once, naming the Job and
// quoting the API server, when one of jobs (namespace/name) cannot create its pod: a layer that
// waits for such a Job would otherwise only time out.
func (c *Clients) WaitKustomizationsOrJobs(ctx context.Context, names []string, timeout time.Duration, seen map[string]time.Time, jobs []string) error {
	deadline := time.Now().Add(timeout)
	nextJobCheck := time.Now()
	for {
		states, err := c.Kustomizations(ctx)
		if err != nil {
			return err
		}
		var pending []string
		for _, n := range names {
			s, ok := states[n]
			if ok && s.Ready == "True" {
				if _, done := seen[n]; !done {
					seen[n] = time.Now()
				}
				continue
			}
			if !ok {
				pending = append(pending, fmt.Sprintf("Kustomization flux-system/%s: not created", n))
				continue
			}
			pending = append(pending, fmt.Sprintf("Kustomization flux-system/%s: Ready=%s: %s", n, orUnknown(s.Ready), s.Message))
		}
		if len(pending) == 0 {
			return nil
		}
		if len(jobs) > 0 && time.Now().After(nextJobCheck) {
			nextJobCheck = time.Now().Add(2 * time.Second)
			problems, _, err := c.jobProblems(ctx, jobs)
			if err != nil {
				return err
			}
			if len(problems) > 0 {
				return fmt.Errorf("%s\n  while waiting for:\n  %s", strings.Join(problems, "\n  "), strings.Join(pending, "\n  "))
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not Ready after %s:\n  %s", timeout, strings.Join(pending, "\n  "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "Unknown"
	}
	return s
}

// CheckJobs checks that every Job's pods were admitted: a Job the job controller could not
// create a pod for (ServiceAccount missing, Pod Security, quota) has FailedCreate events, which
// the error quotes with the Job's name. Jobs listed in skip are reported by the caller.
func (c *Clients) CheckJobs(ctx context.Context, jobs []string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		problems, pending, err := c.jobProblems(ctx, jobs)
		if err != nil {
			return err
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			return fmt.Errorf("%s", strings.Join(problems, "\n  "))
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s", strings.Join(pending, "\n  "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// jobProblems reads each Job once: problems are Jobs that do not exist or whose pod the job
// controller could not create (its FailedCreate event quoted), pending those with no pod yet.
func (c *Clients) jobProblems(ctx context.Context, jobs []string) (problems, pending []string, err error) {
	for _, id := range jobs {
		ns, name, _ := strings.Cut(id, "/")
		job, err := c.Kube.BatchV1().Jobs(ns).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			pending = append(pending, fmt.Sprintf("Job %s: not created yet", id))
			continue
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("Job %s: %v", id, err))
			continue
		}
		if job.Status.Succeeded > 0 || job.Status.Active > 0 {
			continue
		}
		events, err := c.Kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: fields.Set{
			"involvedObject.kind": "Job", "involvedObject.name": name,
		}.String()})
		if err != nil {
			return nil, nil, err
		}
		failed := ""
		for _, e := range events.Items {
			if e.Reason == "FailedCreate" {
				failed = e.Message
			}
		}
		if failed != "" {
			problems = append(problems, fmt.Sprintf("Job %s: pod not admitted: %s", id, failed))
		} else {
			pending = append(pending, fmt.Sprintf("Job %s: no pod yet", id))
		}
	}
	return problems, pending, nil
}

// CheckScheduling fails on any pod in the namespaces that the scheduler could not place, quoting
// the scheduler's reason (insufficient CPU, anti-affinity, node selector, taints) and the pod's
// owner; and on pods not yet bound after the wait.
func (c *Clients) CheckScheduling(ctx context.Context, namespaces []string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		var unschedulable, pending []string
		for _, ns := range namespaces {
			pods, err := c.Kube.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return err
			}
			for _, p := range pods.Items {
				if p.Spec.NodeName != "" || p.DeletionTimestamp != nil {
					continue
				}
				owner := ""
				if len(p.OwnerReferences) > 0 {
					owner = fmt.Sprintf(" (owner %s %s)", p.OwnerReferences[0].Kind, p.OwnerReferences[0].Name)
				}
				for _, cond := range p.Status.Conditions {
					if cond.Type == corev1.PodScheduled && cond.Status == corev1.ConditionFalse && cond.Reason == corev1.PodReasonUnschedulable {
						unschedulable = append(unschedulable, fmt.Sprintf("Pod %s/%s%s: unschedulable: %s", ns, p.Name, owner, cond.Message))
					}
				}
				pending = append(pending, fmt.Sprintf("Pod %s/%s%s: not bound to a node", ns, p.Name, owner))
			}
		}
		if len(unschedulable) > 0 {
			sort.Strings(unschedulable)
			return fmt.Errorf("%s", strings.Join(unschedulable, "\n  "))
		}
		if len(pending) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s", strings.Join(pending, "\n  "))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
