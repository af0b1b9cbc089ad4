package reproduce

import (
	"math"
	"time"
)

// Costs measured on the reference machine (2 cores, pure-Go build,
// float64 bptt unless the configuration says otherwise); Estimate scales
// them to a preset's sizes.
const (
	// rnnEpochSeconds is one flip-flop epoch (batch 32, T 100) of the rate
	// RNN at N 256: 144 s for the 1000 epochs of the paper.
	rnnEpochSeconds = 0.144
	// linearCellSeconds is the wall time per linear cell at N 256 with two
	// cells at once (200 epochs, dW's top singular triplet every epoch):
	// the quick preset's 8 cells took 13 s. Scaled by N^2 it gives 51 s of
	// one-job time per cell at N 1024; the paper run in docs/RESULTS.md took
	// 102 s per cell one at a time on a loaded machine.
	linearCellSeconds = 1.6
	// lstmSentenceEpochSeconds and lstmPhraseEpochSeconds are one epoch of
	// the paper's LSTM (H 256, float32, bptt) over the 6920 training
	// sentences and over the 98,794 training phrases, dev evaluation
	// included: 56.7 s (sentiment train --preset paper --epochs 1) and
	// 256 s (1024 s for 4 epochs of the paper's rate on phrases).
	lstmSentenceEpochSeconds = 57
	lstmPhraseEpochSeconds   = 256
	// lstmEvalSeconds is one evaluation of the development split by the
	// truncation analysis at H 256 with two workers: 280 s for the 144 of
	// the full rank grid.
	lstmEvalSeconds = 1.9
	// analysisSeconds is the analysis of one rate-RNN cell at N 256 with
	// 512 test trials (truncation ranks 0..25, 5 shuffles).
	analysisSeconds = 30
	// twoJobs is the throughput of two cells trained at once on the two
	// cores, one BLAS thread each, against one cell on both: 158 ms per
	// flip-flop epoch per job against 123 ms alone.
	twoJobs = 1.56
)

// Estimate returns the expected wall time of a preset on two cores with
// the pure-Go build and two cells at a time, from the costs measured on
// the reference machine scaled by network size (N^2 for the rate RNNs,
// H^1.5 for the LSTM, as measured between 128 and 256 units), trial
// length and number of cells. It is a guide for planning, good to about
// 30% (the paper's sweeps: about 9 h estimated against 7.6 h projected
// from measured cells; the quick preset: 6.4 min estimated, 7.7-8.0 min
// measured).
func Estimate(p Preset) time.Duration {
	var s float64
	for _, task := range Tasks {
		sp, ok := p.Sweeps[task]
		if !ok {
			continue
		}
		cfg := sp.Train
		steps := 100.0
		if t, err := cfg.NewTask(); err == nil {
			steps = float64(t.Steps())
		}
		n := float64(cfg.Model.N) / 256
		cells := float64(len(sp.G) * sp.Samples)
		train := cells * float64(cfg.Epochs) * rnnEpochSeconds * steps / 100 * n * n * float64(cfg.Batch) / 32
		analysis := cells * analysisSeconds * n * n * float64(sp.Analysis.TestBatch) / 512
		s += (train + analysis) / twoJobs
	}
	if len(p.Linear.G) > 0 {
		n := float64(p.Linear.Train.Model.N) / 1024
		cells := len(p.Linear.G) * len(p.Linear.Targets) * p.Linear.Samples
		s += float64(cells) * linearCellSeconds * n * n * float64(p.Linear.Train.Epochs) / 200
	}
	if p.Sentiment.Epochs > 0 {
		h := math.Pow(float64(p.Sentiment.Model.Hidden)/256, 1.5)
		epoch := lstmSentenceEpochSeconds
		if p.Sentiment.Phrases {
			epoch = lstmPhraseEpochSeconds
		}
		s += float64(p.Sentiment.Epochs) * float64(epoch) * h
		ranks := len(p.Truncation.Ranks)
		if ranks == 0 {
			ranks = 18
		}
		groups := 2 * p.Sentiment.Model.Layers // the matrices together, then each alone
		s += float64(groups*ranks*2) * lstmEvalSeconds * h
	}
	return time.Duration(s * float64(time.Second)).Round(time.Second)
}
