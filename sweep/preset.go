package sweep

import (
	"fmt"

	"github.com/rnnlab/rnnlab/runs"
)

// Presets lists the named sweep protocols.
var Presets = []string{"paper", "quick"}

// paperGrid is the paper's g grid per task (SPEC.md).
var paperGrid = map[string]string{
	"flipflop": "0:2.1:0.3",
	"mante":    "0:2.7:0.3",
	"romo":     "0:3:0.3",
}

// Preset returns the sweep of a named protocol for a task:
//
//   - paper: the full protocol of SPEC.md: N 256, the task's paper epochs,
//     the g grid 0..2.1 (flip-flop), 0..2.7 (Mante) or 0..3.0 (Romo) in
//     steps of 0.3, 5 samples, 200 dW spectra per run, and the analysis of
//     512 test trials, ranks 0..25 and 5 shuffles.
//   - quick: g = 0, 0.9 and 1.8, one sample, N 128 and fewer epochs (500
//     for flip-flop, 1000 for Mante, 3000 for Romo), 100 dW spectra per
//     run and 256 test trials; a few minutes per task on 2 cores, and the
//     same claims visible.
func Preset(name, task string) (Spec, error) {
	cfg, err := runs.DefaultConfig(task)
	if err != nil {
		return Spec{}, err
	}
	grid, ok := paperGrid[task]
	if !ok {
		return Spec{}, fmt.Errorf("preset %s: task %s has no sweep protocol in the paper (flipflop, mante, romo do)", name, task)
	}
	ac := runs.DefaultAnalysisConfig()
	switch name {
	case "paper":
		cfg.SpectraEvery = max(cfg.Epochs/200, 1)
		gs, err := ParseGrid(grid)
		if err != nil {
			return Spec{}, err
		}
		return Spec{Train: cfg, G: gs, Samples: 5, Analysis: ac}, nil
	case "quick":
		cfg.Model.N = 128
		cfg.Epochs = map[string]int{"flipflop": 500, "mante": 1000, "romo": 3000}[task]
		cfg.SpectraEvery = max(cfg.Epochs/100, 1)
		ac.TestBatch = 256
		return Spec{Train: cfg, G: []float64{0, 0.9, 1.8}, Samples: 1, Analysis: ac}, nil
	}
	return Spec{}, fmt.Errorf("preset %q: allowed paper, quick", name)
}
