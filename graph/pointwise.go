package graph

import (
	"fmt"
	"hash"
	"hash/fnv"
	"math"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SoftplusThreshold is PyTorch's: above it softplus is the identity and
// its derivative is 1. (Gorgonia's own Softplus switches at 16, and its
// derivative is the sigmoid everywhere.)
const SoftplusThreshold = 20

// Softplus returns log(1 + exp(x)) elementwise with PyTorch's semantics
// (beta 1, threshold 20: x itself above 20), and derivative sigmoid(x)
// (1 above 20).
func Softplus(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.ApplyOp(softplusOp, x) }

// ReLU returns max(x, 0) elementwise, with derivative 1 where x > 0 and 0
// elsewhere, as PyTorch. (Gorgonia's Rectify has derivative 1 at x = 0,
// which matters at the usual initial state h0 = 0.)
func ReLU(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.ApplyOp(reluOp, x) }

// Log1pExp returns log(1 + exp(x)) elementwise in the numerically stable
// form max(x, 0) + log1p(exp(-|x|)), with derivative sigmoid(x) (computed
// stably), with no threshold: the building block of BCEWithLogitsMean.
func Log1pExp(x *gorgonia.Node) (*gorgonia.Node, error) { return gorgonia.ApplyOp(log1pExpOp, x) }

var (
	softplusOp = &pointwiseOp{name: "softplus", f: softplus, deriv: &pointwiseOp{name: "softplus'", f: softplusDeriv}}
	reluOp     = &pointwiseOp{name: "relu", f: relu, deriv: &pointwiseOp{name: "relu'", f: reluDeriv}}
	log1pExpOp = &pointwiseOp{name: "log1pexp", f: log1pExp, deriv: &pointwiseOp{name: "sigmoid", f: sigmoid}}
)

func softplus(x float64) float64 {
	if x > SoftplusThreshold {
		return x
	}
	return math.Log1p(math.Exp(x))
}

func softplusDeriv(x float64) float64 {
	if x > SoftplusThreshold {
		return 1
	}
	return sigmoid(x)
}

func relu(x float64) float64 {
	if x > 0 {
		return x
	}
	return 0
}

func reluDeriv(x float64) float64 {
	if x > 0 {
		return 1
	}
	return 0
}

func log1pExp(x float64) float64 { return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x))) }

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// pointwiseOp is an elementwise unary op given by a float64 function
// (float32 values are computed in float64 and rounded) and, if it is
// differentiable, the op computing its derivative. It implements
// gorgonia.Op, gorgonia.SDOp (symbolic differentiation, used by
// gorgonia.Grad) and gorgonia.UsePreallocDoer.
type pointwiseOp struct {
	name  string
	f     func(float64) float64
	deriv *pointwiseOp // nil: not differentiable
}

var (
	_ gorgonia.Op              = (*pointwiseOp)(nil)
	_ gorgonia.SDOp            = (*pointwiseOp)(nil)
	_ gorgonia.UsePreallocDoer = (*pointwiseOp)(nil)
)

func (op *pointwiseOp) Arity() int { return 1 }

func (op *pointwiseOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op *pointwiseOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %s: %d inputs, want 1", op.name, len(inputs))
	}
	s, ok := inputs[0].(tensor.Shape)
	if !ok {
		return nil, fmt.Errorf("graph: %s: input shape is a %T", op.name, inputs[0])
	}
	return s.Clone(), nil
}

func (op *pointwiseOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %s: %d inputs, want 1", op.name, len(inputs))
	}
	switch x := inputs[0].(type) {
	case *gorgonia.F64:
		return gorgonia.NewF64(op.f(float64(*x))), nil
	case *gorgonia.F32:
		return gorgonia.NewF32(float32(op.f(float64(*x)))), nil
	case tensor.Tensor:
		out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(x.Shape().Clone()...))
		return out, op.apply(out, x)
	}
	return nil, fmt.Errorf("graph: %s: unsupported value %T", op.name, inputs[0])
}

// UsePreallocDo writes the result into prealloc when it is a tensor of the
// right dtype and shape, and falls back to Do otherwise.
func (op *pointwiseOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %s: %d inputs, want 1", op.name, len(inputs))
	}
	out, ok1 := prealloc.(*tensor.Dense)
	x, ok2 := inputs[0].(tensor.Tensor)
	if !ok1 || !ok2 || out.Dtype() != x.Dtype() || !out.Shape().Eq(x.Shape()) || out.RequiresIterator() {
		return op.Do(inputs...)
	}
	return out, op.apply(out, x)
}

// apply writes f(x) into the contiguous dense tensor out.
func (op *pointwiseOp) apply(out, x tensor.Tensor) error {
	if d, ok := x.(*tensor.Dense); ok && d.RequiresIterator() {
		x = d.Materialize()
	}
	switch xs := x.Data().(type) {
	case []float64:
		ys := out.Data().([]float64)
		for i, v := range xs {
			ys[i] = op.f(v)
		}
	case []float32:
		ys := out.Data().([]float32)
		for i, v := range xs {
			ys[i] = float32(op.f(float64(v)))
		}
	default:
		return fmt.Errorf("graph: %s: unsupported dtype %v", op.name, x.Dtype())
	}
	return nil
}

func (op *pointwiseOp) ReturnsPtr() bool     { return false }
func (op *pointwiseOp) CallsExtern() bool    { return false }
func (op *pointwiseOp) OverwritesInput() int { return -1 }

func (op *pointwiseOp) WriteHash(h hash.Hash) {
	h.Write([]byte("rnnlab/graph.pointwise:" + op.name))
}

func (op *pointwiseOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *pointwiseOp) String() string { return op.name }

func (op *pointwiseOp) DiffWRT(inputs int) []bool { return []bool{op.deriv != nil} }

func (op *pointwiseOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	if op.deriv == nil {
		return nil, fmt.Errorf("graph: %s is not differentiable", op.name)
	}
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %s: %d inputs, want 1", op.name, len(inputs))
	}
	d, err := gorgonia.ApplyOp(op.deriv, inputs[0])
	if err != nil {
		return nil, err
	}
	dx, err := gorgonia.HadamardProd(d, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{dx}, nil
}
