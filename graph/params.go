package graph

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/models"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Params binds a models.Params into one graph: each parameter is an input
// node named as the parameter (plus the salt, see Salted), a vector for
// rank-1 shapes and a matrix for rank-2 ones. The float64 values stay in
// the models.Params; Load copies them into the nodes' values before a run
// and StoreGrads copies the gradients back after it.
type Params struct {
	set       *models.Params
	inputs    []*Input  // in the order of set.All()
	grads     []*Reader // gradient readers; nil for parameters not differentiated
	trainable []bool    // the trainable flags when Grad was called
	byName    map[string]int
}

// Salted returns name with the salt prefixed ("wrec" for salt 0, "s1/wrec"
// for salt 1). Rebuilding a graph with salted input names changes the hash
// of every node that depends on an input, which resolves a hash collision
// (see Compile). The salt is a prefix because node hashes are FNV-1a, which
// keeps two colliding names colliding when the same suffix is appended.
func Salted(name string, salt int) string {
	if salt == 0 {
		return name
	}
	return "s" + strconv.Itoa(salt) + "/" + name
}

// BindParams adds a node for every parameter of set to g, in dtype dt, and
// loads the current values into them.
func BindParams(g *gorgonia.ExprGraph, dt tensor.Dtype, set *models.Params, salt int) (*Params, error) {
	all := set.All()
	p := &Params{set: set, inputs: make([]*Input, len(all)), grads: make([]*Reader, len(all)),
		byName: make(map[string]int, len(all))}
	for i, prm := range all {
		if len(prm.Shape) < 1 || len(prm.Shape) > 2 {
			return nil, fmt.Errorf("graph: parameter %s: shape %v: only vectors and matrices are supported", prm.Name, prm.Shape)
		}
		in, err := NewInput(g, dt, Salted(prm.Name, salt), prm.Shape...)
		if err != nil {
			return nil, err
		}
		p.inputs[i] = in
		p.byName[prm.Name] = i
	}
	return p, p.Load()
}

// Node returns the node of the parameter called name, or nil.
func (p *Params) Node(name string) *gorgonia.Node {
	i, ok := p.byName[name]
	if !ok {
		return nil
	}
	return p.inputs[i].Node
}

// MustNode returns the node of the parameter called name and panics if
// there is none (a programming error in a model's graph builder).
func (p *Params) MustNode(name string) *gorgonia.Node {
	n := p.Node(name)
	if n == nil {
		panic("graph: no parameter " + name)
	}
	return n
}

// Grad differentiates cost with respect to the parameters that are
// trainable now (gorgonia.Grad) and arranges for the gradients to be read
// during each run. Call it once, after building the cost and before
// compiling. Parameters that are not trainable are not differentiated.
func (p *Params) Grad(cost *gorgonia.Node) error {
	all := p.set.All()
	p.trainable = make([]bool, len(all))
	var wrt gorgonia.Nodes
	var idx []int
	for i, prm := range all {
		p.trainable[i] = prm.Trainable
		if prm.Trainable {
			wrt = append(wrt, p.inputs[i].Node)
			idx = append(idx, i)
		}
	}
	if len(wrt) == 0 {
		return nil
	}
	grads, err := gorgonia.Grad(cost, wrt...)
	if err != nil {
		return fmt.Errorf("graph: gradient: %w", err)
	}
	for k, i := range idx {
		p.grads[i] = NewReader(grads[k])
	}
	return nil
}

// Load copies the current value W of every parameter into its node's value
// (rounding to float32 in a float32 graph). Call it before every run.
func (p *Params) Load() error {
	for i, prm := range p.set.All() {
		if err := p.inputs[i].CopyFrom(prm.W); err != nil {
			return fmt.Errorf("graph: parameter %s: %w", prm.Name, err)
		}
	}
	return nil
}

// StoreGrads writes the gradients of the last run into the Grad field of
// the parameters that were differentiated (converted to float64), and
// zeroes Grad of the others. It is an error if the trainable flags changed
// since Grad was called: the graph must then be rebuilt (include
// TrainableKey in the cache key).
func (p *Params) StoreGrads() error {
	for i, prm := range p.set.All() {
		if p.trainable != nil && prm.Trainable != p.trainable[i] {
			return fmt.Errorf("graph: parameter %s: trainable flag changed since the graph was built", prm.Name)
		}
		if p.grads[i] == nil {
			clear(prm.Grad)
			continue
		}
		if err := p.grads[i].CopyTo(prm.Grad); err != nil {
			return fmt.Errorf("graph: gradient of %s: %w", prm.Name, err)
		}
	}
	return nil
}

// TrainableKey returns the names of the trainable parameters of set joined
// by commas: part of a graph cache key, since the trainable set decides
// which gradients a graph computes.
func TrainableKey(set *models.Params) string {
	var names []string
	for _, prm := range set.Trainable() {
		names = append(names, prm.Name)
	}
	return strings.Join(names, ",")
}
