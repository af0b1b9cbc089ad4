package sweep

import (
	"fmt"
	"github.com/rnnlab/rnnlab/internal/jsondiff"

	"github.com/rnnlab/rnnlab/internal/cells"
	"github.com/rnnlab/rnnlab/runs"
)

// Spec is everything that defines a sweep's results; it is written to
// DIR/sweep.json and must match exactly when a sweep is resumed, sharded
// or collected. It holds no paths, timings or job counts.
type Spec struct {
	// Train is the training configuration of every cell; its Model.G and
	// Seed are replaced per cell.
	Train runs.Config `json:"train"`
	// G is the grid of g values.
	G []float64 `json:"g"`
	// Samples is the number of networks per g.
	Samples int `json:"samples"`
	// SameW0 shares the random matrix X of wrec0 = g X across g: the seed
	// of a cell then depends on the sample only.
	SameW0 bool `json:"same_w0"`
	// Analysis sets the per-cell analysis.
	Analysis runs.AnalysisConfig `json:"analysis"`
}

// Cell is one (g, sample) training of a sweep.
type Cell struct {
	// Index is the cell's position in the sweep's fixed order (g-major).
	Index  int
	GIndex int
	Sample int
	G      float64
	Seed   uint64
}

// Name is the cell's directory name, e.g. g03_s1 (g index 3, sample 1).
func (c Cell) Name() string { return fmt.Sprintf("g%02d_s%d", c.GIndex, c.Sample) }

// Describe says which network the cell trains, for progress lines.
func (c Cell) Describe() string { return fmt.Sprintf("g = %v, sample %d", c.G, c.Sample) }

// Validate reports an invalid field of the spec.
func (s Spec) Validate() error {
	if len(s.G) == 0 {
		return fmt.Errorf("g grid is empty")
	}
	for _, g := range s.G {
		if !(g >= 0) {
			return fmt.Errorf("g = %v: must be >= 0", g)
		}
	}
	if s.Samples < 1 {
		return fmt.Errorf("samples = %d: must be >= 1", s.Samples)
	}
	c := s.Train
	hasG := c.Model.HasG()
	if hasG {
		c.Model = c.Model.WithG(s.G[0])
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if !hasG && (len(s.G) != 1 || s.G[0] != 0) {
		return fmt.Errorf("g: model %s has no initial connectivity strength g; sweep it without --g (one cell per sample)", c.Model.Name)
	}
	return s.Analysis.Validate()
}

// Cells lists the sweep's cells in their fixed order: g-major, then sample.
func (s Spec) Cells() []Cell {
	var cs []Cell
	for gi, g := range s.G {
		for k := 0; k < s.Samples; k++ {
			cs = append(cs, Cell{
				Index: len(cs), GIndex: gi, Sample: k, G: g,
				Seed: CellSeed(s.Train.Seed, gi, k, s.SameW0),
			})
		}
	}
	return cs
}

// CellSeed derives a cell's seed from the sweep's base seed, the g index
// and the sample: FNV-1a of the three, passed through splitmix64's
// finaliser so that neighbouring cells get unrelated seeds. With sameW0 the
// g index is left out, so that every g of one sample starts from the same
// X (and draws the same batches).
func CellSeed(base uint64, gIndex, sample int, sameW0 bool) uint64 {
	return cells.Seed("rnnlab-sweep", base, gIndex, sample, sameW0)
}

// Config returns the training configuration of a cell.
func (s Spec) Config(c Cell) runs.Config {
	cfg := s.Train
	if cfg.Model.HasG() {
		cfg.Model = cfg.Model.WithG(c.G)
	}
	cfg.Seed = c.Seed
	cfg.Model.Train = append([]string(nil), s.Train.Model.Train...)
	return cfg
}

// Diff returns "" when a and b define the same sweep, and otherwise a
// sentence naming the first field that differs and both values. How often
// cells checkpoint does not change results and is not compared, nor is the
// gemm kernel (provenance; Run warns when finished cells used another).
func Diff(a, b Spec) string {
	a.Train = runs.MatchLegacy(a.Train, b.Train)
	if k, va, vb, ok := jsondiff.First(a, b, "train.checkpoint_every", "train.gemm_kernel"); ok {
		return fmt.Sprintf("%s is %s in the sweep directory but %s now", k, va, vb)
	}
	return ""
}
