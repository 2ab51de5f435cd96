// Command kstatus reads Kubernetes objects as JSON (one object, a List, or a JSON
// array) on stdin and prints, for each, the status that sigs.k8s.io/cli-utils'
// kstatus computes — the same library Flux's health checks and `kubectl wait`-style
// tooling use. Tests feed it objects exactly as the API server returned them, so
// the verdict is the real library's, not a re-implementation's.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	kjson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type verdict struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	objects, err := decode(input)
	if err != nil {
		fail("decoding input: %v", err)
	}
	verdicts := make([]verdict, 0, len(objects))
	for _, object := range objects {
		result, err := status.Compute(object)
		if err != nil {
			fail("kstatus.Compute(%s/%s): %v", object.GetNamespace(), object.GetName(), err)
		}
		verdicts = append(verdicts, verdict{
			Namespace: object.GetNamespace(),
			Name:      object.GetName(),
			Kind:      object.GetKind(),
			Status:    result.Status.String(),
			Message:   result.Message,
		})
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(verdicts); err != nil {
		fail("writing result: %v", err)
	}
}

// decode accepts a single object, a Kubernetes List (kind ending in "List" with
// items), or a plain JSON array, because kubectl and client libraries emit all three.
// apimachinery's JSON decoding keeps whole numbers as int64, as the API machinery does;
// encoding/json's float64 would make kstatus reject metadata.generation.
func decode(input []byte) ([]*unstructured.Unstructured, error) {
	var array []map[string]any
	if err := kjson.Unmarshal(input, &array); err == nil {
		objects := make([]*unstructured.Unstructured, 0, len(array))
		for _, item := range array {
			objects = append(objects, &unstructured.Unstructured{Object: item})
		}
		return objects, nil
	}
	var single map[string]any
	if err := kjson.Unmarshal(input, &single); err != nil {
		return nil, err
	}
	if items, ok := single["items"].([]any); ok {
		objects := make([]*unstructured.Unstructured, 0, len(items))
		for _, item := range items {
			object, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("a List item is not an object")
			}
			objects = append(objects, &unstructured.Unstructured{Object: object})
		}
		return objects, nil
	}
	return []*unstructured.Unstructured{{Object: single}}, nil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kstatus: "+format+"\n", args...)
	os.Exit(2)
}
