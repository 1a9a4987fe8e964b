package kube

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

var evaluator = mustEvaluator()

func mustEvaluator() policy.Evaluator {
	e, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		panic(err)
	}
	return e
}

// PodTemplate returns the pod metadata and spec a workload object creates, and false when the
// object creates no pods.
func PodTemplate(obj runtime.Object) (*metav1.ObjectMeta, *corev1.PodSpec, bool) {
	switch o := obj.(type) {
	case *corev1.Pod:
		return &o.ObjectMeta, &o.Spec, true
	case *appsv1.Deployment:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.StatefulSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.DaemonSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *appsv1.ReplicaSet:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.Job:
		return &o.Spec.Template.ObjectMeta, &o.Spec.Template.Spec, true
	case *batchv1.CronJob:
		return &o.Spec.JobTemplate.Spec.Template.ObjectMeta, &o.Spec.JobTemplate.Spec.Template.Spec, true
	}
	return nil, nil, false
}

// CheckPodSecurity evaluates the pods a workload creates against a Pod Security Standards level
// ("restricted", "baseline" or "privileged") at the latest policy version, with the admission
// controller's own checks. It returns one message per violated check; objects that create no pods
// pass.
func CheckPodSecurity(obj runtime.Object, level string) ([]string, error) {
	lvl, err := psaapi.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("pod security level %q: %w", level, err)
	}
	meta, spec, ok := PodTemplate(obj)
	if !ok {
		return nil, nil
	}
	var violations []string
	for _, r := range evaluator.EvaluatePod(psaapi.LevelVersion{Level: lvl, Version: psaapi.LatestVersion()}, meta, spec) {
		if !r.Allowed {
			violations = append(violations, fmt.Sprintf("%s (%s)", r.ForbiddenReason, r.ForbiddenDetail))
		}
	}
	return violations, nil
}

// CheckPodSecurityRestricted is CheckPodSecurity at the restricted level, the level every
// workload the platform owns must meet.
func CheckPodSecurityRestricted(obj runtime.Object) []string {
	v, _ := CheckPodSecurity(obj, string(psaapi.LevelRestricted))
	return v
}
