package zoo_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/models/enginetest"
	"github.com/rnnlab/rnnlab/models/zoo"

	_ "github.com/rnnlab/rnnlab/models/gru"
	_ "github.com/rnnlab/rnnlab/models/rnn"
)

// TestEverySuite runs the shared suite on every registered model at small
// sizes, the rate RNN also with noise and the ML convention.
func TestEverySuite(t *testing.T) {
	d := zoo.Dims{N: 6, Din: 2, Dout: 3}
	for _, name := range zoo.Names() {
		t.Run(name, func(t *testing.T) { enginetest.CheckModel(t, name, nil, d) })
	}
	t.Run("rnn_noise_ml", func(t *testing.T) {
		enginetest.CheckModel(t, "rnn", json.RawMessage(`{"g": 1.2, "noise_std": 0.3, "convention": "ml"}`), d)
	})
}

func TestRegistryErrors(t *testing.T) {
	if _, err := zoo.Lookup("lstmx"); err == nil || !strings.Contains(err.Error(), "registered gru, rnn") {
		t.Errorf("unknown model: %v", err)
	}
	e, err := zoo.Lookup("gru")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.New(json.RawMessage(`{"g": 0.9}`), zoo.Dims{N: 4, Din: 1, Dout: 1}, 1); err == nil ||
		!strings.Contains(err.Error(), `unknown option "g": allowed train`) {
		t.Errorf("unknown option: %v", err)
	}
	if _, err := e.Engine("bptt", nil, "float64"); err == nil || !strings.Contains(err.Error(), "model gru has autodiff") {
		t.Errorf("unknown engine: %v", err)
	}
	if got := strings.Join(e.Engines(), ","); got != "autodiff" {
		t.Errorf("gru engines %s", got)
	}
	r, _ := zoo.Lookup("rnn")
	if got := strings.Join(r.Engines(), ","); got != "autodiff,bptt" {
		t.Errorf("rnn engines %s", got)
	}
}
