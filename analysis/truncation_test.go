package analysis_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
)

// shapes covers a square recurrent matrix and the two LSTM orientations
// (weight_hh [4H, H], and a wide matrix).
var shapes = []struct{ rows, cols int }{{40, 40}, {24, 6}, {6, 24}}

// TestTruncationEnds checks the two ends of the truncation curve: rank 0
// is W0 bit for bit, full rank is W. At full rank the result is W0 +
// U S V^T with a backward-stable SVD, whose reconstruction error is a
// modest multiple of eps·||dW||; 1e-12 relative to ||W|| leaves a factor of
// about 4500 over eps for it.
func TestTruncationEnds(t *testing.T) {
	rng := newRand(3)
	for _, sh := range shapes {
		t.Run(fmt.Sprintf("%dx%d", sh.rows, sh.cols), func(t *testing.T) {
			w0 := randn(rng, sh.rows, sh.cols, 0.9/math.Sqrt(float64(sh.cols)))
			dw := randn(rng, sh.rows, sh.cols, 0.1)
			var w mat.Dense
			w.Add(w0, dw)
			check0, checkW := unchanged(t, "W0", w0), unchanged(t, "W", &w)

			tr, err := analysis.NewTruncation(w0, &w)
			if err != nil {
				t.Fatal(err)
			}
			if tr.MaxRank() != min(sh.rows, sh.cols) {
				t.Errorf("MaxRank = %d, want %d", tr.MaxRank(), min(sh.rows, sh.cols))
			}
			r0, err := tr.TruncateRank(0)
			if err != nil {
				t.Fatal(err)
			}
			sameMatrix(t, "TruncateRank(0) vs W0", r0, w0)
			full, err := tr.TruncateRank(tr.MaxRank())
			if err != nil {
				t.Fatal(err)
			}
			if e := relDiff(full, &w); e > 1e-12 {
				t.Errorf("TruncateRank(full): ||. - W||/||W|| = %.3g > 1e-12", e)
			}
			check0()
			checkW()

			// Later changes to the caller's matrices do not reach the
			// Truncation.
			w0.Set(0, 0, 1e6)
			r0again, _ := tr.TruncateRank(0)
			if r0again.At(0, 0) == 1e6 {
				t.Error("Truncation aliases W0")
			}
		})
	}
}

// TestTruncationOfConstructedDW builds dW = U diag(s) V^T with known
// orthonormal U, V and checks that the Truncation returns s and that the
// rank-r error is the Eckart–Young tail sum_{i>=r} s_i^2. Every entry of
// dW_r carries a rounding error of order eps·s_1·sqrt(r), so ||dW - dW_r||^2
// is off by about 2·||dW||·sqrt(rows·cols)·eps·s_1, far below the
// tolerance 1e-12·||dW||_F^2.
func TestTruncationOfConstructedDW(t *testing.T) {
	rng := newRand(4)
	s := []float64{3, 2, 1, 0.5, 0.25, 0.125}
	var total float64
	for _, x := range s {
		total += x * x
	}
	for _, sh := range shapes {
		t.Run(fmt.Sprintf("%dx%d", sh.rows, sh.cols), func(t *testing.T) {
			k := min(sh.rows, sh.cols, len(s))
			u, v := orthonormal(rng, sh.rows, k), orthonormal(rng, sh.cols, k)
			dw := construct(u, v, s[:k])
			w0 := randn(rng, sh.rows, sh.cols, 1)
			var w mat.Dense
			w.Add(w0, dw)
			tr, err := analysis.NewTruncation(w0, &w)
			if err != nil {
				t.Fatal(err)
			}
			got := tr.SingularValues()
			// dW was formed as W - W0 from W = W0 + dW, which rounds at
			// the scale of ||W0|| entries (~1): allow eps·||W||_F·100.
			tol := 100 * eps * mat.Norm(&w, 2)
			for i := range got {
				want := 0.0
				if i < k {
					want = s[i]
				}
				if math.Abs(got[i]-want) > tol {
					t.Errorf("s_%d = %.17g, want %g (tol %.2g)", i, got[i], want, tol)
				}
			}
			for r := 0; r <= tr.MaxRank(); r++ {
				dwr, err := tr.DW(r)
				if err != nil {
					t.Fatal(err)
				}
				var e mat.Dense
				e.Sub(dw, dwr)
				f := mat.Norm(&e, 2)
				var tail float64
				for i := r; i < k; i++ {
					tail += s[i] * s[i]
				}
				if math.Abs(f*f-tail) > 1e-12*total {
					t.Errorf("rank %d: ||dW - dW_r||^2 = %.17g, want sum_{i>=r} s_i^2 = %.17g", r, f*f, tail)
				}
				// TruncateRank is W0 + DW.
				wr, _ := tr.TruncateRank(r)
				var back mat.Dense
				back.Sub(wr, w0)
				if d := maxAbsDiff(&back, dwr); d > 4*eps*mat.Norm(&w, math.Inf(1)) {
					t.Errorf("rank %d: TruncateRank - W0 differs from DW by %.3g", r, d)
				}
			}
			uk, vk, err := tr.SingularVectors(k)
			if err != nil {
				t.Fatal(err)
			}
			if e := orthoErr(uk); e > 1e-13 {
				t.Errorf("U_k^T U_k - I: max %.3g", e)
			}
			if e := orthoErr(vk); e > 1e-13 {
				t.Errorf("V_k^T V_k - I: max %.3g", e)
			}
			// span(U_k) = span(U): the projector onto one is the projector
			// onto the other.
			if share, err := analysis.Share(u, uk); err != nil || math.Abs(share-1) > 1e-12 {
				t.Errorf("share of U_k in span(U) = %v (%v), want 1", share, err)
			}
		})
	}
}

// TestLowRankTruncatesW checks the LSTM control: truncating W itself.
func TestLowRankTruncatesW(t *testing.T) {
	rng := newRand(5)
	w := randn(rng, 24, 6, 1)
	sv, err := analysis.SingularValues(w)
	if err != nil {
		t.Fatal(err)
	}
	lr, err := analysis.NewLowRank(w)
	if err != nil {
		t.Fatal(err)
	}
	z, _ := lr.TruncateRank(0)
	sameMatrix(t, "rank-0 approximation of W", z, mat.NewDense(24, 6, nil))
	var total float64
	for _, x := range sv {
		total += x * x
	}
	for r := 1; r <= lr.MaxRank(); r++ {
		wr, err := lr.TruncateRank(r)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := analysis.SingularValues(wr)
		for i := r; i < len(got); i++ {
			if got[i] > 1e-12*sv[0] {
				t.Errorf("rank-%d approximation has s_%d = %.3g, want 0", r, i, got[i])
			}
		}
		var e mat.Dense
		e.Sub(w, wr)
		f := mat.Norm(&e, 2)
		var tail float64
		for i := r; i < len(sv); i++ {
			tail += sv[i] * sv[i]
		}
		if math.Abs(f*f-tail) > 1e-12*total {
			t.Errorf("rank %d: ||W - W_r||^2 = %.17g, want %.17g", r, f*f, tail)
		}
	}
}

func TestTruncationBadInput(t *testing.T) {
	a, b := mat.NewDense(4, 3, nil), mat.NewDense(3, 4, nil)
	if _, err := analysis.NewTruncation(a, b); !errors.Is(err, analysis.ErrShape) {
		t.Errorf("W0 4×3, W 3×4: err = %v, want ErrShape", err)
	}
	c := mat.NewDense(4, 3, nil)
	c.Set(2, 1, math.NaN())
	if _, err := analysis.NewTruncation(a, c); !errors.Is(err, analysis.ErrNotFinite) {
		t.Errorf("NaN in W: err = %v, want ErrNotFinite", err)
	}
	if _, err := analysis.NewLowRank(c); !errors.Is(err, analysis.ErrNotFinite) {
		t.Errorf("NaN in W (low rank): err = %v, want ErrNotFinite", err)
	}
	tr, err := analysis.NewTruncation(a, randn(newRand(6), 4, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []int{-1, 4} {
		if _, err := tr.TruncateRank(r); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("TruncateRank(%d) of a 4×3 matrix: err = %v, want ErrRange", r, err)
		}
		if _, err := tr.DW(r); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("DW(%d) of a 4×3 matrix: err = %v, want ErrRange", r, err)
		}
	}
	for _, k := range []int{0, 4} {
		if _, _, err := tr.SingularVectors(k); !errors.Is(err, analysis.ErrRange) {
			t.Errorf("SingularVectors(%d) of a 4×3 matrix: err = %v, want ErrRange", k, err)
		}
	}
}
