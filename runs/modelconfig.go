package runs

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/models/zoo"
)

// DefaultModel is the model of a run that names none: the paper's rate RNN.
const DefaultModel = rnn.Name

// ModelConfig names a run's model and holds its sizes and options, as
// config.json records them:
//
//	"model": {"name": "gru", "n": 256, "din": 3, "dout": 2, "options": {"train": [...]}}
//
// The embedded rnn.Config holds the sizes N, Din and Dout of every model,
// and the options of the rate RNN (Name rnn); Options holds those of any
// other model, decoded by the zoo. Config files written before models had
// names (a "model" object holding the rate RNN's options) are read as the
// rate RNN's.
type ModelConfig struct {
	// Name is the model's name in the zoo.
	Name string
	rnn.Config
	// Options are the options of a model other than the rate RNN, a JSON
	// object over the model's defaults (resolved: every option written).
	Options json.RawMessage

	legacy bool // read from a config.json written before models had names
}

// Legacy reports whether m was read from a config.json written before
// models had names (and before runs had a divergence factor).
func (m ModelConfig) Legacy() bool { return m.legacy }

// MatchLegacy returns old, a configuration read from a directory, with the
// settings that did not exist when a legacy one (ModelConfig.Legacy) was
// written taken from now: so that a sweep or reproduction made before them
// is not refused as made with other settings. Its remaining cells train
// with now's settings. Other configurations are returned as they are.
func MatchLegacy(old, now Config) Config {
	if old.Model.legacy && old.DivergeFactor == 0 {
		old.DivergeFactor = now.DivergeFactor
	}
	return old
}

// IsRNN reports whether the model is the rate RNN.
func (m ModelConfig) IsRNN() bool { return m.Name == "" || m.Name == rnn.Name }

// Entry returns the model's zoo entry.
func (m ModelConfig) Entry() (*zoo.Entry, error) {
	name := m.Name
	if name == "" {
		name = DefaultModel
	}
	return zoo.Lookup(name)
}

// Dims returns the model's sizes.
func (m ModelConfig) Dims() zoo.Dims { return zoo.Dims{N: m.N, Din: m.Din, Dout: m.Dout} }

// OptionsJSON returns the model's options as a JSON object.
func (m ModelConfig) OptionsJSON() json.RawMessage {
	if m.IsRNN() {
		b, _ := json.Marshal(m.Config.Options)
		return b
	}
	if len(m.Options) == 0 {
		return json.RawMessage("{}")
	}
	return m.Options
}

// Validate reports an invalid model name, size or option.
func (m ModelConfig) Validate() error {
	if m.IsRNN() {
		return m.Config.Validate()
	}
	e, err := m.Entry()
	if err != nil {
		return err
	}
	switch {
	case m.N < 1:
		return fmt.Errorf("n = %d: the state size must be >= 1", m.N)
	case m.Din < 1 || m.Dout < 1:
		return fmt.Errorf("din = %d, dout = %d: must be >= 1", m.Din, m.Dout)
	}
	_, err = e.Options(m.Options)
	return err
}

// resolve writes every option of a model other than the rate RNN, so that
// config.json does not depend on the defaults of a later version.
func (m *ModelConfig) resolve() error {
	if m.IsRNN() {
		return nil
	}
	e, err := m.Entry()
	if err != nil {
		return err
	}
	o, err := e.Options(m.Options)
	if err != nil {
		return err
	}
	m.Options, err = json.Marshal(o)
	return err
}

// Spec returns the Spec of the model (built at its sizes with seed 1).
func (m ModelConfig) Spec() (models.Spec, error) {
	if m.IsRNN() {
		mod, err := rnn.New(m.Config, 1)
		if err != nil {
			return models.Spec{}, err
		}
		return mod.Seq().Spec(), nil
	}
	e, err := m.Entry()
	if err != nil {
		return models.Spec{}, err
	}
	s, err := e.New(m.Options, m.Dims(), 1)
	if err != nil {
		return models.Spec{}, err
	}
	return s.Spec(), nil
}

// modelJSON is ModelConfig's form in config.json.
type modelJSON struct {
	Name    string          `json:"name"`
	N       int             `json:"n"`
	Din     int             `json:"din"`
	Dout    int             `json:"dout"`
	Options json.RawMessage `json:"options"`
}

// MarshalJSON writes the name, the sizes and the options.
func (m ModelConfig) MarshalJSON() ([]byte, error) {
	name := m.Name
	if name == "" {
		name = DefaultModel
	}
	return json.Marshal(modelJSON{Name: name, N: m.N, Din: m.Din, Dout: m.Dout, Options: m.OptionsJSON()})
}

// UnmarshalJSON reads the named form, or the rate RNN's options of a
// config.json written before models had names.
func (m *ModelConfig) UnmarshalJSON(b []byte) error {
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(b, &probe); err != nil {
		return err
	}
	if _, named := probe["name"]; !named {
		var c rnn.Config
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		*m = ModelConfig{Name: rnn.Name, Config: c, legacy: true}
		return nil
	}
	var j modelJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	*m = ModelConfig{Name: j.Name, Config: rnn.DefaultConfig(j.N, j.Din, j.Dout)}
	if m.IsRNN() {
		o := rnn.DefaultOptions()
		if len(j.Options) > 0 {
			dec := json.NewDecoder(bytes.NewReader(j.Options))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&o); err != nil {
				return fmt.Errorf("model rnn: options: %w", err)
			}
		}
		m.Config.Options = o
		return nil
	}
	m.Options = j.Options
	return nil
}

// HasG reports whether the model has an initial connectivity strength g.
func (m ModelConfig) HasG() bool {
	if m.IsRNN() {
		return true
	}
	s, err := m.Spec()
	return err == nil && s.HasG
}

// WithG returns m with g set (for a model that has it, see HasG; the
// option "g" of a model other than the rate RNN).
func (m ModelConfig) WithG(g float64) ModelConfig {
	if m.IsRNN() {
		m.G = g
		return m
	}
	opts := map[string]any{}
	json.Unmarshal(m.Options, &opts)
	opts["g"] = g
	m.Options, _ = json.Marshal(opts)
	return m
}

// PrimaryMatrix returns the name of the first connectivity matrix the
// model declares (the rate RNN's wrec), the one analyses put first.
func PrimaryMatrix(m ModelConfig) string {
	if s, err := m.Spec(); err == nil && len(s.Matrices) > 0 {
		return s.Matrices[0].Param
	}
	return "wrec"
}
