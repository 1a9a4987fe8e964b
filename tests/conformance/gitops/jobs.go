package gitops

import (
	"fmt"
	"regexp"

	batchv1 "k8s.io/api/batch/v1"
)

// generatedSuffix matches the content hash kustomize appends to generated ConfigMaps: ten
// characters of its vowel-free alphabet.
var generatedSuffix = regexp.MustCompile(`-([2456789bcdfghkmt]{10})$`)

// CheckJobs requires every Job to be bounded and to stay visible to Flux's health check once it
// has finished, and a Job that runs a generated ConfigMap (its scripts) to carry that ConfigMap's
// content hash in its name: a Job's pod template is immutable, so only a new name runs new scripts.
func CheckJobs(tree *Tree) []Finding {
	generated := map[string]string{}
	for _, o := range objectsOfKind(tree, "ConfigMap") {
		u := o.Unstructured()
		if m := generatedSuffix.FindStringSubmatch(u.GetName()); m != nil {
			generated[u.GetNamespace()+"/"+u.GetName()] = m[1]
		}
	}
	var out []Finding
	for _, o := range objectsOfKind(tree, "Job") {
		job, err := decodeAs[batchv1.Job](o)
		if err != nil {
			continue // CheckDecode reports it
		}
		add := func(msg string) { out = append(out, Finding{o.File, o.ID(), msg}) }
		if job.Spec.TTLSecondsAfterFinished != nil {
			add("spec.ttlSecondsAfterFinished deletes the finished Job, so Flux's health check never sees it complete and Flux re-creates it; leave it unset")
		}
		if job.Spec.BackoffLimit == nil {
			add("spec.backoffLimit is required so a failing Job stops retrying")
		}
		if job.Spec.ActiveDeadlineSeconds == nil {
			add("spec.activeDeadlineSeconds is required so a stuck Job fails instead of holding its Kustomization until the timeout")
		}
		for _, v := range job.Spec.Template.Spec.Volumes {
			if v.ConfigMap == nil {
				continue
			}
			hash, ok := generated[job.Namespace+"/"+v.ConfigMap.Name]
			if !ok {
				continue
			}
			m := generatedSuffix.FindStringSubmatch(job.Name)
			if m == nil || m[1] != hash {
				base := job.Name
				if m != nil {
					base = job.Name[:len(job.Name)-len(m[0])]
				}
				add(fmt.Sprintf("runs the generated ConfigMap %s, so its name must end in the same hash (a changed script must run as a new Job): rename it to %s-%s", v.ConfigMap.Name, base, hash))
			}
		}
	}
	return out
}
