// Package jsondiff compares two values by their JSON form and names the
// first field that differs, for directories (sweeps, linear experiments)
// that must only be resumed with the settings that made them.
package jsondiff

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
)

// First returns the dotted name of the first field (in sorted order) whose
// JSON value differs between a and b, and both values as JSON ("unset"
// where a side lacks the field). ok is false when they agree. Fields named
// in ignore are not compared.
func First(a, b any, ignore ...string) (key, va, vb string, ok bool) {
	fa, fb := flatten(a), flatten(b)
	for _, k := range ignore {
		delete(fa, k)
		delete(fb, k)
	}
	keys := make([]string, 0, len(fa)+len(fb))
	for k := range fa {
		keys = append(keys, k)
	}
	for k := range fb {
		if _, in := fa[k]; !in {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !reflect.DeepEqual(fa[k], fb[k]) {
			return k, show(fa[k]), show(fb[k]), true
		}
	}
	return "", "", "", false
}

func show(v any) string {
	if v == nil {
		return "unset"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// flatten maps a value's JSON form to dotted keys: {"train":{"epochs":5}}
// gives train.epochs = 5.
func flatten(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m any
	json.Unmarshal(b, &m)
	out := map[string]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if obj, ok := v.(map[string]any); ok {
			for k, x := range obj {
				walk(strings.TrimPrefix(prefix+"."+k, "."), x)
			}
			return
		}
		out[prefix] = v
	}
	walk("", m)
	return out
}
