package kube

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
)

// Document is one YAML document of a multi-document stream, with the line it starts on so that
// failures can point at it.
type Document struct {
	Line int
	// Raw is the document re-encoded on its own; empty documents are dropped by SplitYAML.
	Raw []byte
	// Fields is the document decoded generically, for checks that need no Go type.
	Fields map[string]any
}

// Kind returns apiVersion and kind, empty when the document is not Kubernetes-style.
func (d Document) Kind() (apiVersion, kind string) {
	apiVersion, _ = d.Fields["apiVersion"].(string)
	kind, _ = d.Fields["kind"].(string)
	return apiVersion, kind
}

// Name returns metadata.name, empty when missing.
func (d Document) Name() string {
	meta, _ := d.Fields["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	return name
}

// SplitYAML parses every document of a YAML stream. A syntax error is returned with its line.
func SplitYAML(data []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, err
		}
		if len(node.Content) == 0 || node.Content[0].Tag == "!!null" {
			continue
		}
		raw, err := yaml.Marshal(&node)
		if err != nil {
			return docs, fmt.Errorf("line %d: re-encoding document: %w", node.Line, err)
		}
		doc := Document{Line: node.Content[0].Line, Raw: raw}
		if node.Content[0].Kind == yaml.MappingNode {
			if err := node.Decode(&doc.Fields); err != nil {
				return docs, fmt.Errorf("line %d: %w", doc.Line, err)
			}
		}
		docs = append(docs, doc)
	}
}

var strictDecoder = serializer.NewCodecFactory(Scheme, serializer.EnableStrict).UniversalDeserializer()

// ErrUnregisteredKind marks an object whose API group has no Go type in Scheme.
var ErrUnregisteredKind = errors.New("no published Go API type registered for this kind")

// DecodeStrict decodes one manifest into its Go API type. Unknown and duplicated fields are
// errors, as is a kind that Scheme does not know.
func DecodeStrict(raw []byte) (runtime.Object, error) {
	obj, gvk, err := strictDecoder.Decode(raw, nil, nil)
	if err != nil {
		if runtime.IsNotRegisteredError(err) {
			return nil, fmt.Errorf("%w: %v", ErrUnregisteredKind, err)
		}
		return nil, err
	}
	if gvk != nil && *gvk == (schema.GroupVersionKind{}) {
		return nil, errors.New("object has no apiVersion/kind")
	}
	return obj, nil
}
