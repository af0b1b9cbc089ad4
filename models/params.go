package models

import (
	"fmt"
	"strings"
)

// Param is one named parameter array: its current value W, its initial value
// W0 and the gradient of the last loss with respect to it.
type Param struct {
	// Name is the parameter's name, e.g. "wrec".
	Name string
	// Shape is the array's shape, row-major.
	Shape []int
	// W is the current value, len = product of Shape.
	W []float64
	// W0 is the value at initialisation.
	W0 []float64
	// Grad is the gradient of the last computed loss with respect to W.
	// Engines write it; it is zero for parameters that are not trainable.
	Grad []float64
	// Trainable says whether optimisers update W.
	Trainable bool
}

// NewParam returns a parameter of the given shape whose current and initial
// values are copies of w. It panics if len(w) does not match the shape.
func NewParam(name string, w []float64, shape ...int) *Param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if len(w) != n {
		panic(fmt.Sprintf("models: parameter %s: %d values for shape %v", name, len(w), shape))
	}
	return &Param{
		Name:  name,
		Shape: append([]int(nil), shape...),
		W:     append([]float64(nil), w...),
		W0:    append([]float64(nil), w...),
		Grad:  make([]float64, n),
	}
}

// Len returns the number of entries.
func (p *Param) Len() int { return len(p.W) }

// DW returns a new slice holding the weight change W - W0.
func (p *Param) DW() []float64 {
	d := make([]float64, len(p.W))
	for i := range d {
		d[i] = p.W[i] - p.W0[i]
	}
	return d
}

// Rows and Cols return the matrix dimensions of a parameter of rank 1 or 2;
// a vector is one row.
func (p *Param) Rows() int {
	if len(p.Shape) == 2 {
		return p.Shape[0]
	}
	return 1
}

// Cols returns the number of columns; see Rows.
func (p *Param) Cols() int { return p.Shape[len(p.Shape)-1] }

// Params is an ordered set of parameters with unique names.
type Params struct {
	list  []*Param
	index map[string]int
}

// NewParams returns a set holding ps in order. It panics on duplicate names.
func NewParams(ps ...*Param) *Params {
	s := &Params{index: make(map[string]int, len(ps))}
	for _, p := range ps {
		if _, dup := s.index[p.Name]; dup {
			panic("models: duplicate parameter " + p.Name)
		}
		s.index[p.Name] = len(s.list)
		s.list = append(s.list, p)
	}
	return s
}

// All returns the parameters in order. The slice must not be modified.
func (s *Params) All() []*Param { return s.list }

// Get returns the parameter called name, or nil.
func (s *Params) Get(name string) *Param {
	i, ok := s.index[name]
	if !ok {
		return nil
	}
	return s.list[i]
}

// Names returns the parameter names in order.
func (s *Params) Names() []string {
	n := make([]string, len(s.list))
	for i, p := range s.list {
		n[i] = p.Name
	}
	return n
}

// Trainable returns the trainable parameters in order.
func (s *Params) Trainable() []*Param {
	var t []*Param
	for _, p := range s.list {
		if p.Trainable {
			t = append(t, p)
		}
	}
	return t
}

// SetTrainable marks exactly the named parameters trainable. An unknown name
// is an error that lists the known ones.
func (s *Params) SetTrainable(names []string) error {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		if s.Get(n) == nil {
			return fmt.Errorf("unknown parameter %q: allowed %s", n, strings.Join(s.Names(), ","))
		}
		want[n] = true
	}
	for _, p := range s.list {
		p.Trainable = want[p.Name]
	}
	return nil
}

// GradNorm returns the Euclidean norm of the gradients of all trainable
// parameters taken together.
func (s *Params) GradNorm() float64 {
	var ss float64
	for _, p := range s.list {
		if !p.Trainable {
			continue
		}
		for _, g := range p.Grad {
			ss += g * g
		}
	}
	return sqrt(ss)
}

// ZeroGrad sets every gradient to zero.
func (s *Params) ZeroGrad() {
	for _, p := range s.list {
		clear(p.Grad)
	}
}

// Clone returns a deep copy of the set (values, initial values, gradients,
// trainable flags).
func (s *Params) Clone() *Params {
	ps := make([]*Param, len(s.list))
	for i, p := range s.list {
		q := *p
		q.Shape = append([]int(nil), p.Shape...)
		q.W = append([]float64(nil), p.W...)
		q.W0 = append([]float64(nil), p.W0...)
		q.Grad = append([]float64(nil), p.Grad...)
		ps[i] = &q
	}
	return NewParams(ps...)
}
