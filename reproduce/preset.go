package reproduce

import (
	"fmt"
	"strings"
	"time"

	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/sweep"
)

// Tasks are the nonlinear tasks of claims 1 to 4, in the order they run.
var Tasks = []string{"flipflop", "mante", "romo"}

// Presets lists the names NewPreset knows.
var Presets = []string{"quick", "paper"}

// DefaultSeed is the presets' base seed.
const DefaultSeed = 1

// Preset is the set of experiments a reproduction runs.
type Preset struct {
	// Name is the preset's name.
	Name string
	// Seed is the base seed of every experiment (SetSeed changes it).
	Seed uint64
	// Sweeps holds the sweep of every task in Tasks.
	Sweeps map[string]sweep.Spec
	// Linear is the linear experiment of claim 5.
	Linear linear.Spec
	// Sentiment is the LSTM training of claim 6 and Truncation its
	// analysis.
	Sentiment  sentiment.Config
	Truncation sentiment.TruncationConfig
	// Expected is the expected wall time on two cores with the pure-Go
	// build (see Estimate).
	Expected time.Duration
}

// NewPreset returns a named preset:
//
//   - quick: the sweeps' quick preset (g 0, 0.9, 1.8, one network each,
//     N 128, 500/1000/3000 epochs), the linear quick preset (N 256, g 0,
//     0.3, 0.6, 0.9, targets 0.5 and 1, three W0 per g) and an LSTM of 128 units trained
//     for one epoch over the training phrases at Adam's rate 0.02/128,
//     truncated at ranks 0, 1, 2, 3, 4, 6, 8, 12, 16 and 128. About 8
//     minutes on two cores.
//   - paper: the paper's full protocol: the paper sweeps of the three
//     tasks (5 networks per g), the paper's linear experiment (N 1024,
//     g 0..0.9, targets 0.5, 1, 2, 2 samples) and the paper's LSTM
//     (sentiment.PaperConfig: 500 epochs) with the full truncation grid.
//     About 17 hours on two cores, 8 of them the LSTM (Expected).
func NewPreset(name string) (Preset, error) {
	p := Preset{Name: name, Sweeps: map[string]sweep.Spec{}}
	var err error
	switch name {
	case "quick", "paper":
	default:
		return Preset{}, fmt.Errorf("preset %q: allowed %s", name, strings.Join(Presets, ", "))
	}
	for _, task := range Tasks {
		s, err := sweep.Preset(name, task)
		if err != nil {
			return Preset{}, err
		}
		// Enough singular values that claim 1's 90%-energy count is
		// known up to its limit (and the paper's truncation range).
		s.Analysis.TopK = max(s.Analysis.TopK, s.Analysis.MaxRank, randomRankLimit(s.Train.Model.N)+1)
		p.Sweeps[task] = s
	}
	if p.Linear, err = linear.Preset(name); err != nil {
		return Preset{}, err
	}
	switch name {
	case "quick":
		p.Sentiment = sentiment.DefaultConfig()
		p.Sentiment.Model.Hidden = 128
		p.Sentiment.Epochs = 1
		p.Sentiment.LR0 = 0.02
		p.Sentiment.Phrases = true
		p.Truncation = sentiment.TruncationConfig{Ranks: []int{0, 1, 2, 3, 4, 6, 8, 12, 16, 128}}
	case "paper":
		p.Sentiment = sentiment.PaperConfig()
	}
	p.SetSeed(DefaultSeed)
	p.Expected = Estimate(p)
	return p, nil
}

// SetSeed sets the base seed of every experiment: the sweeps' and the
// linear experiment's (from which each cell's seed is derived) and the
// LSTM's.
func (p *Preset) SetSeed(seed uint64) {
	p.Seed = seed
	for task, s := range p.Sweeps {
		s.Train.Seed = seed
		p.Sweeps[task] = s
	}
	p.Linear.Train.Seed = seed
	p.Sentiment.Seed = seed
}

// Validate checks every experiment of the preset.
func (p Preset) Validate() error {
	for _, task := range Tasks {
		s, ok := p.Sweeps[task]
		if !ok {
			return fmt.Errorf("preset %s: no sweep for task %s", p.Name, task)
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("preset %s, sweep %s: %w", p.Name, task, err)
		}
	}
	if err := p.Linear.Validate(); err != nil {
		return fmt.Errorf("preset %s, linear: %w", p.Name, err)
	}
	if err := p.Sentiment.Validate(); err != nil {
		return fmt.Errorf("preset %s, sentiment: %w", p.Name, err)
	}
	return nil
}
