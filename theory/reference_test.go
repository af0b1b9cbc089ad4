package theory

import (
	"testing"

	"github.com/rnnlab/rnnlab/datasets/tasks"
)

// The decision of docs/theory.md section 10: the corrected theory is the
// reference for dW's direction and for the learning curves; the
// first-order direction is shown beside it with its error. That error,
// 1 - overlap of the first-order direction with the corrected one after
// 200 epochs, must grow with the target amplitude (at every g) and with g
// (at every target), as the expansion says (it is of order chi, and chi
// grows with both). N 256, three draws, targets 0.5 and 1, the quick
// preset's rates. Measured: 0.022-0.029 at g 0, target 0.5, up to
// 0.067-0.106 at g 0.9, target 1 (docs/theory.md, section 11). (Target 2 is left out: a slow draw at g 0.9 has not
// finished learning in 200 epochs, and its error is smaller than at
// target 1.)
func TestFirstOrderErrorGrowsWithTargetAndG(t *testing.T) {
	gs, amps := []float64{0, 0.6, 0.9}, []float64{0.5, 1}
	base := map[float64]float64{0.5: 0.015, 1: 0.009}
	for _, seed := range []uint64{1, 2, 3} {
		errs := map[[2]float64]float64{}
		for _, g := range gs {
			m := linearModel(t, 256, g, seed)
			for _, amp := range amps {
				task := tasks.NewFixedPoint(0.5)
				task.TargetAmp = amp
				p, err := FromTask(m, task)
				if err != nil {
					t.Fatal(err)
				}
				lr := base[amp] * (1 - g*g) * (1 - g*g)
				pred, err := p.Predict(lr, 200)
				if err != nil {
					t.Fatal(err)
				}
				l1, r1 := pred.Fixed.Direction()
				_, l2, r2, err := pred.DW(200)
				if err != nil {
					t.Fatalf("seed %d g %.1f target %.1f: %v", seed, g, amp, err)
				}
				e := 1 - min(Overlap(l1, l2), Overlap(r1, r2))
				errs[[2]float64{g, amp}] = e
				t.Logf("seed %d g %.1f target %.1f: chi %.2f, first-order error %.4f", seed, g, amp, pred.Fixed.Chi(), e)
				if !(e > 0 && e < 0.2) {
					t.Errorf("seed %d g %.1f target %.1f: first-order error %.4f outside (0, 0.2)", seed, g, amp, e)
				}
			}
		}
		for _, g := range gs {
			if a, b := errs[[2]float64{g, 0.5}], errs[[2]float64{g, 1}]; !(b > a) {
				t.Errorf("seed %d g %.1f: first-order error %.4f at target 1, not above %.4f at target 0.5", seed, g, b, a)
			}
		}
		for _, amp := range amps {
			for i := 1; i < len(gs); i++ {
				if a, b := errs[[2]float64{gs[i-1], amp}], errs[[2]float64{gs[i], amp}]; !(b > a) {
					t.Errorf("seed %d target %.1f: first-order error %.4f at g %.1f, not above %.4f at g %.1f", seed, amp, b, gs[i], a, gs[i-1])
				}
			}
		}
	}
}
