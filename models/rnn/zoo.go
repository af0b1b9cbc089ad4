package rnn

import (
	"errors"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// Name is the rate RNN's name in the zoo.
const Name = "rnn"

func init() {
	zoo.Register(zoo.Def[Options]{
		Name:     Name,
		Doc:      "the paper's rate RNN: h += dt(-h + phi(h) wrec^T + u wi + brec), z = phi(h) wo",
		Defaults: DefaultOptions,
		New: func(o Options, d zoo.Dims, seed uint64) (models.Seq, error) {
			m, err := New(Config{N: d.N, Din: d.Din, Dout: d.Dout, Options: o}, seed)
			if err != nil {
				return nil, err
			}
			return m.Seq(), nil
		},
		Engines: map[string]zoo.EngineFunc{
			"bptt": func(s models.Seq, dtype models.Dtype) (models.Engine[*datasets.Batch], error) {
				m := Of(s)
				if m == nil {
					return nil, errors.New("bptt: not a rate RNN")
				}
				return NewBPTT(m, dtype)
			},
		},
		Optional: []string{"brec", "h0"},
	})
}

// Of returns the rate RNN behind a models.Seq made by Model.Seq or the
// zoo, or nil for another model.
func Of(s models.Seq) *Model {
	if q, ok := s.(seq); ok {
		return q.m
	}
	return nil
}
