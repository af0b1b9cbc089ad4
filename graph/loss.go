package graph

import (
	"fmt"

	"gorgonia.org/gorgonia"
)

// MaskedSSE returns sum(mask * (z - target)^2) over all entries: z, target
// and mask have the same shape.
func MaskedSSE(z, target, mask *gorgonia.Node) (*gorgonia.Node, error) {
	e, err := maskedSquares(z, target, mask)
	if err != nil {
		return nil, err
	}
	return gorgonia.Sum(e)
}

// MaskedMSE returns the masked mean squared error of the paper,
// 0.5 * sum(mask * (z - target)^2) / sum(mask). invMaskSum is a scalar node
// holding 1 / sum(mask), typically an Input set for each batch (so that the
// graph need not be rebuilt when the mask changes).
func MaskedMSE(z, target, mask, invMaskSum *gorgonia.Node) (*gorgonia.Node, error) {
	sse, err := MaskedSSE(z, target, mask)
	if err != nil {
		return nil, err
	}
	return halfTimes(sse, invMaskSum)
}

// MaskedMSESeq is MaskedMSE for an output given as a sequence of pieces
// (e.g. one [B, Dout] matrix per time step): the sums run over every entry
// of every piece. zs, targets and masks have equal lengths and
// piece-by-piece equal shapes; all pieces have the same shape.
func MaskedMSESeq(zs, targets, masks []*gorgonia.Node, invMaskSum *gorgonia.Node) (*gorgonia.Node, error) {
	if len(zs) == 0 || len(zs) != len(targets) || len(zs) != len(masks) {
		return nil, fmt.Errorf("graph: masked MSE: %d outputs, %d targets, %d masks", len(zs), len(targets), len(masks))
	}
	es := make(gorgonia.Nodes, len(zs))
	for i := range zs {
		e, err := maskedSquares(zs[i], targets[i], masks[i])
		if err != nil {
			return nil, fmt.Errorf("graph: masked MSE, piece %d: %w", i, err)
		}
		es[i] = e
	}
	total := es[0]
	if len(es) > 1 {
		var err error
		if total, err = gorgonia.ReduceAdd(es); err != nil {
			return nil, err
		}
	}
	sse, err := gorgonia.Sum(total)
	if err != nil {
		return nil, err
	}
	return halfTimes(sse, invMaskSum)
}

func maskedSquares(z, target, mask *gorgonia.Node) (*gorgonia.Node, error) {
	d, err := gorgonia.Sub(z, target)
	if err != nil {
		return nil, err
	}
	sq, err := gorgonia.Square(d)
	if err != nil {
		return nil, err
	}
	return gorgonia.HadamardProd(mask, sq)
}

// halfTimes returns 0.5 * a * b for scalar nodes a and b.
func halfTimes(a, b *gorgonia.Node) (*gorgonia.Node, error) {
	half := Scalar(a.Graph(), a.Dtype(), 0.5)
	ab, err := gorgonia.Mul(a, b)
	if err != nil {
		return nil, err
	}
	return gorgonia.Mul(half, ab)
}

// BCEWithLogitsMean returns the binary cross-entropy of logits x against
// labels y (same shape, y in [0, 1]) averaged over all entries, as
// PyTorch's BCEWithLogitsLoss: mean(max(x, 0) - x*y + log(1 + exp(-|x|))),
// computed stably (see Log1pExp).
func BCEWithLogitsMean(x, y *gorgonia.Node) (*gorgonia.Node, error) {
	sp, err := Log1pExp(x)
	if err != nil {
		return nil, err
	}
	xy, err := gorgonia.HadamardProd(x, y)
	if err != nil {
		return nil, err
	}
	l, err := gorgonia.Sub(sp, xy)
	if err != nil {
		return nil, err
	}
	return gorgonia.Mean(l)
}
