package linear

import (
	"encoding/json"
	"fmt"

	"github.com/rnnlab/rnnlab/runs"
)

// Presets lists the named protocols.
var Presets = []string{"paper", "quick", "diverging", "cosine"}

// Preset returns a named protocol:
//
//   - paper: SPEC.md's linear experiment: N 1024, phi = id, plain SGD,
//     batch 1, wrec trained, 200 epochs, g = 0, 0.1, ..., 0.9, target
//     amplitudes 0.5, 1, 2 with base rates 0.015, 0.009, 0.003 and
//     lr = base (1 - g^2)^2, 2 samples; dW's top singular triplet tracked
//     every epoch.
//   - quick: the same at N 256 with g = 0, 0.3, 0.6, 0.9, targets 0.5 and
//     1, three samples (three W0 per g, so that the speed-up can be
//     judged on an average over W0 as well as per network): about a
//     minute on 2 cores.
//   - diverging: g 0.6 and 0.8, targets 2 and 4 with (unrescaled) rates
//     0.002 and 0.001, t_max 201 (T = 402), N 256, 100 epochs, 2 samples;
//     the eigenvalues of W recorded every epoch. Large targets push an
//     eigenvalue of W through 1 and SGD blows up.
//   - cosine: the supplementary autonomous cosine task (period 5, t_max
//     10) with the linear network, N 256, g = 0, 0.5, 0.9, one sample:
//     runs.DefaultConfig("cosine") (Adam, lr0 0.05 / N, 1000 epochs)
//     training wrec only from the initial state h0 = wi (the task has no
//     input; see docs/RESULTS-linear.md for this choice), with batch 1
//     instead of 32 (the task has no randomness, so 32 identical trials
//     give exactly the same loss and gradient as one) and the singular
//     values of dW recorded every 10 epochs.
func Preset(name string) (Spec, error) {
	switch name {
	case "paper", "quick", "diverging":
		cfg, err := runs.DefaultConfig("fixedpoint")
		if err != nil {
			return Spec{}, err
		}
		s := Spec{Train: cfg, Rescale: true, TrackEvery: 1}
		switch name {
		case "paper":
			s.G = []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
			s.Targets, s.BaseRates = []float64{0.5, 1, 2}, []float64{0.015, 0.009, 0.003}
			s.Samples = 2
		case "quick":
			s.Train.Model.N = 256
			s.G = []float64{0, 0.3, 0.6, 0.9}
			s.Targets, s.BaseRates = []float64{0.5, 1}, []float64{0.015, 0.009}
			s.Samples = 3
		case "diverging":
			s.Train.Model.N = 256
			s.Train.Epochs = 100
			s.Train.TaskParams = json.RawMessage(`{"t_max": 201}`)
			s.G = []float64{0.6, 0.8}
			s.Targets, s.BaseRates = []float64{2, 4}, []float64{0.002, 0.001}
			s.Rescale = false
			s.Samples = 2
			s.EigEvery = 1
		}
		return s, nil
	case "cosine":
		cfg, err := runs.DefaultConfig("cosine")
		if err != nil {
			return Spec{}, err
		}
		cfg.Model.Train = []string{"wrec"}
		cfg.Batch = 1 // the task has no randomness: 32 identical trials give the same loss and gradient
		cfg.SpectraEvery = 10
		return Spec{Train: cfg, G: []float64{0, 0.5, 0.9}, Targets: []float64{1}, BaseRates: []float64{cfg.LR0},
			Samples: 1, TrackEvery: 10, H0: "wi"}, nil
	}
	return Spec{}, fmt.Errorf("preset %q: allowed paper, quick, diverging, cosine", name)
}
