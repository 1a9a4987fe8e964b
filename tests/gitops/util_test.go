package gitops

import (
	"fmt"

	"sigs.k8s.io/yaml"
)

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

func yamlUnmarshal(data []byte, v any) error { return yaml.Unmarshal(data, v) }
