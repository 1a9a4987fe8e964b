// Package schemas names the modules the twin's CustomResourceDefinitions come from, so that
// go.mod pins them and go.sum records them: each third-party kind's CRD YAML is read from its
// project's module at the pinned version, and the kinds published only as API types are run
// through controller-gen (docs/twin.md).
package schemas

import (
	_ "github.com/fluxcd/helm-controller/api/v2"
	_ "github.com/fluxcd/notification-controller/api/v1"
	_ "github.com/fluxcd/notification-controller/api/v1beta3"
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
)
