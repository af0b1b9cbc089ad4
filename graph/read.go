package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Reader holds a copy of a node's value taken while the program runs
// (gorgonia.Read). After RunAll, node.Value() of an intermediate node may
// hold another node's result because the TapeMachine reuses memory; a
// Reader's copy stays valid until the next run. The first run allocates the
// copy, later runs overwrite it in place.
//
// Create Readers before compiling the graph.
type Reader struct {
	node *gorgonia.Node
	v    gorgonia.Value
}

// NewReader adds a read of n to n's graph.
func NewReader(n *gorgonia.Node) *Reader {
	r := &Reader{node: n}
	gorgonia.Read(n, &r.v)
	return r
}

// Node returns the node read.
func (r *Reader) Node() *gorgonia.Node { return r.node }

// Value returns the copy of the node's value from the last run (nil before
// the first run). It is overwritten by the next run.
func (r *Reader) Value() gorgonia.Value { return r.v }

// Scalar returns the value of a scalar node (or of a one-entry tensor) as
// float64.
func (r *Reader) Scalar() (float64, error) {
	switch v := r.v.(type) {
	case nil:
		return 0, fmt.Errorf("graph: read %s: no value (has the program run?)", r.node.Name())
	case *gorgonia.F64:
		return float64(*v), nil
	case *gorgonia.F32:
		return float64(*v), nil
	case tensor.Tensor:
		if v.Shape().TotalSize() != 1 {
			return 0, fmt.Errorf("graph: read %s: shape %v is not a scalar", r.node.Name(), v.Shape())
		}
		switch d := v.Data().(type) {
		case []float64:
			return d[0], nil
		case []float32:
			return float64(d[0]), nil
		case float64:
			return d, nil
		case float32:
			return float64(d), nil
		}
	}
	return 0, fmt.Errorf("graph: read %s: unsupported value %T", r.node.Name(), r.v)
}

// CopyTo copies the value, row-major, into dst (converting float32 to
// float64); dst must have as many entries as the value.
func (r *Reader) CopyTo(dst []float64) error {
	switch v := r.v.(type) {
	case nil:
		return fmt.Errorf("graph: read %s: no value (has the program run?)", r.node.Name())
	case *gorgonia.F64, *gorgonia.F32:
		if len(dst) != 1 {
			return fmt.Errorf("graph: read %s: scalar into %d entries", r.node.Name(), len(dst))
		}
		x, err := r.Scalar()
		dst[0] = x
		return err
	case *tensor.Dense:
		if !v.RequiresIterator() {
			return copyData(r.node.Name(), dst, v.Data())
		}
		m := v.Materialize() // a non-contiguous view; rare
		return copyData(r.node.Name(), dst, m.Data())
	case tensor.Tensor:
		return copyData(r.node.Name(), dst, v.Data())
	}
	return fmt.Errorf("graph: read %s: unsupported value %T", r.node.Name(), r.v)
}

func copyData(name string, dst []float64, data any) error {
	switch d := data.(type) {
	case []float64:
		if len(d) != len(dst) {
			return fmt.Errorf("graph: read %s: %d entries into %d", name, len(d), len(dst))
		}
		copy(dst, d)
		return nil
	case []float32:
		if len(d) != len(dst) {
			return fmt.Errorf("graph: read %s: %d entries into %d", name, len(d), len(dst))
		}
		for i, x := range d {
			dst[i] = float64(x)
		}
		return nil
	case float64:
		if len(dst) != 1 {
			return fmt.Errorf("graph: read %s: scalar into %d entries", name, len(dst))
		}
		dst[0] = d
		return nil
	case float32:
		if len(dst) != 1 {
			return fmt.Errorf("graph: read %s: scalar into %d entries", name, len(dst))
		}
		dst[0] = float64(d)
		return nil
	}
	return fmt.Errorf("graph: read %s: unsupported data %T", name, data)
}
