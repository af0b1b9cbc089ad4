package graph

import "gorgonia.org/gorgonia"

// Chain threads the first error of a sequence of graph operations, so that
// a model's step reads as its equations:
//
//	var c graph.Chain
//	h := c.Do(gorgonia.Tanh(c.Do(gorgonia.Mul(x, w))))
//	if c.Err != nil { ... }
//
// Once an operation has failed, Do returns nil and later operations on nil
// nodes are skipped (their error is not recorded).
type Chain struct {
	// Err is the first error.
	Err error
}

// Do returns n, or nil once an error has occurred.
func (c *Chain) Do(n *gorgonia.Node, err error) *gorgonia.Node {
	if c.Err != nil {
		return nil
	}
	if err != nil {
		c.Err = err
		return nil
	}
	return n
}
