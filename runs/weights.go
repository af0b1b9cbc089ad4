package runs

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
)

// WeightArrays returns the current (initial = false) or initial values of
// ps as arrays with their shapes, ready for fileio.WriteNPZ.
func WeightArrays(ps *models.Params, initial bool) map[string]fileio.Array {
	out := make(map[string]fileio.Array, len(ps.All()))
	for _, p := range ps.All() {
		v := p.W
		if initial {
			v = p.W0
		}
		out[p.Name] = fileio.NewArray(append([]float64(nil), v...), p.Shape...)
	}
	return out
}

// NewModel returns the model of mc initialised from seed.
func NewModel(mc ModelConfig, seed uint64) (models.Seq, error) {
	if mc.IsRNN() {
		m, err := rnn.New(mc.Config, seed)
		if err != nil {
			return nil, err
		}
		return m.Seq(), nil
	}
	e, err := mc.Entry()
	if err != nil {
		return nil, err
	}
	return e.New(mc.Options, mc.Dims(), seed)
}

// ModelFromWeights returns the model of mc with the given weights, keyed
// by parameter name, as its initial and current values (the model's
// optional parameters, the rate RNN's brec and h0, default to their
// initial value, zero).
func ModelFromWeights(mc ModelConfig, w map[string][]float64) (models.Seq, error) {
	if mc.IsRNN() {
		m, err := rnn.NewFromWeights(mc.Config, w)
		if err != nil {
			return nil, err
		}
		return m.Seq(), nil
	}
	m, err := NewModel(mc, 0)
	if err != nil {
		return nil, err
	}
	e, _ := mc.Entry()
	arrays := make(map[string]fileio.Array, len(w))
	for name, v := range w {
		p := m.Params().Get(name)
		if p == nil {
			return nil, fmt.Errorf("weights: unexpected array %q: model %s has %s", name, e.Name, strings.Join(m.Params().Names(), ", "))
		}
		if len(v) != p.Len() {
			return nil, fmt.Errorf("weights: array %q has %d entries, want %d for shape %v", name, len(v), p.Len(), p.Shape)
		}
		arrays[name] = fileio.Array{Shape: p.Shape, Data: v}
	}
	if err := e.SetWeights(m, arrays); err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	return m, nil
}

// ReadWeights reads a weights .npz file for a model of configuration mc
// and checks that every parameter is present (the model's optional ones,
// the rate RNN's brec and h0, may be missing) and that every array has
// the shape mc implies. Arrays with other names are an error, so that a
// misnamed array, or the weights of another model, is not silently
// ignored.
func ReadWeights(path string, mc ModelConfig) (map[string][]float64, error) {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	var (
		names    []string
		shapes   = map[string][]int{}
		required []string
	)
	if mc.IsRNN() {
		names, shapes, required = rnn.ParamNames, mc.Shapes(), []string{"wi", "wrec", "wo"}
	} else {
		m, err := NewModel(mc, 0)
		if err != nil {
			return nil, err
		}
		e, _ := mc.Entry()
		for _, p := range m.Params().All() {
			names = append(names, p.Name)
			shapes[p.Name] = p.Shape
			if !slices.Contains(e.Optional, p.Name) {
				required = append(required, p.Name)
			}
		}
	}
	// Arrays of other names first, in order: they tell the weights of
	// another model apart from a wrong size.
	keys := make([]string, 0, len(arrays))
	for name := range arrays {
		keys = append(keys, name)
	}
	slices.Sort(keys)
	for _, name := range keys {
		if _, ok := shapes[name]; !ok {
			return nil, fmt.Errorf("%s: unexpected array %q: a weights file of model %s holds %v", path, name, mc.entryName(), names)
		}
	}
	out := make(map[string][]float64, len(arrays))
	for _, name := range keys {
		a, want := arrays[name], shapes[name]
		if !slices.Equal(a.Shape, want) {
			return nil, fmt.Errorf("%s: array %q has shape %v, want %v (model %s, n=%d, din=%d, dout=%d)",
				path, name, a.Shape, want, mc.entryName(), mc.N, mc.Din, mc.Dout)
		}
		out[name] = a.Data
	}
	for _, name := range required {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("%s: array %q is missing", path, name)
		}
	}
	return out, nil
}

// entryName returns the model's name, the default for an empty one.
func (m ModelConfig) entryName() string {
	if m.Name == "" {
		return DefaultModel
	}
	return m.Name
}

// InferSizes reads N, Din and Dout from the shapes of wi [Din, N] and wo
// [N, Dout] in a weights file.
func InferSizes(path string) (n, din, dout int, err error) {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return 0, 0, 0, err
	}
	wi, ok1 := arrays["wi"]
	wo, ok2 := arrays["wo"]
	if !ok1 || !ok2 {
		return 0, 0, 0, fmt.Errorf("%s: arrays wi and wo are needed to infer the model's sizes", path)
	}
	if len(wi.Shape) != 2 || len(wo.Shape) != 2 {
		return 0, 0, 0, fmt.Errorf("%s: wi has shape %v and wo %v, want [din, n] and [n, dout]", path, wi.Shape, wo.Shape)
	}
	return wi.Shape[1], wi.Shape[0], wo.Shape[1], nil
}
