package bench

import (
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// RNNWorkloads returns one workload per task, engine and precision at the
// paper's sizes (runs.DefaultConfig with g = 0.9). One iteration draws a
// batch, computes loss and gradients and takes the optimiser's step.
func RNNWorkloads(taskNames, engines []string, dtypes []models.Dtype) ([]Workload, error) {
	var ws []Workload
	for _, task := range taskNames {
		cfg, err := runs.DefaultConfig(task)
		if err != nil {
			return nil, err
		}
		cfg.Model.G = 0.9
		t, err := cfg.NewTask()
		if err != nil {
			return nil, err
		}
		B, T, N := float64(cfg.Batch), float64(t.Steps()), float64(cfg.Model.N)
		io := float64(cfg.Model.Din + cfg.Model.Dout)
		// Forward: the recurrent product and the input and readout
		// products; backward: twice as much (the state gradient and the
		// weight gradients).
		flops := 3 * 2 * T * B * N * (N + io)
		for _, engine := range engines {
			for _, dtype := range dtypes {
				cfg := cfg
				cfg.Engine, cfg.Dtype = engine, dtype
				ws = append(ws, Workload{
					Name: task, Engine: engine, Dtype: dtype, FLOPs: flops,
					Gemm: [3]int{cfg.Batch, cfg.Model.N, cfg.Model.N},
					Setup: func() (func() error, error) {
						m, err := rnn.New(cfg.Model, 1)
						if err != nil {
							return nil, err
						}
						eng, err := runs.NewEngine(m, engine, dtype)
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
							opt.Step(m.Params)
							return nil
						}, nil
					},
				})
			}
		}
	}
	return ws, nil
}
