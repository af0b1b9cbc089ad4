package trialfile

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

// labelled returns K trials of T steps in which input[k, t, 0] = k, so that
// a batch's trials can be identified, with a mask of ones.
func labelled(K, T int) *datasets.Batch {
	b := datasets.NewBatch(K, T, 2, 1)
	for k := range K {
		for t := range T {
			b.Input[b.In(k, t, 0)] = float64(k)
			b.Input[b.In(k, t, 1)] = float64(t)
			b.Target[b.Out(k, t, 0)] = float64(k) / 10
			b.Mask[b.Out(k, t, 0)] = 1
		}
	}
	return b
}

// writeFile writes b as a trial file in a temporary directory and reads it.
func writeFile(t *testing.T, b *datasets.Batch, dt float64) *File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trials.npz")
	if err := Write(path, b, dt); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ids returns input[k, 0, 0] of every trial of b.
func ids(b *datasets.Batch) []int {
	out := make([]int, b.B)
	for k := range b.B {
		out[k] = int(b.Input[b.In(k, 0, 0)])
	}
	return out
}

func TestWriteReadRoundTrip(t *testing.T) {
	task, err := tasks.New("flipflop", 0.5)
	if err != nil {
		t.Fatal(err)
	}
	b := task.Sample(rand.New(rand.NewPCG(3, 4)), 16)
	path := filepath.Join(t.TempDir(), "ff.npz")
	if err := Write(path, b, 0.5); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.K != 16 || f.T != 100 || f.Din != 2 || f.Dout != 2 || f.Dt != 0.5 {
		t.Fatalf("read K=%d T=%d Din=%d Dout=%d dt=%v, want 16, 100, 2, 2, 0.5", f.K, f.T, f.Din, f.Dout, f.Dt)
	}
	if !slices.Equal(f.Input, b.Input) || !slices.Equal(f.Target, b.Target) || !slices.Equal(f.Mask, b.Mask) {
		t.Fatal("arrays differ after the round trip")
	}
	raw, _ := os.ReadFile(path)
	sum := sha256.Sum256(raw)
	if want := hex.EncodeToString(sum[:]); f.SHA256 != want {
		t.Fatalf("SHA256 = %s, want %s", f.SHA256, want)
	}
	if h, err := Hash(path); err != nil || h != f.SHA256 {
		t.Fatalf("Hash = %s, %v; want %s", h, err, f.SHA256)
	}
	// Trials copies: changing the batch leaves the file's data alone.
	got := f.Trials([]int{5, 2})
	if !slices.Equal(got.Input[:200], b.Input[5*200:6*200]) || !slices.Equal(got.Mask[200:], b.Mask[2*200:3*200]) {
		t.Fatal("Trials([5, 2]) does not hold trials 5 and 2")
	}
	got.Input[0] = 99
	if f.Input[5*200] == 99 {
		t.Fatal("Trials shares memory with the file")
	}
}

// TestReadNumPyFloat32 reads testdata/f32.npz, written by NumPy
// (testdata/make_f32.py): float32 arrays and a 0-d dt. float32 values are
// compared with the float32 rounding of the exact values.
func TestReadNumPyFloat32(t *testing.T) {
	f, err := Read("testdata/f32.npz")
	if err != nil {
		t.Fatal(err)
	}
	if f.K != 3 || f.T != 4 || f.Din != 2 || f.Dout != 1 || f.Dt != 0.5 {
		t.Fatalf("K=%d T=%d Din=%d Dout=%d dt=%v, want 3, 4, 2, 1, 0.5", f.K, f.T, f.Din, f.Dout, f.Dt)
	}
	b := f.Trials([]int{0, 1, 2})
	for k := range 3 {
		for s := range 4 {
			for i := range 2 {
				want := float64(float32(float64(k) + float64(s)/10 + float64(i)/100))
				if got := b.Input[b.In(k, s, i)]; got != want {
					t.Fatalf("input[%d, %d, %d] = %v, want %v", k, s, i, got, want)
				}
			}
			if got, want := b.Target[b.Out(k, s, 0)], float64(float32(-(float64(k) + float64(s)/10))); got != want {
				t.Fatalf("target[%d, %d, 0] = %v, want %v", k, s, got, want)
			}
			if got, want := b.Mask[b.Out(k, s, 0)], float64(min(1, s/2)); got != want {
				t.Fatalf("mask[%d, %d, 0] = %v, want %v", k, s, got, want)
			}
		}
	}
}

// TestReadBadInput writes one broken file per case and checks that Read
// refuses it with an error naming the array (or entry) at fault.
func TestReadBadInput(t *testing.T) {
	arr := func(fill float64, shape ...int) fileio.Array {
		n := 1
		for _, d := range shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = fill
		}
		return fileio.NewArray(data, shape...)
	}
	good := func() map[string]fileio.Array {
		return map[string]fileio.Array{"input": arr(0, 4, 3, 2), "target": arr(0, 4, 3, 1), "mask": arr(1, 4, 3, 1)}
	}
	with := func(edit func(m map[string]fileio.Array)) map[string]fileio.Array {
		m := good()
		edit(m)
		return m
	}
	cases := []struct {
		name   string
		arrays map[string]fileio.Array
		want   []string
	}{
		{"missing input", with(func(m map[string]fileio.Array) { delete(m, "input") }), []string{`"input"`, "missing"}},
		{"missing target", with(func(m map[string]fileio.Array) { delete(m, "target") }), []string{`"target"`, "missing"}},
		{"missing mask", with(func(m map[string]fileio.Array) { delete(m, "mask") }), []string{`"mask"`, "missing"}},
		{"input rank 2", with(func(m map[string]fileio.Array) { m["input"] = arr(0, 4, 6) }), []string{`"input"`, "[4 6]", "three dimensions"}},
		{"target of other K", with(func(m map[string]fileio.Array) { m["target"] = arr(0, 5, 3, 1) }), []string{`"target"`, "[5 3 1]", "K = 4"}},
		{"target of other T", with(func(m map[string]fileio.Array) { m["target"] = arr(0, 4, 2, 1) }), []string{`"target"`, "T = 3"}},
		{"mask of other shape", with(func(m map[string]fileio.Array) { m["mask"] = arr(1, 4, 3, 2) }), []string{`"mask"`, "[4 3 2]", "[4 3 1]"}},
		{"no trials", map[string]fileio.Array{"input": arr(0, 0, 3, 2), "target": arr(0, 0, 3, 1), "mask": arr(1, 0, 3, 1)}, []string{`"input"`, "K = 0"}},
		{"no outputs", with(func(m map[string]fileio.Array) { m["target"], m["mask"] = arr(0, 4, 3, 0), arr(0, 4, 3, 0) }), []string{`"target"`, "Dout = 0"}},
		{"NaN input", with(func(m map[string]fileio.Array) { m["input"].Data[1*6+2*2+1] = math.NaN() }), []string{`"input"`, "[1, 2, 1]", "NaN", "finite"}},
		{"Inf target", with(func(m map[string]fileio.Array) { m["target"].Data[3*3+0] = math.Inf(-1) }), []string{`"target"`, "[3, 0, 0]", "-Inf"}},
		{"NaN mask", with(func(m map[string]fileio.Array) { m["mask"].Data[0] = math.NaN() }), []string{`"mask"`, "[0, 0, 0]"}},
		{"negative mask", with(func(m map[string]fileio.Array) { m["mask"].Data[5] = -1 }), []string{`"mask"`, "[1, 2, 0]", ">= 0"}},
		{"all-zero mask", with(func(m map[string]fileio.Array) { m["mask"] = arr(0, 4, 3, 1) }), []string{`"mask"`, "trial 0", "all zero"}},
		{"one trial's mask zero", with(func(m map[string]fileio.Array) { copy(m["mask"].Data[6:9], []float64{0, 0, 0}) }), []string{`"mask"`, "trial 2", "all zero"}},
		{"dt not scalar", with(func(m map[string]fileio.Array) { m["dt"] = arr(0.5, 2) }), []string{`"dt"`, "scalar"}},
		{"dt zero", with(func(m map[string]fileio.Array) { m["dt"] = arr(0) }), []string{`"dt"`, "> 0"}},
		{"dt NaN", with(func(m map[string]fileio.Array) { m["dt"] = arr(math.NaN()) }), []string{`"dt"`, "> 0"}},
		{"unexpected array", with(func(m map[string]fileio.Array) { m["inputs"] = arr(0, 1) }), []string{`"inputs"`, "unexpected"}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npz")
			if err := fileio.WriteNPZ(path, c.arrays); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range append(c.want, path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// Write refuses what Read refuses.
			if in, ok := c.arrays["input"]; ok && len(in.Shape) == 3 {
				if tg, ok := c.arrays["target"]; ok && len(tg.Shape) == 3 {
					if mk, ok := c.arrays["mask"]; ok && len(mk.Shape) == 3 && c.arrays["dt"].Data == nil && c.arrays["inputs"].Data == nil {
						b := &datasets.Batch{B: in.Shape[0], T: in.Shape[1], Din: in.Shape[2], Dout: tg.Shape[2], Input: in.Data, Target: tg.Data, Mask: mk.Data}
						if Write(filepath.Join(dir, "w.npz"), b, 0) == nil {
							t.Error("Write accepted trials that Read refuses")
						}
					}
				}
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "absent.npz")); err == nil || !strings.Contains(err.Error(), "absent.npz") {
		t.Errorf("missing file: error %v does not name it", err)
	}
}

func TestCheckDt(t *testing.T) {
	f := writeFile(t, labelled(4, 3), 0.5)
	if err := f.CheckDt(0.5); err != nil {
		t.Fatal(err)
	}
	err := f.CheckDt(0.1)
	if err == nil || !strings.Contains(err.Error(), "dt = 0.5") || !strings.Contains(err.Error(), "0.1") {
		t.Fatalf("CheckDt(0.1) = %v, want an error naming both dts", err)
	}
	if err := writeFile(t, labelled(4, 3), 0).CheckDt(0.1); err != nil {
		t.Fatalf("a file without dt fits any dt: %v", err)
	}
}
