package sentiment

import (
	"fmt"
	"path/filepath"

	"github.com/rnnlab/rnnlab/datasets/sst"
)

// LoadSplit reads a split of the SST-2 view (neutral sentences dropped)
// from dir and encodes it with v.
func LoadSplit(dir string, split sst.Split, v *sst.Vocab) (*sst.Dataset, error) {
	exs, err := sst.Load(dir, split, sst.Options{Binary: true})
	if err != nil {
		return nil, err
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("%s split in %s: no non-neutral sentences", split, dir)
	}
	d, err := sst.Encode(v, exs)
	if err != nil {
		return nil, fmt.Errorf("%s split: %w", split, err)
	}
	return d, nil
}

// EvalBatches cuts d into batches of size batch, sorted by length (the
// order does not change a result; sorting limits padding).
func EvalBatches(d *sst.Dataset, batch int) ([]*sst.Batch, error) {
	b, err := sst.NewBatcher(d, sst.BatcherOptions{BatchSize: batch})
	if err != nil {
		return nil, err
	}
	return b.Epoch(0), nil
}

// trainingData is what Train reads: the vocabulary of the training split
// and the encoded training and development splits.
type trainingData struct {
	vocab      *sst.Vocab
	train, dev *sst.Dataset
}

// loadTrainingData reads the training and development splits of dir and
// builds the vocabulary of the training sentences; with cfg.Phrases the
// training examples are every non-neutral phrase of the training trees.
func loadTrainingData(dir string, cfg Config) (*trainingData, error) {
	exs, err := sst.Load(dir, sst.Train, sst.Options{Binary: true})
	if err != nil {
		return nil, err
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("train split in %s: no non-neutral sentences", dir)
	}
	v, err := sst.BuildVocab(exs, sst.VocabOptions{MaxSize: cfg.MaxVocab, MinFreq: cfg.MinFreq, Norm: cfg.Norm})
	if err != nil {
		return nil, err
	}
	if cfg.Phrases {
		trees, err := sst.ReadTreeFile(filepath.Join(dir, sst.Train.File()))
		if err != nil {
			return nil, err
		}
		exs = sst.Examples(trees, sst.Options{Binary: true, Phrases: true})
	}
	train, err := sst.Encode(v, exs)
	if err != nil {
		return nil, fmt.Errorf("train split: %w", err)
	}
	dev, err := LoadSplit(dir, sst.Dev, v)
	if err != nil {
		return nil, err
	}
	return &trainingData{vocab: v, train: train, dev: dev}, nil
}
