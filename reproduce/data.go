package reproduce

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/sweep"
	"github.com/rnnlab/rnnlab/trainers"
)

// Results are the results of a reproduction read back from its
// directory; an experiment that did not run (or did not finish) is nil
// with the reason in Missing.
type Results struct {
	Dir    string
	Preset string
	// Seed is the base seed of every experiment.
	Seed   uint64
	Stages []Stage
	// Seconds is the wall time spent by the invocations so far.
	Seconds float64
	// Sweeps maps a task to its sweep.
	Sweeps map[string]*SweepResults
	// Linear is the linear experiment.
	Linear *LinearResults
	// Sentiment is the LSTM's truncation analysis and training result.
	Sentiment *SentimentResults
	// Missing maps an experiment ("sweep flipflop", "linear",
	// "sentiment") to why it has no results.
	Missing map[string]string
}

// SweepResults is a finished sweep: its cells and their training curves.
type SweepResults struct {
	Dir     string
	Spec    sweep.Spec
	Cells   []*sweep.CellResult
	Metrics []*trainers.Metrics
}

// LinearResults is a finished linear experiment.
type LinearResults struct {
	Dir     string
	Spec    linear.Spec
	Cells   []*linear.CellResult
	Metrics []*trainers.Metrics
	// Predictions holds each cell's theory.json (nil where the theory
	// could not be computed).
	Predictions []*linear.Prediction
}

// SentimentResults is a finished LSTM run with its truncation analysis.
type SentimentResults struct {
	Dir        string
	Config     sentiment.Config
	Result     sentiment.Result
	Truncation sentiment.TruncationResult
}

// Load reads the results of the reproduction in dir.
func Load(dir string) (*Results, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		return nil, fmt.Errorf("%s is not a reproduction directory (no %s): %w", dir, StateFile, err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, StateFile), err)
	}
	r := &Results{Dir: dir, Preset: st.Preset, Seed: st.seed(), Stages: st.Stages, Seconds: st.Seconds,
		Sweeps: map[string]*SweepResults{}, Missing: map[string]string{}}
	for _, task := range Tasks {
		s, err := loadSweep(SweepDir(dir, task))
		if err != nil {
			r.Missing["sweep "+task] = err.Error()
			continue
		}
		r.Sweeps[task] = s
	}
	if r.Linear, err = loadLinear(filepath.Join(dir, LinearDir)); err != nil {
		r.Missing["linear"] = err.Error()
	}
	if r.Sentiment, err = loadSentiment(filepath.Join(dir, SentimentDir)); err != nil {
		r.Missing["sentiment"] = err.Error()
		for _, s := range st.Stages {
			if s.Name == "sentiment" && s.Note != "" {
				r.Missing["sentiment"] = s.Note
			}
		}
	}
	return r, nil
}

func loadSweep(dir string) (*SweepResults, error) {
	spec, err := sweep.LoadSpec(dir)
	if err != nil {
		return nil, err
	}
	cells, err := sweep.ReadCells(dir, spec)
	if err != nil {
		return nil, err
	}
	s := &SweepResults{Dir: dir, Spec: spec, Cells: cells}
	for _, c := range cells {
		m, err := runs.ReadMetrics(filepath.Join(dir, sweep.CellsDir, sweep.Cell{GIndex: c.GIndex, Sample: c.Sample}.Name()))
		if err != nil {
			return nil, err
		}
		s.Metrics = append(s.Metrics, m)
	}
	return s, nil
}

func loadLinear(dir string) (*LinearResults, error) {
	spec, err := linear.LoadSpec(dir)
	if err != nil {
		return nil, err
	}
	cells, err := linear.ReadCells(dir, spec)
	if err != nil {
		return nil, err
	}
	l := &LinearResults{Dir: dir, Spec: spec, Cells: cells}
	for _, c := range cells {
		m, err := runs.ReadMetrics(linear.CellDir(dir, c))
		if err != nil {
			return nil, err
		}
		l.Metrics = append(l.Metrics, m)
		pred, err := linear.ReadPrediction(linear.CellDir(dir, c))
		if err != nil {
			pred = nil // the cell records why (Theory.Error); claim 5 reports it
		}
		l.Predictions = append(l.Predictions, pred)
	}
	return l, nil
}

func loadSentiment(dir string) (*SentimentResults, error) {
	s := &SentimentResults{Dir: dir}
	for name, v := range map[string]any{sentiment.ConfigFile: &s.Config, sentiment.ResultFile: &s.Result, truncationFile: &s.Truncation} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
	}
	if s.Result.Status != sentiment.Completed {
		return nil, fmt.Errorf("the LSTM run in %s is %s", dir, s.Result.Status)
	}
	return s, nil
}
