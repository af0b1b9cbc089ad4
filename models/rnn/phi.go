package rnn

import (
	"fmt"
	"math"
	"strings"
)

// Phi is an elementwise nonlinearity with its derivative. D takes the
// pre-activation x and the value y = F(x), so that tanh' = 1 - y^2 costs
// no second tanh.
type Phi struct {
	Name string
	F    func(x float64) float64
	D    func(x, y float64) float64
}

// PhiNames lists the nonlinearities in the order they are documented.
var PhiNames = []string{"tanh", "id", "relu", "softplus"}

var phis = map[string]Phi{
	"tanh": {"tanh", math.Tanh, func(_, y float64) float64 { return 1 - y*y }},
	"id":   {"id", func(x float64) float64 { return x }, func(_, _ float64) float64 { return 1 }},
	"relu": {"relu", func(x float64) float64 { return max(x, 0) }, func(x, _ float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	}},
	"softplus": {"softplus", softplus, func(x, _ float64) float64 {
		if x > softplusThreshold {
			return 1
		}
		return sigmoid(x)
	}},
}

// PhiByName returns the nonlinearity called name.
func PhiByName(name string) (Phi, error) { return phiByName(name) }

func phiByName(name string) (Phi, error) {
	p, ok := phis[name]
	if !ok {
		return Phi{}, fmt.Errorf("unknown nonlinearity %q: allowed %s", name, strings.Join(PhiNames, ", "))
	}
	return p, nil
}

// softplusThreshold is PyTorch's: above it softplus is the identity.
const softplusThreshold = 20

// softplus is log(1 + e^x), computed without overflow, as PyTorch's with
// beta = 1 (linear above x = 20).
func softplus(x float64) float64 {
	if x > softplusThreshold {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}
