package bench

import (
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// RNNWorkloads returns one workload per task, engine and precision of the
// rate RNN at the paper's sizes (runs.DefaultConfig with g = 0.9); see
// ModelWorkloads.
func RNNWorkloads(taskNames, engines []string, dtypes []models.Dtype) ([]Workload, error) {
	return ModelWorkloads(rnn.Name, taskNames, engines, dtypes)
}

// ModelWorkloads returns one workload per task, engine and precision of
// the model called model (its default options; the rate RNN with g = 0.9)
// at the paper's sizes. One iteration draws a batch, computes loss and
// gradients and takes the optimiser's step. Workloads of models other
// than the rate RNN are named TASK/MODEL.
func ModelWorkloads(model string, taskNames, engines []string, dtypes []models.Dtype) ([]Workload, error) {
	var ws []Workload
	for _, task := range taskNames {
		cfg, err := runs.DefaultConfig(task)
		if err != nil {
			return nil, err
		}
		cfg.Model.G = 0.9
		name := task
		if model != rnn.Name {
			cfg.Model = runs.ModelConfig{Name: model, Config: rnn.DefaultConfig(cfg.Model.N, cfg.Model.Din, cfg.Model.Dout)}
			name = task + "/" + model
		}
		t, err := cfg.NewTask()
		if err != nil {
			return nil, err
		}
		probe, err := runs.NewModel(cfg.Model, 1)
		if err != nil {
			return nil, err
		}
		// Forward: one product per matrix parameter and step (the
		// recurrent, input and readout products); backward: twice as much
		// (the state gradient and the weight gradients).
		var macs float64
		var gemm [3]int
		for _, p := range probe.Params().All() {
			if len(p.Shape) == 2 {
				macs += float64(p.Len())
				if p.Len() > gemm[1]*gemm[2] {
					gemm = [3]int{cfg.Batch, p.Shape[1], p.Shape[0]}
				}
			}
		}
		flops := 3 * 2 * float64(t.Steps()) * float64(cfg.Batch) * macs
		for _, engine := range engines {
			for _, dtype := range dtypes {
				cfg := cfg
				cfg.Engine, cfg.Dtype = engine, dtype
				ws = append(ws, Workload{
					Name: name, Engine: engine, Dtype: dtype, FLOPs: flops, Gemm: gemm,
					Setup: func() (func() error, error) {
						m, err := runs.NewModel(cfg.Model, 1)
						if err != nil {
							return nil, err
						}
						eng, err := runs.NewEngine(cfg.Model, m, engine, dtype)
						if err != nil {
							return nil, err
						}
						opt, err := optim.New(cfg.Optimizer, cfg.LR())
						if err != nil {
							return nil, err
						}
						rng := rand.New(rand.NewPCG(1, 1))
						return func() error {
							b := t.Sample(rng, cfg.Batch)
							if _, err := eng.LossGrad(b); err != nil {
								return err
							}
							opt.Step(m.Params())
							return nil
						}, nil
					},
				})
			}
		}
	}
	return ws, nil
}
