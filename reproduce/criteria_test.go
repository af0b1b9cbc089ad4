package reproduce

import (
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sweep"
)

// oneCell returns sweep results of one task with one network per g in gs,
// each analysed as a (a copy of the same analysis), at N n.
func oneCell(n int, gs []float64, a runs.Analysis) *Results {
	s := &SweepResults{Spec: sweep.Spec{G: gs, Samples: 1}}
	s.Spec.Train.Model.N = n
	s.Spec.Train.Epochs = 300
	for i, g := range gs {
		ac := a
		ac.Share = append([]float64(nil), a.Share...)
		ac.Truncation = append([]float64(nil), a.Truncation...)
		s.Cells = append(s.Cells, &sweep.CellResult{GIndex: i, G: g, Analysis: &ac})
		s.Metrics = append(s.Metrics, curve(0.06, 50, 300))
	}
	return &Results{Dir: ".", Sweeps: map[string]*SweepResults{"romo": s}, Missing: map[string]string{}}
}

// sharesWithRank90 returns 30 cumulative shares that first reach 0.9 at
// index k-1 (k singular values).
func sharesWithRank90(k int) []float64 {
	out := make([]float64, 30)
	for i := range out {
		switch {
		case i < k-1:
			out[i] = 0.5 + 0.39*float64(i)/float64(k)
		case i == k-1:
			out[i] = 0.9
		default:
			out[i] = 0.9 + 0.09*float64(i-k+1)/30
		}
	}
	return out
}

func verdictOf(t *testing.T, c Claim, want Verdict, reason string) {
	t.Helper()
	if c.Verdict != want {
		t.Errorf("claim %d: %s, want %s (reasons %v)", c.Number, c.Verdict, want, c.Reasons)
		return
	}
	if reason != "" && !strings.Contains(strings.Join(c.Reasons, " "), reason) {
		t.Errorf("claim %d: reasons %v lack %q", c.Number, c.Reasons, reason)
	}
}

// Claim 1 at N 128: a random matrix needs 66 singular values for 90% of
// its squared norm, so the limit is 22. The authors' networks (at most 18)
// pass; a random dW of any norm fails.
func TestClaim1Criterion(t *testing.T) {
	if got := randomRank90(128); got != 66 {
		t.Fatalf("randomRank90(128) = %d, want 66", got)
	}
	if got := randomRankLimit(128); got != 22 {
		t.Fatalf("limit at N 128 = %d, want 22", got)
	}
	learnedA := runs.Analysis{LossInit: 0.06, LossFinal: 1e-4}
	for _, tc := range []struct {
		name  string
		rank  int
		want  Verdict
		cause string
	}{
		{"a handful", 3, Holds, ""},
		{"the authors' Romo at g 1.8", 18, Holds, ""},
		{"at the limit", 22, Holds, ""},
		{"one past the limit", 23, DoesNotHold, "needs 23 of 128"},
		{"half the spectrum", 30, DoesNotHold, "more than a third"},
	} {
		a := learnedA
		a.Share = sharesWithRank90(tc.rank)
		t.Run(tc.name, func(t *testing.T) { verdictOf(t, claim1(oneCell(128, []float64{0, 0.9, 1.8}, a)), tc.want, tc.cause) })
	}
	// A network that did not learn is not judged, whatever its spectrum.
	a := learnedA
	a.LossFinal, a.Share = 0.05, sharesWithRank90(30)
	r := oneCell(128, []float64{0.9}, a)
	r.Sweeps["romo"].Cells = append(r.Sweeps["romo"].Cells, &sweep.CellResult{GIndex: 0, G: 0.9, Sample: 1, Analysis: &runs.Analysis{LossInit: 0.06, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{Share: sharesWithRank90(5)}}})
	verdictOf(t, claim1(r), Holds, "")
	// Too few singular values recorded to see 90%: not low rank by default.
	a = learnedA
	a.Share = sharesWithRank90(30)[:10]
	verdictOf(t, claim1(oneCell(128, []float64{0.9}, a)), DoesNotHold, "only the top 10")

	// The scientific null: dW a random Gaussian matrix scaled to the norm
	// of a trained dW (2.0): its spectrum is that of the scale.
	for _, seed := range []uint64{7, 8, 9} {
		d := randomMatrix(128, seed)
		d.Scale(2/analysis.FrobeniusNorm(d), d)
		sv, err := analysis.SingularValues(d)
		if err != nil {
			t.Fatal(err)
		}
		a := learnedA
		a.Share = cumShare(sv)
		a.NormDW = analysis.FrobeniusNorm(d)
		verdictOf(t, claim1(oneCell(128, []float64{0.9}, a)), DoesNotHold, "more than a third")
	}
}

// Claim 2: the smallest solving rank up to 10 passes, 11 does not, and W0
// alone solving is the null (the recurrent change is not needed). The
// authors' flip-flop at g 1.8 passes.
func TestClaim2Criterion(t *testing.T) {
	trunc := func(solveAt int) []float64 {
		l := make([]float64, 26)
		for i := range l {
			l[i] = 0.05
			if i >= solveAt {
				l[i] = 1e-4
			}
		}
		return l
	}
	for _, tc := range []struct {
		name  string
		at    int
		want  Verdict
		cause string
	}{
		{"rank 2", 2, Holds, ""},
		{"rank 10, the limit", 10, Holds, ""},
		{"rank 11", 11, DoesNotHold, "no truncation up to rank 10"},
		{"W0 alone", 0, DoesNotHold, "W0 alone"},
	} {
		a := runs.Analysis{LossInit: 0.06, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{Truncation: trunc(tc.at)}}
		t.Run(tc.name, func(t *testing.T) { verdictOf(t, claim2(oneCell(128, []float64{0, 0.9}, a)), tc.want, tc.cause) })
	}
	// The edge of "solves": loss exactly 0.1 x initial solves, above does not.
	a := runs.Analysis{LossInit: 0.06, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{Truncation: []float64{0.05, 0.05, 0.006}}}
	verdictOf(t, claim2(oneCell(128, []float64{0.9}, a)), Holds, "")
	a.Truncation[2] = 0.00601
	verdictOf(t, claim2(oneCell(128, []float64{0.9}, a)), DoesNotHold, "no truncation")
	// The authors' flip-flop, g 1.8 (R = 0, 2, 6, 10; a loss between).
	a = runs.Analysis{LossInit: 0.068, LossFinal: 2e-5, MatrixAnalysis: runs.MatrixAnalysis{Truncation: []float64{0.047, 0.06, 0.053, 0.05, 0.04, 0.035, 0.033, 0.02, 0.01, 0.005, 0.002}}}
	verdictOf(t, claim2(oneCell(256, []float64{1.8}, a)), Holds, "")
}

// Claim 4: the shuffled loss at half the initial one passes, just below
// does not; the authors' (shuffling gives back the initial loss) pass;
// the null, an unshuffled W0 (shuffled loss = trained loss), fails; g = 0
// is not judged.
func TestClaim4Criterion(t *testing.T) {
	for _, tc := range []struct {
		name    string
		shuffle float64
		want    Verdict
	}{
		{"the authors' 0.063 of 0.063", 0.063, Holds},
		{"half the initial loss", 0.0315, Holds},
		{"just below half", 0.0314, DoesNotHold},
		{"unshuffled W0: the trained loss", 1e-4, DoesNotHold},
	} {
		a := runs.Analysis{LossInit: 0.063, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{ShuffleLoss: tc.shuffle}}
		t.Run(tc.name, func(t *testing.T) {
			verdictOf(t, claim4(oneCell(128, []float64{0.9, 1.8}, a)), tc.want, map[Verdict]string{DoesNotHold: "shuffled W0 + dW keeps the loss"}[tc.want])
		})
	}
	r := oneCell(128, []float64{0, 0.9}, runs.Analysis{LossInit: 0.063, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{ShuffleLoss: 0.063}})
	r.Sweeps["romo"].Cells[0].Analysis.ShuffleLoss = 1e-4 // g = 0: W0 = 0, shuffling changes nothing
	verdictOf(t, claim4(r), Holds, "")
}

// Claim 3: equal norms at the ends of the grid do not count as shrinking.
func TestClaim3Edges(t *testing.T) {
	r := oneCell(128, []float64{0, 0.9, 1.8}, runs.Analysis{LossInit: 0.06, LossFinal: 1e-4})
	s := r.Sweeps["romo"]
	for i, n := range []float64{2, 1.5, 2} {
		s.Cells[i].Analysis.NormDW = n
	}
	s.Metrics[1] = curve(0.06, 20, 300)
	verdictOf(t, claim3(r), DoesNotHold, "does not shrink")
	s.Cells[2].Analysis.NormDW = 1.999
	verdictOf(t, claim3(r), Holds, "")
	if !strings.Contains(claim3(r).Scope, "one network") {
		t.Errorf("scope %q does not say each g rests on one network", claim3(r).Scope)
	}
	// Same learning time at g 0.9 as at g 0: not faster.
	s.Metrics[1] = curve(0.06, 50, 300)
	verdictOf(t, claim3(r), DoesNotHold, "not faster")
}
