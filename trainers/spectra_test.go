package trainers

import (
	"math"
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// TestDWSpectra gives a parameter a known weight change dW = 3 u1 v1^T +
// 1 u2 v2^T (orthonormal u, v) and checks the recorded singular values,
// and those of its two row blocks.
func TestDWSpectra(t *testing.T) {
	w0 := []float64{1, 2, 3, 4, 5, 6, 7, 8} // 4 x 2
	p := models.NewParam("w", w0, 4, 2)
	p.Trainable = true
	ps := models.NewParams(p, models.NewParam("b", []float64{0, 0}, 2))
	s := &DWSpectra{Every: 2, Blocks: map[string]int{"w": 2}}
	if err := s.Start(ps, 3); err != nil {
		t.Fatal(err)
	}
	// u1 = e1, u2 = e4 (rows), v1 = e1, v2 = e2 (columns).
	p.W[0] += 3 // row 0, col 0
	p.W[7] += 1 // row 3, col 1
	for e := 1; e <= 3; e++ {
		if err := s.OnEpoch(Event{Epoch: e, Epochs: 3, Params: ps}); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.Epochs) != 3 || s.Epochs[1] != 2 || s.Epochs[2] != 3 {
		t.Fatalf("epochs %v, want [0 2 3]", s.Epochs)
	}
	if len(s.Names) != 1 || s.Names[0] != "w" {
		t.Errorf("names %v: only the matrix w", s.Names)
	}
	check := func(key string, i int, want []float64) {
		got := s.Values[key][i]
		for k := range want {
			if math.Abs(got[k]-want[k]) > 1e-12 {
				t.Errorf("%s at record %d: singular values %v, want %v", key, i, got, want)
				return
			}
		}
	}
	check("w", 0, []float64{0, 0})
	check("w", 2, []float64{3, 1})
	check("w[0]", 2, []float64{3, 0}) // rows 0-1
	check("w[1]", 2, []float64{1, 0}) // rows 2-3
	bad := &DWSpectra{Every: 1, Blocks: map[string]int{"w": 3}}
	if err := bad.Start(ps, 1); err == nil {
		t.Error("3 blocks of 4 rows: no error")
	}
	if err := (&DWSpectra{Names: []string{"b"}}).Start(ps, 1); err == nil {
		t.Error("a vector parameter: no error")
	}
}

// BenchmarkDWSpectraRecord times one record of the singular values of dW
// of a 256 x 256 recurrent matrix (the paper's flip-flop network): 200 of
// them are what a run with --spectra-every 5 adds to 1000 epochs.
func BenchmarkDWSpectraRecord(b *testing.B) {
	const n = 256
	w := make([]float64, n*n)
	for i := range w {
		w[i] = math.Sin(float64(i))
	}
	p := models.NewParam("wrec", w, n, n)
	for i := range p.W {
		p.W[i] += 1e-3 * math.Cos(float64(3*i))
	}
	ps := models.NewParams(p)
	s := &DWSpectra{Every: 1}
	if err := s.Start(ps, b.N); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := range b.N {
		if err := s.OnEpoch(Event{Epoch: i + 1, Epochs: b.N, Params: ps}); err != nil {
			b.Fatal(err)
		}
	}
}
