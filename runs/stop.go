package runs

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/trainers"
)

// stopLoss returns the test loss of the stop-loss test: StopBatch trials
// drawn once from the stream (Seed, 7) with noise from (Seed, 8) (a trial
// file's first held-out trials), measured by a hand-written engine of its
// own in the run's precision (autodiff for models without one), so that the test changes nothing the training
// uses.
func stopLoss(cfg Config, task tasks.Task, m models.Seq) (func() (float64, error), error) {
	b := testBatch(task, cfg.StopBatch, cfg.Seed, stopStream)
	models.DrawNoise(m.Spec(), rand.New(rand.NewPCG(cfg.Seed, stopNoiseStream)), b)
	engine, err := analysisEngine(cfg.Model)
	if err != nil {
		return nil, err
	}
	eng, err := NewEngine(cfg.Model, m, engine, cfg.Dtype)
	if err != nil {
		return nil, err
	}
	return func() (float64, error) { return eng.Loss(b) }, nil
}

// writeStopChecks writes the stop-loss tests as CSV: epoch, test_loss.
func writeStopChecks(path string, s *trainers.StopAtLoss) error {
	var b strings.Builder
	b.WriteString("epoch,test_loss\n")
	for i, e := range s.Epochs {
		fmt.Fprintf(&b, "%d,%s\n", e, strconv.FormatFloat(s.Losses[i], 'g', -1, 64))
	}
	return fileio.WriteFile(path, []byte(b.String()))
}

// stopArrays returns the stop-loss tests for a checkpoint.
func stopArrays(s *trainers.StopAtLoss) map[string]fileio.Array {
	ep := make([]float64, len(s.Epochs))
	for i, e := range s.Epochs {
		ep[i] = float64(e)
	}
	return map[string]fileio.Array{
		"epoch": fileio.NewArray(ep, len(ep)),
		"loss":  fileio.NewArray(append([]float64(nil), s.Losses...), len(s.Losses)),
	}
}

// loadStopArrays restores the stop-loss tests of a checkpoint.
func loadStopArrays(s *trainers.StopAtLoss, ep, loss fileio.Array) error {
	if len(ep.Data) != len(loss.Data) {
		return fmt.Errorf("stop-loss tests: %d epochs for %d losses", len(ep.Data), len(loss.Data))
	}
	for i, e := range ep.Data {
		s.Epochs = append(s.Epochs, int(e))
		s.Losses = append(s.Losses, loss.Data[i])
	}
	return nil
}
