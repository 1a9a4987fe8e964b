// Package kube decodes Kubernetes manifests strictly into their published Go API types and
// checks workloads against Pod Security Standards, so every layer of the suite judges objects the
// same way the API server would.
package kube

import (
	helmv2 "github.com/fluxcd/helm-controller/api/v2"
	kustomizev1 "github.com/fluxcd/kustomize-controller/api/v1"
	notificationv1 "github.com/fluxcd/notification-controller/api/v1"
	notificationv1beta3 "github.com/fluxcd/notification-controller/api/v1beta3"
	sourcev1 "github.com/fluxcd/source-controller/api/v1"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
)

// schemeBuilders lists every API group whose objects the platform writes. An object whose kind is
// not registered here cannot be checked, so the decoder rejects it; add the group's published
// AddToScheme here when the tree starts using it.
var schemeBuilders = []func(*runtime.Scheme) error{
	clientgoscheme.AddToScheme,
	kustomizev1.AddToScheme,
	helmv2.AddToScheme,
	sourcev1.AddToScheme,
	notificationv1.AddToScheme,
	notificationv1beta3.AddToScheme,
	monitoringv1.AddToScheme,
}

// Scheme holds every registered API type.
var Scheme = newScheme()

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range schemeBuilders {
		utilruntime.Must(add(s))
	}
	return s
}
