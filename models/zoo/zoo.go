package zoo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/autodiff"
)

// Autodiff is the name of the engine every model has.
const Autodiff = "autodiff"

// Dims are the sizes of a model: its state size N (neurons, hidden
// units: rnnlab's --n) and the task's input and output sizes.
type Dims struct{ N, Din, Dout int }

// EngineFunc returns an engine of m computing in dtype.
type EngineFunc func(m models.Seq, dtype models.Dtype) (models.Engine[*datasets.Batch], error)

// Def is a model's registration; O is its options type, a struct whose
// JSON fields are the options.
type Def[O any] struct {
	// Name is the registry name (rnnlab --model NAME).
	Name string
	// Doc is a one-line description.
	Doc string
	// Defaults returns the default options.
	Defaults func() O
	// New returns a model of options o and sizes d, initialised from seed.
	New func(o O, d Dims, seed uint64) (models.Seq, error)
	// Engines are hand-written engines besides autodiff, by name.
	Engines map[string]EngineFunc
	// Optional names parameters a weights file may leave out (they keep
	// their seeded initial value).
	Optional []string
}

// Entry is a registered model, its options type erased.
type Entry struct {
	Name, Doc string
	// Optional names the parameters a weights file may leave out.
	Optional []string

	defaults func() any
	decode   func(opts json.RawMessage) (any, error)
	build    func(o any, d Dims, seed uint64) (models.Seq, error)
	engines  map[string]EngineFunc
}

var (
	mu       sync.RWMutex
	registry = map[string]*Entry{}
)

// Register adds a model to the registry. It panics if the name is empty
// or taken, or New or Defaults is nil: registration happens in init
// functions, where such errors are programming errors.
func Register[O any](d Def[O]) {
	if d.Name == "" || d.New == nil || d.Defaults == nil {
		panic("zoo: a model needs a name, New and Defaults")
	}
	e := &Entry{Name: d.Name, Doc: d.Doc, Optional: d.Optional,
		defaults: func() any { return d.Defaults() },
		decode: func(raw json.RawMessage) (any, error) {
			o := d.Defaults()
			if err := Decode(d.Name, raw, &o); err != nil {
				return nil, err
			}
			return o, nil
		},
		build: func(o any, dims Dims, seed uint64) (models.Seq, error) {
			return d.New(o.(O), dims, seed)
		},
		engines: map[string]EngineFunc{Autodiff: func(m models.Seq, dt models.Dtype) (models.Engine[*datasets.Batch], error) {
			return autodiff.New(m, dt)
		}},
	}
	for name, f := range d.Engines {
		e.engines[name] = f
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[d.Name]; dup {
		panic("zoo: model " + d.Name + " registered twice")
	}
	registry[d.Name] = e
}

// Decode decodes the options raw (a JSON object; empty leaves o as it is)
// of the model called name into *o strictly: an option o does not have is
// an error naming it and listing o's options.
func Decode[O any](name string, raw json.RawMessage, o *O) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(o); err != nil {
		return fmt.Errorf("model %s: options: %s", name, optionError(err, *o))
	}
	return nil
}

// optionError rewrites encoding/json's unknown-field error to name the
// option and list the model's options.
func optionError(err error, o any) string {
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return fmt.Sprintf("unknown option %s: allowed %s", f, strings.Join(OptionNames(o), ", "))
	}
	return msg
}

// OptionNames returns the JSON names of the options in o (a struct, or a
// pointer to one, whose fields may embed others), sorted.
func OptionNames(o any) []string {
	var names []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case tag == "-" || !f.IsExported():
			case f.Anonymous && tag == "":
				walk(f.Type)
			case tag != "":
				names = append(names, tag)
			default:
				names = append(names, f.Name)
			}
		}
	}
	walk(reflect.TypeOf(o))
	sort.Strings(names)
	return names
}

// Names returns the registered model names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the model called name, or an error listing the
// registered ones.
func Lookup(name string) (*Entry, error) {
	mu.RLock()
	e, ok := registry[name]
	mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("unknown model %q: registered %s", name, strings.Join(Names(), ", "))
	}
	return e, nil
}

// Defaults returns the model's default options.
func (e *Entry) Defaults() any { return e.defaults() }

// DefaultsJSON returns the default options as a JSON object.
func (e *Entry) DefaultsJSON() json.RawMessage {
	b, _ := json.Marshal(e.defaults())
	return b
}

// Options decodes options (a JSON object; empty means the defaults) over
// the defaults. An option the model does not have is an error naming it.
func (e *Entry) Options(raw json.RawMessage) (any, error) { return e.decode(raw) }

// New returns a model of the given options (JSON over the defaults) and
// sizes, initialised from seed.
func (e *Entry) New(raw json.RawMessage, d Dims, seed uint64) (models.Seq, error) {
	o, err := e.decode(raw)
	if err != nil {
		return nil, err
	}
	m, err := e.build(o, d, seed)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", e.Name, err)
	}
	return m, nil
}

// Engines returns the model's engine names, autodiff first.
func (e *Entry) Engines() []string {
	names := []string{Autodiff}
	for n := range e.engines {
		if n != Autodiff {
			names = append(names, n)
		}
	}
	slices.Sort(names[1:])
	return names
}

// Engine returns the named engine of m (a model of this entry) computing
// in dtype, or an error listing the model's engines.
func (e *Entry) Engine(name string, m models.Seq, dtype models.Dtype) (models.Engine[*datasets.Batch], error) {
	f, ok := e.engines[name]
	if !ok {
		return nil, fmt.Errorf("engine %q: model %s has %s", name, e.Name, strings.Join(e.Engines(), ", "))
	}
	return f(m, dtype)
}
