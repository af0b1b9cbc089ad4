package zoo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
)

// SetWeights makes the arrays the current and initial values of m's
// parameters (as a model built from a weights file). Every parameter must
// be present with its shape, except the entry's Optional ones, which keep
// their value; an array that is no parameter of the model is an error, so
// that the weights of another model are not taken silently.
func (e *Entry) SetWeights(m models.Seq, arrays map[string]fileio.Array) error {
	ps := m.Params()
	names := make([]string, 0, len(arrays))
	for name := range arrays {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names { // another model's arrays before wrong sizes
		if ps.Get(name) == nil {
			return fmt.Errorf("unexpected array %q: a weights file of model %s holds %s",
				name, e.Name, strings.Join(ps.Names(), ", "))
		}
	}
	for _, name := range names {
		a, p := arrays[name], ps.Get(name)
		if !slices.Equal(a.Shape, p.Shape) {
			return fmt.Errorf("array %q has shape %v, want %v for model %s", name, a.Shape, p.Shape, e.Name)
		}
		if err := datasets.CheckFinite("weights: "+name, a.Data); err != nil {
			return err
		}
	}
	for _, p := range ps.All() {
		a, ok := arrays[p.Name]
		if !ok {
			if slices.Contains(e.Optional, p.Name) {
				continue
			}
			return fmt.Errorf("array %q is missing (model %s)", p.Name, e.Name)
		}
		copy(p.W, a.Data)
		copy(p.W0, a.Data)
	}
	return nil
}
