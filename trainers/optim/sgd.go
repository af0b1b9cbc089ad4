package optim

import "github.com/rnnlab/rnnlab/models"

// SGD is plain gradient descent: w <- w - lr g.
type SGD struct {
	LR float64
}

var _ Optimizer = (*SGD)(nil)

// NewSGD returns SGD with learning rate lr.
func NewSGD(lr float64) *SGD { return &SGD{LR: lr} }

// Name returns "sgd".
func (s *SGD) Name() string { return "sgd" }

// Step applies w <- w - lr g to every trainable parameter.
func (s *SGD) Step(ps *models.Params) {
	for _, p := range ps.Trainable() {
		for i, g := range p.Grad {
			p.W[i] -= s.LR * g
		}
	}
}
