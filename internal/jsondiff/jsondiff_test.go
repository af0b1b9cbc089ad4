package jsondiff

import "testing"

func TestFirst(t *testing.T) {
	type inner struct{ N, M int }
	type outer struct {
		A  string
		In inner
		L  []float64
	}
	a := outer{"x", inner{1, 2}, []float64{0, 1}}
	if _, _, _, ok := First(a, a); ok {
		t.Error("equal values differ")
	}
	b := a
	b.In.M = 3
	if k, va, vb, ok := First(a, b); !ok || k != "In.M" || va != "2" || vb != "3" {
		t.Errorf("First = %q %q %q %v", k, va, vb, ok)
	}
	if _, _, _, ok := First(a, b, "In.M"); ok {
		t.Error("an ignored field was compared")
	}
	c := a
	c.L = []float64{0}
	if k, _, _, ok := First(a, c); !ok || k != "L" {
		t.Errorf("slice difference: %q %v", k, ok)
	}
	if k, va, _, ok := First(map[string]int{}, map[string]int{"n": 1}); !ok || k != "n" || va != "unset" {
		t.Errorf("missing field: %q %q %v", k, va, ok)
	}
}
