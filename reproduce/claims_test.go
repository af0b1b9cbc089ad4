package reproduce

import (
	"math"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/sweep"
	"github.com/rnnlab/rnnlab/trainers"
)

// share returns the cumulative shares of the top 10 singular values,
// decaying by ratio and holding mass of the squared norm together (the
// rest lies in the tail).
func share(ratio, mass float64) []float64 {
	sv := make([]float64, 10)
	for i := range sv {
		sv[i] = math.Pow(ratio, float64(i))
	}
	c := cumShare(sv)
	for i := range c {
		c[i] *= mass
	}
	return c
}

// curve is a training loss falling from l0 by a factor 10 every tau epochs.
func curve(l0, tau float64, epochs int) *trainers.Metrics {
	m := &trainers.Metrics{}
	for e := 1; e <= epochs; e++ {
		m.Epoch = append(m.Epoch, e)
		m.Loss = append(m.Loss, l0*math.Pow(10, -float64(e-1)/tau))
		m.GradNorm = append(m.GradNorm, 0)
	}
	return m
}

// synthetic returns sweep results for one task that satisfy claims 1 to
// 4: three g, the norm of dW falling with g, fast learning at 0.9.
func synthetic() *Results {
	s := &SweepResults{Spec: sweep.Spec{G: []float64{0, 0.9, 1.8}, Samples: 1}}
	s.Spec.Train.Model.N = 100
	s.Spec.Train.Epochs = 300
	for i, g := range s.Spec.G {
		a := &runs.Analysis{LossInit: 0.06, LossFinal: 1e-4, MatrixAnalysis: runs.MatrixAnalysis{
			NormDW: 2 - 0.6*float64(i), NormW0: 10 * g,
			Share:       share(0.3, 0.97),
			Truncation:  []float64{0.06, 0.03, 1e-3, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4},
			ShuffleLoss: 0.058,
		}}
		s.Cells = append(s.Cells, &sweep.CellResult{GIndex: i, G: g, Analysis: a})
		s.Metrics = append(s.Metrics, curve(0.06, []float64{100, 20, 50}[i], 300))
	}
	return &Results{Dir: ".", Sweeps: map[string]*SweepResults{"flipflop": s}, Missing: map[string]string{}}
}

func TestClaimsHoldOnSyntheticResults(t *testing.T) {
	r := synthetic()
	for _, c := range []Claim{claim1(r), claim2(r), claim3(r), claim4(r)} {
		if c.Verdict != Holds {
			t.Errorf("claim %d: %s %v", c.Number, c.Verdict, c.Reasons)
		}
		if len(c.Tables) == 0 || len(c.Tables[0].Rows) != 3 {
			t.Errorf("claim %d: tables %+v", c.Number, c.Tables)
		}
	}
	// Claim 5 and 6 have no results: not run, with the reason.
	r.Missing["linear"] = "no linear.json"
	if c := claim5(r); c.Verdict != NotRun || !strings.Contains(strings.Join(c.Reasons, " "), "no linear.json") {
		t.Errorf("claim 5 without results: %s %v", c.Verdict, c.Reasons)
	}
	if c := claim6(r); c.Verdict != NotRun {
		t.Errorf("claim 6 without results: %s", c.Verdict)
	}
}

// Each criterion fails when its measurement crosses the threshold.
func TestClaimsFail(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(s *SweepResults)
		claim  func(*Results) Claim
		reason string
	}{
		{"flat spectrum", func(s *SweepResults) { s.Cells[1].Analysis.Share = share(0.98, 0.85) }, claim1, "singular values"},
		{"no truncation solves", func(s *SweepResults) {
			a := s.Cells[2].Analysis
			for i := range a.Truncation {
				a.Truncation[i] = 0.05
			}
		}, claim2, "no truncation"},
		{"W0 alone solves", func(s *SweepResults) { s.Cells[1].Analysis.Truncation[0] = 1e-4 }, claim2, "W0 alone"},
		{"norm grows", func(s *SweepResults) { s.Cells[2].Analysis.NormDW = 3 }, claim3, "does not shrink"},
		{"slow at 0.9", func(s *SweepResults) { s.Metrics[1] = curve(0.06, 400, 300) }, claim3, "not faster"},
		{"shuffle harmless", func(s *SweepResults) { s.Cells[2].Analysis.ShuffleLoss = 0.02 }, claim4, "shuffled"},
	}
	for _, tc := range cases {
		r := synthetic()
		tc.mutate(r.Sweeps["flipflop"])
		c := tc.claim(r)
		if c.Verdict != DoesNotHold || !strings.Contains(strings.Join(c.Reasons, " "), tc.reason) {
			t.Errorf("%s: claim %d %s %v, want does not hold with %q", tc.name, c.Number, c.Verdict, c.Reasons, tc.reason)
		}
	}
	// A run that did not learn is left out of claims 1, 2 and 4 ...
	r := synthetic()
	a := r.Sweeps["flipflop"].Cells[1].Analysis
	a.LossFinal, a.Share, a.ShuffleLoss = 0.05, share(0.99, 0.5), 0
	for _, c := range []Claim{claim1(r), claim2(r), claim4(r)} {
		if c.Verdict != Holds {
			t.Errorf("claim %d with a run that did not learn: %s %v", c.Number, c.Verdict, c.Reasons)
		}
	}
	// ... and when no run learned, the claims do not hold.
	for _, c := range r.Sweeps["flipflop"].Cells {
		c.Analysis.LossFinal = 0.05
	}
	for _, c := range []Claim{claim1(r), claim2(r)} {
		if c.Verdict != DoesNotHold {
			t.Errorf("claim %d with no run learned: %s", c.Number, c.Verdict)
		}
	}
}

func TestClaim6(t *testing.T) {
	mk := func(dw, w []float64) *Results {
		tr := sentiment.TruncationResult{Hidden: 64, Full: sentiment.Score{Accuracy: 0.80}, Init: sentiment.Score{Accuracy: 0.5},
			Ranks: []int{0, 1, 2, 4, 8, 64}}
		g := sentiment.TruncationGroup{Name: sentiment.AllGroup, RankWithin1: -1, WAccuracyAtRank: math.NaN()}
		g.DW.Accuracy, g.W.Accuracy = dw, w
		for i, a := range dw {
			if a >= 0.79 {
				g.RankWithin1 = tr.Ranks[i]
				break
			}
		}
		tr.Groups = []sentiment.TruncationGroup{g}
		return &Results{Dir: ".", Sentiment: &SentimentResults{Truncation: tr}, Missing: map[string]string{}}
	}
	if c := claim6(mk([]float64{0.5, 0.7, 0.795, 0.8, 0.8, 0.8}, []float64{0.5, 0.55, 0.6, 0.7, 0.75, 0.8})); c.Verdict != Holds {
		t.Errorf("contrast: %s %v", c.Verdict, c.Reasons)
	}
	// W truncation as good as dW truncation.
	if c := claim6(mk([]float64{0.5, 0.7, 0.795, 0.8, 0.8, 0.8}, []float64{0.5, 0.7, 0.795, 0.8, 0.8, 0.8})); c.Verdict != DoesNotHold {
		t.Errorf("no contrast: %s", c.Verdict)
	}
	// A model that did not learn.
	r := mk([]float64{0.5, 0.55, 0.55, 0.56, 0.56, 0.56}, []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.56})
	r.Sentiment.Truncation.Full.Accuracy = 0.56
	if c := claim6(r); c.Verdict != DoesNotHold || !strings.Contains(strings.Join(c.Reasons, " "), "did not learn") {
		t.Errorf("no learning: %s %v", c.Verdict, c.Reasons)
	}
	// Within one point only at rank 64 > H/8.
	if c := claim6(mk([]float64{0.5, 0.6, 0.6, 0.6, 0.6, 0.8}, []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.8})); c.Verdict != DoesNotHold {
		t.Errorf("high rank: %s", c.Verdict)
	}
}

func TestHelpers(t *testing.T) {
	if got := rank90([]float64{0.5, 0.85, 0.9, 1}); got != 3 {
		t.Errorf("rank90 = %d, want 3", got)
	}
	if got := rank90([]float64{0.5, 0.85}); got != -1 {
		t.Errorf("rank90 of a short list = %d, want -1", got)
	}
	// A random square Gaussian matrix needs well over half its singular
	// values for 90% of its squared norm (quarter-circle law: about 0.6 N).
	if r := randomRank90(100); r < 50 || r > 75 {
		t.Errorf("randomRank90(100) = %d, want about 60", r)
	}
	// Loss falling tenfold every 20 epochs: the 10-epoch mean reaches 10%
	// of the first 10 epochs' mean at epoch 30.
	if e := epochsTo(curve(1, 20, 100), 0.1); e != 30 {
		t.Errorf("epochsTo = %d, want 30", e)
	}
	if e := epochsTo(curve(1, 1e9, 100), 0.1); e != -1 {
		t.Errorf("epochsTo of a flat curve = %d, want -1", e)
	}
	if s := lsSlope([]float64{0, 1, 2}, []float64{1, 3, 5}); math.Abs(s-2) > 1e-12 {
		t.Errorf("lsSlope = %g, want 2", s)
	}
}
