package tasks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
)

// DefaultDt is the integration time step of every experiment of the paper.
// FromJSON starts from it when the JSON text does not set "dt".
const DefaultDt = 0.5

// MaxSteps bounds the number of time steps of a trial; Validate rejects
// parameters that would give longer trials (a guard against a tiny dt).
const MaxSteps = 10_000_000

// Task generates batches of one of the paper's tasks.
type Task interface {
	// Name returns the task's registry name: "flipflop", "mante", "romo",
	// "fixedpoint" or "cosine".
	Name() string
	// Din returns the number of input channels.
	Din() int
	// Dout returns the number of output channels.
	Dout() int
	// Steps returns the number of time steps T of a trial.
	Steps() int
	// Sample draws a batch of b random trials from rng. It panics if b < 1
	// or if the parameters do not pass Validate.
	Sample(rng *rand.Rand, b int) *datasets.Batch
	// Test returns the test batch: sample 0 is the fixed trial of the
	// authors' test mode, samples 1..b-1 are drawn from rng as in Sample.
	Test(rng *rand.Rand, b int) *datasets.Batch
	// Validate reports a bad parameter with an error naming the field and
	// the allowed range.
	Validate() error
}

type entry struct {
	name string
	make func(dt float64) Task
}

// registry lists the tasks in the order Names returns them.
var registry = []entry{
	{"flipflop", func(dt float64) Task { return NewFlipFlop(dt) }},
	{"mante", func(dt float64) Task { return NewMante(dt) }},
	{"romo", func(dt float64) Task { return NewRomo(dt) }},
	{"fixedpoint", func(dt float64) Task { return NewFixedPoint(dt) }},
	{"cosine", func(dt float64) Task { return NewCosine(dt) }},
}

// Names returns the names of all tasks, in a fixed order.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.name
	}
	return out
}

func lookup(name string) (entry, error) {
	for _, e := range registry {
		if e.name == name {
			return e, nil
		}
	}
	return entry{}, fmt.Errorf("tasks: unknown task %q: allowed names are %s",
		name, strings.Join(Names(), ", "))
}

// New returns the task of the given name with the SPEC.md defaults and
// time step dt. It fails for an unknown name (the error lists the allowed
// names) or for a dt that the task rejects.
func New(name string, dt float64) (Task, error) {
	e, err := lookup(name)
	if err != nil {
		return nil, err
	}
	t := e.make(dt)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// FromJSON decodes the task of the given name from raw: it starts from the
// defaults (with dt = DefaultDt), decodes the JSON object over them, so that
// absent fields keep their defaults, and validates the result. Unknown
// fields are an error, so that a misspelt parameter is not silently
// ignored. An empty raw or "null" gives the defaults.
func FromJSON(name string, raw json.RawMessage) (Task, error) {
	e, err := lookup(name)
	if err != nil {
		return nil, err
	}
	t := e.make(DefaultDt)
	if len(bytes.TrimSpace(raw)) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		// t holds a pointer to the task struct, so decoding fills it in
		// place and "null" leaves it unchanged.
		if err := dec.Decode(t); err != nil {
			return nil, fmt.Errorf("tasks: decoding %s: %w", name, err)
		}
		if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("tasks: decoding %s: unexpected data after the JSON object", name)
		}
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// steps converts a duration in time units to a number of steps, truncating
// as Python's int(d / dt) does.
func steps(d, dt float64) int { return int(d / dt) }

// uniform draws from [lo, hi), as numpy.random.uniform does.
func uniform(rng *rand.Rand, lo, hi float64) float64 {
	return lo + (hi-lo)*rng.Float64()
}

// newBatch checks the batch size and the parameters and allocates a batch.
func newBatch(t Task, b int) *datasets.Batch {
	if b < 1 {
		panic(fmt.Sprintf("tasks: %s: batch size %d: need b >= 1", t.Name(), b))
	}
	if err := t.Validate(); err != nil {
		panic("tasks: " + err.Error())
	}
	return datasets.NewBatch(b, t.Steps(), t.Din(), t.Dout())
}

// Parameter checks. Each returns an error of the form
// "<task>: <json field> = <value>: must be <range>".

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func checkDt(task string, dt float64) error {
	if !finite(dt) || dt <= 0 {
		return fmt.Errorf("%s: dt = %v: must be finite and > 0", task, dt)
	}
	return nil
}

func checkNonNeg(task, field string, v float64) error {
	if !finite(v) || v < 0 {
		return fmt.Errorf("%s: %s = %v: must be finite and >= 0", task, field, v)
	}
	return nil
}

func checkPos(task, field string, v float64) error {
	if !finite(v) || v <= 0 {
		return fmt.Errorf("%s: %s = %v: must be finite and > 0", task, field, v)
	}
	return nil
}

func checkFinite(task, field string, v float64) error {
	if !finite(v) {
		return fmt.Errorf("%s: %s = %v: must be finite", task, field, v)
	}
	return nil
}

// checkSteps checks the trial length T computed from a duration.
func checkSteps(task, field string, v float64, n int) error {
	if n < 1 || n > MaxSteps {
		return fmt.Errorf("%s: %s = %v gives %d steps: must give between 1 and %d steps", task, field, v, n, MaxSteps)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
