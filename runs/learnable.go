package runs

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/rnnlab/rnnlab/models"
)

// checkLearnable refuses a network that gradient descent cannot move: one
// whose loss is positive but whose gradient, on a batch of the task, is
// exactly zero for every trainable parameter (the input-free cosine task
// from h0 = 0 with h0 untrained: the state, the output and every gradient
// stay zero). It draws its batch from generators of its own, so training
// is unchanged by the check.
func checkLearnable(cfg Config, m models.Seq) error {
	task, err := cfg.NewTask()
	if err != nil {
		return err
	}
	// A copy of the model: the check must not touch the run's gradients.
	w := map[string][]float64{}
	for _, p := range m.Params().All() {
		w[p.Name] = p.W
	}
	probe, err := ModelFromWeights(cfg.Model, w)
	if err != nil {
		return err
	}
	engine, err := analysisEngine(cfg.Model)
	if err != nil {
		return err
	}
	eng, err := NewEngine(cfg.Model, probe, engine, models.Float64)
	if err != nil {
		return err
	}
	b := task.Sample(rand.New(rand.NewPCG(cfg.Seed, 5)), min(cfg.Batch, 8))
	models.DrawNoise(probe.Spec(), rand.New(rand.NewPCG(cfg.Seed, 6)), b)
	loss, err := eng.LossGrad(b)
	if err != nil || !(loss > 0) {
		return nil // a non-finite loss is for training to report; zero loss has nothing to learn
	}
	var trained []string
	for _, p := range probe.Params().Trainable() {
		trained = append(trained, p.Name)
		for _, g := range p.Grad {
			if g != 0 {
				return nil
			}
		}
	}
	msg := fmt.Sprintf("%s: the gradient of the loss (%.4g) is exactly zero for every trained parameter (%s) at the initial weights: training cannot move them",
		cfg.Task, loss, strings.Join(trained, ", "))
	noInput := true
	for _, u := range b.Input {
		if u != 0 {
			noInput = false
			break
		}
	}
	if noInput && cfg.Model.IsRNN() {
		msg += "; the task has no input, so from h0 = 0 the state stays 0: train h0 (--train " + strings.Join(cfg.Model.Train, ",") + ",h0) or start from --init weights with a nonzero h0"
	}
	return fmt.Errorf("%s", msg)
}
