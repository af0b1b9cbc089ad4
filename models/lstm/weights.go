package lstm

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// Arrays returns the parameters as named arrays with their full shapes:
// the current values W, or the initial values W0 when initial is set. The
// slices are the model's, not copies.
func (m *Model) Arrays(initial bool) map[string]fileio.Array {
	out := make(map[string]fileio.Array)
	for _, p := range m.Params.All() {
		v := p.W
		if initial {
			v = p.W0
		}
		out[p.Name] = fileio.NewArray(v, p.Shape...)
	}
	return out
}

// Save writes the current values to an .npz file, atomically: one float64
// array per parameter, named and shaped as PyTorch's state_dict, so that
// in Python
//
//	sd = {k: torch.from_numpy(v).float() for k, v in numpy.load(path).items()}
//	model.load_state_dict(sd)
//
// loads them into the equivalent PyTorch module.
func (m *Model) Save(path string) error { return fileio.WriteNPZ(path, m.Arrays(false)) }

// SaveInit writes the initial values W0 to an .npz file (see Save).
func (m *Model) SaveInit(path string) error { return fileio.WriteNPZ(path, m.Arrays(true)) }

// Load returns a model whose initial and current values are those of the
// .npz file at path (written by Save, or by numpy.savez from a PyTorch
// state_dict; float32 arrays are widened). The sizes Vocab, Emb, Hidden
// and Layers of cfg that are 0 are read from the arrays' shapes; the
// others must agree with them. Dropout and FreezeEmbedding are taken from
// cfg.
func Load(path string, cfg Config) (*Model, error) {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	cfg, err = inferConfig(arrays, cfg)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	w, err := checkShapes(arrays, cfg)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	m, err := NewFromWeights(cfg, w)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return m, nil
}

// LoadCurrent sets the current values W from the .npz file at path,
// keeping the initial values W0: with Load of weights_init.npz and then
// LoadCurrent of weights_final.npz, a model holds both ends of training
// and its weight changes dW = W - W0.
func (m *Model) LoadCurrent(path string) error {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return err
	}
	w, err := checkShapes(arrays, m.Config)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	for _, p := range m.Params.All() {
		v, ok := w[p.Name]
		if !ok {
			return fmt.Errorf("read %s: array %q is missing", path, p.Name)
		}
		copy(p.W, v)
	}
	return nil
}

var layerRe = regexp.MustCompile(`^rnn\.weight_hh_l(\d+)$`)

// inferConfig fills the zero sizes of cfg from the arrays' shapes.
func inferConfig(arrays map[string]fileio.Array, cfg Config) (Config, error) {
	enc, ok := arrays[EncoderWeight]
	if !ok || len(enc.Shape) != 2 {
		return cfg, fmt.Errorf("no %s matrix", EncoderWeight)
	}
	dec, ok := arrays[DecoderWeight]
	if !ok || len(dec.Shape) != 2 {
		return cfg, fmt.Errorf("no %s matrix", DecoderWeight)
	}
	layers := 0
	for name := range arrays {
		if mm := layerRe.FindStringSubmatch(name); mm != nil {
			k, _ := strconv.Atoi(mm[1])
			layers = max(layers, k+1)
		}
	}
	set := func(field string, have *int, got int) error {
		if *have == 0 {
			*have = got
		} else if *have != got {
			return fmt.Errorf("%s = %d, but the weights have %d", field, *have, got)
		}
		return nil
	}
	if err := set("vocab", &cfg.Vocab, enc.Shape[0]); err != nil {
		return cfg, err
	}
	if err := set("emb", &cfg.Emb, enc.Shape[1]); err != nil {
		return cfg, err
	}
	if err := set("hidden", &cfg.Hidden, dec.Shape[1]); err != nil {
		return cfg, err
	}
	if err := set("layers", &cfg.Layers, layers); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// checkShapes returns the arrays' data if every array has exactly the
// shape cfg gives its name, and names the first that does not.
func checkShapes(arrays map[string]fileio.Array, cfg Config) (map[string][]float64, error) {
	shapes := cfg.Shapes()
	w := make(map[string][]float64, len(arrays))
	for _, name := range sortedKeys(arrays) {
		a := arrays[name]
		want, ok := shapes[name]
		if !ok {
			return nil, fmt.Errorf("unknown array %q: the model has %s", name, strings.Join(cfg.ParamNames(), ", "))
		}
		if !equalShape(a.Shape, want) {
			return nil, fmt.Errorf("array %q has shape %v, want %v", name, a.Shape, want)
		}
		w[name] = a.Data
	}
	return w, nil
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
