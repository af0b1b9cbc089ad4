package linear

import (
	"encoding/json"
	"fmt"
	"github.com/rnnlab/rnnlab/internal/jsondiff"
	"math"

	"github.com/rnnlab/rnnlab/internal/cells"
	"github.com/rnnlab/rnnlab/runs"
)

// Spec is everything that defines an experiment's results; it is written to
// DIR/linear.json and must match exactly when the experiment is resumed. It
// holds no paths, timings or job counts.
type Spec struct {
	// Train is the training configuration of every cell: task, network,
	// epochs, optimiser, base seed. Per cell, Model.G, Seed, LR0 and the
	// task parameter target_amp are replaced.
	Train runs.Config `json:"train"`
	// G is the grid of g values.
	G []float64 `json:"g"`
	// Targets are the target amplitudes, BaseRates the base learning rate
	// of each (the same length).
	Targets   []float64 `json:"targets"`
	BaseRates []float64 `json:"base_rates"`
	// Rescale sets lr0 = base (1 - g^2)^2, the paper's rescaling that makes
	// the learning curves of all g comparable; without it lr0 = base.
	Rescale bool `json:"rescale"`
	// Samples is the number of networks per (g, target).
	Samples int `json:"samples"`
	// SameW0 shares the random matrix X of wrec0 = g X (and wi, wo) across
	// g: the seed of a cell then depends on the sample only.
	SameW0 bool `json:"same_w0"`
	// TrackEvery > 0 records dW's top singular triplet and its overlaps
	// with the predicted directions every that many epochs (tracking.csv).
	TrackEvery int `json:"track_every"`
	// EigEvery > 0 records the eigenvalues of W every that many epochs
	// (eigenvalues.npz); an O(N^3) cost each time.
	EigEvery int `json:"eig_every,omitempty"`
	// H0 sets the initial state: "" keeps the model's h0 = 0, "wi" sets
	// h0 = wi (for the autonomous cosine task, which has no input).
	H0 string `json:"h0,omitempty"`
}

// Cell is one (g, target, sample) training of the experiment.
type Cell struct {
	// Index is the cell's position in the fixed order (g-major, then
	// target, then sample).
	Index       int
	GIndex      int
	TargetIndex int
	Sample      int
	G           float64
	Target      float64
	BaseRate    float64
	Seed        uint64
}

// Name is the cell's directory name, e.g. g03_t1_s0 (g index 3, target
// index 1, sample 0).
func (c Cell) Name() string {
	return fmt.Sprintf("g%02d_t%d_s%d", c.GIndex, c.TargetIndex, c.Sample)
}

// Describe says which network the cell trains, for progress lines.
func (c Cell) Describe() string {
	return fmt.Sprintf("g = %v, target %v, sample %d", c.G, c.Target, c.Sample)
}

// LR returns the learning rate lr0 of a cell: base (1 - g^2)^2 with
// rescaling, base without.
func LR(base, g float64, rescale bool) float64 {
	if !rescale {
		return base
	}
	a := 1 - g*g
	return base * a * a
}

// Validate reports an invalid field of the spec.
func (s Spec) Validate() error {
	if len(s.G) == 0 {
		return fmt.Errorf("g grid is empty")
	}
	seen := map[float64]bool{}
	for _, g := range s.G {
		if !(g >= 0) || math.IsInf(g, 0) {
			return fmt.Errorf("g = %v: must be finite and >= 0", g)
		}
		if seen[g] {
			return fmt.Errorf("g = %v appears twice in the grid", g)
		}
		seen[g] = true
		if s.Rescale && g >= 1 {
			return fmt.Errorf("g = %v: with the learning rate rescaled by (1 - g^2)^2 the rate is %v for g >= 1 "+
				"(the speed-up 1/(1 - g^2)^2 it compensates diverges at g = 1); keep g < 1 or turn rescaling off (--no-rescale)",
				g, LR(1, g, true))
		}
	}
	if len(s.Targets) == 0 {
		return fmt.Errorf("targets: no target amplitude given")
	}
	if len(s.BaseRates) != len(s.Targets) {
		return fmt.Errorf("base rates: %d given for %d targets: give one base rate per target amplitude",
			len(s.BaseRates), len(s.Targets))
	}
	seenT := map[float64]bool{}
	for i, a := range s.Targets {
		if !finite(a) {
			return fmt.Errorf("targets: %v is not a finite number", a)
		}
		if seenT[a] {
			return fmt.Errorf("targets: %v appears twice", a)
		}
		seenT[a] = true
		if b := s.BaseRates[i]; !(b > 0) || math.IsInf(b, 0) {
			return fmt.Errorf("base rates: %v (for target %v) must be finite and > 0", b, a)
		}
	}
	if s.Samples < 1 {
		return fmt.Errorf("samples = %d: must be >= 1", s.Samples)
	}
	if s.TrackEvery < 0 {
		return fmt.Errorf("track-every = %d: must be >= 0 (0: no tracking)", s.TrackEvery)
	}
	if s.EigEvery < 0 {
		return fmt.Errorf("eig-every = %d: must be >= 0 (0: no eigenvalues)", s.EigEvery)
	}
	switch s.H0 {
	case "", "wi":
	default:
		return fmt.Errorf("h0 = %q: allowed \"\" (zero) or \"wi\"", s.H0)
	}
	if s.Train.Model.Din != 1 || s.Train.Model.Dout != 1 {
		return fmt.Errorf("task %s has %d inputs and %d outputs: the linear experiment needs one of each",
			s.Train.Task, s.Train.Model.Din, s.Train.Model.Dout)
	}
	for _, c := range s.Cells()[:1] {
		cfg, err := s.Config(c)
		if err != nil {
			return err
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// HasTheory reports whether the cells get the analytic theory: the
// fixed-point task with the linear, noiseless network.
func (s Spec) HasTheory() bool {
	m := s.Train.Model
	return s.Train.Task == "fixedpoint" && m.Phi == "id" && m.ReadoutPhi() == "id" && m.Noise == 0
}

// Cells lists the cells in their fixed order: g-major, then target, then
// sample.
func (s Spec) Cells() []Cell {
	var cs []Cell
	for gi, g := range s.G {
		for ti, a := range s.Targets {
			for k := 0; k < s.Samples; k++ {
				base := 0.0
				if ti < len(s.BaseRates) {
					base = s.BaseRates[ti]
				}
				cs = append(cs, Cell{
					Index: len(cs), GIndex: gi, TargetIndex: ti, Sample: k,
					G: g, Target: a, BaseRate: base,
					Seed: CellSeed(s.Train.Seed, gi, k, s.SameW0),
				})
			}
		}
	}
	return cs
}

// CellSeed derives a cell's seed from the base seed, the g index and the
// sample: FNV-1a of the three, passed through splitmix64's finaliser. The
// target does not enter: the cells of one (g, sample) train the same
// network (W0, wi, wo) towards different targets, so that targets are
// compared on the same draws. With sameW0 the g index is left out too.
func CellSeed(base uint64, gIndex, sample int, sameW0 bool) uint64 {
	return cells.Seed("rnnlab-linear", base, gIndex, sample, sameW0)
}

// Config returns the training configuration of a cell, with every task
// parameter resolved.
func (s Spec) Config(c Cell) (runs.Config, error) {
	cfg := s.Train
	cfg.Model.G = c.G
	cfg.Model.Train = append([]string(nil), s.Train.Model.Train...)
	cfg.Seed = c.Seed
	cfg.LR0 = LR(c.BaseRate, c.G, s.Rescale)
	params := map[string]any{}
	if len(s.Train.TaskParams) > 0 {
		if err := json.Unmarshal(s.Train.TaskParams, &params); err != nil {
			return cfg, fmt.Errorf("task parameters: %w", err)
		}
		if params == nil {
			params = map[string]any{}
		}
	}
	params["target_amp"] = c.Target
	raw, _ := json.Marshal(params)
	cfg.TaskParams = raw
	if err := cfg.Resolve(); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Diff returns "" when a and b define the same experiment, and otherwise a
// sentence naming the first field that differs and both values. How often
// cells checkpoint does not change results and is not compared.
func Diff(a, b Spec) string {
	a.Train = runs.MatchLegacy(a.Train, b.Train)
	if k, va, vb, ok := jsondiff.First(a, b, "train.checkpoint_every"); ok {
		return fmt.Sprintf("%s is %s in the directory but %s now", k, va, vb)
	}
	return ""
}
