package runs

import (
	"fmt"
	"slices"

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

// ReadWeights reads a weights .npz file for a model of configuration cfg
// and checks that wi, wrec and wo are present and that every array has the
// shape cfg implies (brec and h0 may be missing: they default to zero).
// Arrays with other names are an error, so that a misnamed array is not
// silently ignored.
func ReadWeights(path string, cfg rnn.Config) (map[string][]float64, error) {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	shapes := cfg.Shapes()
	out := make(map[string][]float64, len(arrays))
	for name, a := range arrays {
		want, ok := shapes[name]
		if !ok {
			return nil, fmt.Errorf("%s: unexpected array %q: a weights file holds %v", path, name, rnn.ParamNames)
		}
		if !slices.Equal(a.Shape, want) {
			return nil, fmt.Errorf("%s: array %q has shape %v, want %v (n=%d, din=%d, dout=%d)",
				path, name, a.Shape, want, cfg.N, cfg.Din, cfg.Dout)
		}
		out[name] = a.Data
	}
	for _, name := range []string{"wi", "wrec", "wo"} {
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("%s: array %q is missing", path, name)
		}
	}
	return out, nil
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
