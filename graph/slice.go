package graph

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SliceRows returns rows [start, end) of the matrix x, as a new matrix.
//
// Unlike gorgonia.Slice, whose op hashes its bounds truncated to a byte (so
// that Slice(x, S(0, 10)) and Slice(x, S(256, 266)) are merged into one
// node), distinct bounds give distinct nodes. The result is a copy, not a
// view; its gradient pads the incoming gradient with zeros to x's shape.
func SliceRows(x *gorgonia.Node, start, end int) (*gorgonia.Node, error) {
	return sliceMatrix(x, 0, start, end)
}

// SliceCols returns columns [start, end) of the matrix x, as a new matrix
// (e.g. one gate of an LSTM's [B, 4H] pre-activation). See SliceRows.
func SliceCols(x *gorgonia.Node, start, end int) (*gorgonia.Node, error) {
	return sliceMatrix(x, 1, start, end)
}

func sliceMatrix(x *gorgonia.Node, axis, start, end int) (*gorgonia.Node, error) {
	s := x.Shape()
	if len(s) != 2 {
		return nil, fmt.Errorf("graph: slice of shape %v: not a matrix", s)
	}
	if start < 0 || end > s[axis] || start >= end {
		return nil, fmt.Errorf("graph: slice [%d, %d) of axis %d of shape %v: out of range or empty", start, end, axis, s)
	}
	return gorgonia.ApplyOp(&blockOp{axis: axis, start: start, end: end, full: s[axis]}, x)
}

// blockOp copies the block [start, end) along axis of a matrix whose size
// along axis is full (slice), or, with pad set, writes a matrix into that
// block of a zero matrix (the slice's gradient).
type blockOp struct {
	axis, start, end, full int
	pad                    bool
}

var (
	_ gorgonia.Op              = (*blockOp)(nil)
	_ gorgonia.SDOp            = (*blockOp)(nil)
	_ gorgonia.UsePreallocDoer = (*blockOp)(nil)
)

func (op *blockOp) Arity() int { return 1 }

func (op *blockOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	return hm.NewFnType(a, a)
}

func (op *blockOp) InferShape(inputs ...gorgonia.DimSizer) (tensor.Shape, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %v: %d inputs, want 1", op, len(inputs))
	}
	s, ok := inputs[0].(tensor.Shape)
	if !ok || len(s) != 2 {
		return nil, fmt.Errorf("graph: %v: input shape %v is not a matrix's", op, inputs[0])
	}
	want, out := op.full, op.end-op.start // slice: full in, block out
	if op.pad {
		want, out = out, want
	}
	if s[op.axis] != want {
		return nil, fmt.Errorf("graph: %v: input shape %v", op, s)
	}
	r := s.Clone()
	r[op.axis] = out
	return r, nil
}

func (op *blockOp) Do(inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.input(inputs)
	if err != nil {
		return nil, err
	}
	s := x.Shape().Clone()
	if op.pad {
		s[op.axis] = op.full
	} else {
		s[op.axis] = op.end - op.start
	}
	out := tensor.New(tensor.Of(x.Dtype()), tensor.WithShape(s...))
	return out, op.apply(out, x)
}

func (op *blockOp) UsePreallocDo(prealloc gorgonia.Value, inputs ...gorgonia.Value) (gorgonia.Value, error) {
	x, err := op.input(inputs)
	if err != nil {
		return nil, err
	}
	out, ok := prealloc.(*tensor.Dense)
	if !ok || out.Dtype() != x.Dtype() || out.RequiresIterator() || out.Dims() != 2 {
		return op.Do(inputs...)
	}
	s := x.Shape()
	os := out.Shape()
	want := op.end - op.start
	if op.pad {
		want = op.full
	}
	if os[op.axis] != want || os[1-op.axis] != s[1-op.axis] {
		return op.Do(inputs...)
	}
	if op.pad {
		out.Zero()
	}
	return out, op.apply(out, x)
}

func (op *blockOp) input(inputs []gorgonia.Value) (tensor.Tensor, error) {
	if len(inputs) != 1 {
		return nil, fmt.Errorf("graph: %v: %d inputs, want 1", op, len(inputs))
	}
	x, ok := inputs[0].(tensor.Tensor)
	if !ok || x.Dims() != 2 {
		return nil, fmt.Errorf("graph: %v: input %T is not a matrix", op, inputs[0])
	}
	if d, ok := x.(*tensor.Dense); ok && d.RequiresIterator() {
		x = d.Materialize()
	}
	return x, nil
}

// apply copies the block between x and out (a fresh or zeroed matrix when
// padding).
func (op *blockOp) apply(out, x tensor.Tensor) error {
	switch xs := x.Data().(type) {
	case []float64:
		copyBlock(op, out.Data().([]float64), xs, x.Shape(), out.Shape())
	case []float32:
		copyBlock(op, out.Data().([]float32), xs, x.Shape(), out.Shape())
	default:
		return fmt.Errorf("graph: %v: unsupported dtype %v", op, x.Dtype())
	}
	return nil
}

// copyBlock copies the block, rows [start, end) (axis 0) or columns
// [start, end) (axis 1) of the larger matrix (x's when slicing, out's when
// padding), from src of shape xs to dst of shape os.
func copyBlock[F float32 | float64](op *blockOp, dst, src []F, xs, os tensor.Shape) {
	big, small := xs, os
	if op.pad {
		big, small = os, xs
	}
	w := small[1] // entries copied per row
	for r := 0; r < small[0]; r++ {
		bi, si := r*big[1]+op.start, r*small[1] // row offsets in the big and small matrix
		if op.axis == 0 {
			bi = (op.start + r) * big[1]
		}
		if op.pad {
			copy(dst[bi:bi+w], src[si:si+w])
		} else {
			copy(dst[si:si+w], src[bi:bi+w])
		}
	}
}

func (op *blockOp) ReturnsPtr() bool     { return false }
func (op *blockOp) CallsExtern() bool    { return false }
func (op *blockOp) OverwritesInput() int { return -1 }

func (op *blockOp) WriteHash(h hash.Hash) { fmt.Fprint(h, "rnnlab/graph.", op.String()) }

func (op *blockOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *blockOp) String() string {
	kind := "slice"
	if op.pad {
		kind = "pad"
	}
	return fmt.Sprintf("%s(axis=%d, %d:%d of %d)", kind, op.axis, op.start, op.end, op.full)
}

func (op *blockOp) DiffWRT(inputs int) []bool { return []bool{true} }

// SymDiff: the gradient of a slice pads, the gradient of a pad slices.
func (op *blockOp) SymDiff(inputs gorgonia.Nodes, output, grad *gorgonia.Node) (gorgonia.Nodes, error) {
	inv := *op
	inv.pad = !op.pad
	d, err := gorgonia.ApplyOp(&inv, grad)
	if err != nil {
		return nil, err
	}
	return gorgonia.Nodes{d}, nil
}
