package fileio

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type inner struct {
	X     float64   `json:"x"`
	Y     []float64 `json:"y,omitempty"`
	Skip  float64   `json:"-"`
	hide  float64
	Count int `json:"count"`
}

type outer struct {
	A   float64            `json:"a"`
	P   *float64           `json:"p"`
	In  inner              `json:"in"`
	Ins []*inner           `json:"ins"`
	M   map[string]float64 `json:"m"`
	E   [][2]float64       `json:"e"`
	Any any                `json:"any"`
	F32 float32            `json:"f32"`
	Raw json.RawMessage    `json:"raw"`
}

// TestJSONNonFinite (issue 12): WriteJSON writes NaN and infinities as
// null wherever they are (fields, pointers, slices, maps, arrays,
// interfaces), leaves every finite value as encoding/json writes it, and
// UnmarshalJSON reads null back as NaN.
func TestJSONNonFinite(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	v := outer{
		A: inf, P: &nan,
		In:  inner{X: math.Inf(-1), Y: []float64{1.5, nan}, Skip: inf, hide: inf, Count: 3},
		Ins: []*inner{{X: 2}, nil},
		M:   map[string]float64{"k": nan, "j": 1e-7},
		E:   [][2]float64{{inf, 0.25}},
		Any: map[string]any{"loss": inf, "list": []any{1.0, nan}, "ok": "yes"},
		F32: float32(math.Inf(1)),
		Raw: json.RawMessage(`{"t_max":50}`),
	}
	path := filepath.Join(t.TempDir(), "v.json")
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	for _, want := range []string{`"a": null`, `"p": null`, `"x": null`, `null`, `"k": null`, `"j": 1e-7`, `"loss": null`, `"f32": null`, `"count": 3`, `"t_max": 50`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("output lacks %s:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "Skip") || strings.Contains(string(b), "hide") {
		t.Errorf("ignored fields written:\n%s", b)
	}
	var back outer
	if err := UnmarshalJSON(b, &back); err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back.A) || back.P != nil || !math.IsNaN(back.In.X) || back.In.Y[0] != 1.5 || !math.IsNaN(back.In.Y[1]) ||
		!math.IsNaN(back.M["k"]) || back.M["j"] != 1e-7 || !math.IsNaN(back.E[0][0]) || back.E[0][1] != 0.25 ||
		back.In.Count != 3 || back.Ins[0].X != 2 || back.Ins[1] != nil || !math.IsNaN(float64(back.F32)) {
		t.Errorf("read back %+v", back)
	}

	// Finite values: the same bytes as encoding/json.
	fin := outer{A: 1.25, P: new(float64), In: inner{X: 3, Y: []float64{1e21, 1e-7}}, M: map[string]float64{"a": 2},
		E: [][2]float64{{1, 2}}, Any: []any{0.1}, F32: 0.1, Raw: json.RawMessage(`[1]`)}
	if err := WriteJSON(path, fin); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := json.MarshalIndent(fin, "", "  ")
	if string(got) != string(want)+"\n" {
		t.Errorf("finite values:\n%s\nwant\n%s", got, want)
	}
}

// TestMarshalJSONTopLevel covers a bare non-finite number and a plain map.
func TestMarshalJSONTopLevel(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{math.NaN(), "null"},
		{map[string]any{"loss": math.Inf(-1), "n": 2}, "{\n  \"loss\": null,\n  \"n\": 2\n}"},
		{[]float64{1, math.Inf(1)}, "[\n  1,\n  null\n]"},
	} {
		b, err := MarshalJSON(c.v)
		if err != nil || string(b) != c.want {
			t.Errorf("MarshalJSON(%v) = %s, %v; want %s", c.v, b, err, c.want)
		}
	}
}
