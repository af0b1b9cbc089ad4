package tasks

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets"
)

func newRng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// allTasks lists the expected sizes at dt = 0.5 (SPEC.md) and whether the
// task is random.
var allTasks = []struct {
	name            string
	din, dout, t    int
	random          bool
	testDiffersFrom bool // Test sample 0 differs from a Sample draw
}{
	{"flipflop", 2, 2, 100, true, true},
	{"mante", 4, 1, 96, true, true},
	{"romo", 1, 2, 56, true, true},
	{"fixedpoint", 1, 1, 202, false, false},
	{"cosine", 1, 1, 20, false, false},
}

func mustNew(t *testing.T, name string) Task {
	t.Helper()
	task, err := New(name, 0.5)
	if err != nil {
		t.Fatalf("New(%q): %v", name, err)
	}
	return task
}

func TestNames(t *testing.T) {
	want := []string{"flipflop", "mante", "romo", "fixedpoint", "cosine"}
	if got := Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	// The returned slice is a copy.
	Names()[0] = "x"
	if Names()[0] != "flipflop" {
		t.Fatal("Names() exposes the registry")
	}
}

func TestNewUnknown(t *testing.T) {
	_, err := New("nope", 0.5)
	if err == nil {
		t.Fatal("New(nope): no error")
	}
	for _, n := range Names() {
		if !strings.Contains(err.Error(), n) {
			t.Errorf("error %q does not list %q", err, n)
		}
	}
	if _, err := FromJSON("nope", nil); err == nil {
		t.Error("FromJSON(nope): no error")
	}
	if _, err := New("flipflop", 0); err == nil || !strings.Contains(err.Error(), "dt") {
		t.Errorf("New(flipflop, 0): error %v, want one naming dt", err)
	}
}

func TestShapesAndValidate(t *testing.T) {
	for _, tc := range allTasks {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, tc.name)
			if task.Name() != tc.name {
				t.Errorf("Name() = %q", task.Name())
			}
			if task.Din() != tc.din || task.Dout() != tc.dout || task.Steps() != tc.t {
				t.Fatalf("Din, Dout, Steps = %d, %d, %d, want %d, %d, %d",
					task.Din(), task.Dout(), task.Steps(), tc.din, tc.dout, tc.t)
			}
			if err := task.Validate(); err != nil {
				t.Fatal(err)
			}
			rng := newRng(1)
			for _, b := range []int{1, 7, 64} {
				for mode, bt := range map[string]*datasets.Batch{
					"sample": task.Sample(rng, b), "test": task.Test(rng, b),
				} {
					if bt.B != b || bt.T != tc.t || bt.Din != tc.din || bt.Dout != tc.dout {
						t.Fatalf("%s b=%d: sizes %d %d %d %d", mode, b, bt.B, bt.T, bt.Din, bt.Dout)
					}
					if err := bt.Validate(); err != nil {
						t.Fatalf("%s b=%d: %v", mode, b, err)
					}
					// Every trial has some masked step and masks are 0/1.
					for k := 0; k < b; k++ {
						var s float64
						for i := bt.Out(k, 0, 0); i < bt.Out(k+1, 0, 0); i++ {
							if m := bt.Mask[i]; m != 0 && m != 1 {
								t.Fatalf("%s: mask entry %v", mode, m)
							}
							s += bt.Mask[i]
						}
						if s == 0 {
							t.Fatalf("%s: trial %d has an all-zero mask", mode, k)
						}
					}
				}
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	for _, tc := range allTasks {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, tc.name)
			a := task.Sample(newRng(42), 16)
			b := task.Sample(newRng(42), 16)
			if !reflect.DeepEqual(a, b) {
				t.Fatal("same seed gave different Sample batches")
			}
			ta := task.Test(newRng(42), 16)
			tb := task.Test(newRng(42), 16)
			if !reflect.DeepEqual(ta, tb) {
				t.Fatal("same seed gave different Test batches")
			}
			c := task.Sample(newRng(43), 16)
			if tc.random && reflect.DeepEqual(a, c) {
				t.Fatal("different seeds gave the same batch")
			}
			if !tc.random && !reflect.DeepEqual(a, c) {
				t.Fatal("deterministic task depends on the seed")
			}
			if !tc.random && !reflect.DeepEqual(a, ta) {
				t.Fatal("deterministic task: Test differs from Sample")
			}
			// Test sample 0 does not depend on the seed (except Mante's
			// noise, checked in mante_test.go).
			if tc.name != "mante" {
				t0 := task.Test(newRng(1), 3)
				t1 := task.Test(newRng(2), 3)
				n := t0.T * t0.Din
				m := t0.T * t0.Dout
				if !slices.Equal(t0.Input[:n], t1.Input[:n]) || !slices.Equal(t0.Target[:m], t1.Target[:m]) ||
					!slices.Equal(t0.Mask[:m], t1.Mask[:m]) {
					t.Fatal("Test sample 0 depends on the seed")
				}
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range allTasks {
		t.Run(tc.name, func(t *testing.T) {
			task := mustNew(t, tc.name)
			raw, err := json.Marshal(task)
			if err != nil {
				t.Fatal(err)
			}
			back, err := FromJSON(tc.name, raw)
			if err != nil {
				t.Fatalf("FromJSON(%s): %v", raw, err)
			}
			if !reflect.DeepEqual(task, back) {
				t.Fatalf("round trip changed the task: %+v -> %+v", task, back)
			}
			// Empty and null give the defaults.
			for _, in := range []string{"", "null", "{}"} {
				d, err := FromJSON(tc.name, json.RawMessage(in))
				if err != nil || !reflect.DeepEqual(d, task) {
					t.Fatalf("FromJSON(%q) = %+v, %v; want the defaults", in, d, err)
				}
			}
			// Overriding dt changes only dt.
			d, err := FromJSON(tc.name, json.RawMessage(`{"dt": 0.25}`))
			if err != nil {
				t.Fatal(err)
			}
			if d.Steps() < 2*tc.t-1 || d.Steps() > 2*tc.t {
				t.Errorf("dt 0.25: Steps() = %d, want about %d", d.Steps(), 2*tc.t)
			}
			// Unknown fields, trailing data, bad values and bad types fail.
			for _, in := range []string{`{"no_such_field": 1}`, `{} {}`, `{"dt": -1}`, `{"dt": "x"}`, `[1]`} {
				if _, err := FromJSON(tc.name, json.RawMessage(in)); err == nil {
					t.Errorf("FromJSON(%s): no error", in)
				}
			}
		})
	}
}

func TestFromJSONOverride(t *testing.T) {
	task, err := FromJSON("mante", json.RawMessage(`{"coherences": [-0.5, 0.5], "rel_input_std": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	m := task.(*Mante)
	if !slices.Equal(m.Coherences, []float64{-0.5, 0.5}) || m.RelInputStd != 0 || m.StimulusDuration != 20 {
		t.Fatalf("override gave %+v", m)
	}
	// The defaults of a later call are untouched.
	if !slices.Equal(NewMante(0.5).Coherences, []float64{-1, -0.5, -0.25, -0.125, 0.125, 0.25, 0.5, 1}) {
		t.Fatal("FromJSON changed the defaults")
	}
}

// badParams lists one invalid setting per check; the error must name the
// field and state an allowed range ("must").
var badParams = []struct {
	name, field string
	set         func(Task)
}{
	{"flipflop", "dt", func(t Task) { t.(*FlipFlop).Dt = 0 }},
	{"flipflop", "dt", func(t Task) { t.(*FlipFlop).Dt = math.NaN() }},
	{"flipflop", "t_max", func(t Task) { t.(*FlipFlop).TMax = -1 }},
	{"flipflop", "t_max", func(t Task) { t.(*FlipFlop).TMax = 5 }},
	{"flipflop", "t_max", func(t Task) { t.(*FlipFlop).Dt = 1e-9 }},
	{"flipflop", "channels", func(t Task) { t.(*FlipFlop).Channels = 0 }},
	{"flipflop", "stimulus_duration", func(t Task) { t.(*FlipFlop).StimulusDuration = -1 }},
	{"flipflop", "stim_delay_duration_max", func(t Task) { t.(*FlipFlop).StimDelayMax = 4 }},
	{"flipflop", "stim_delay_duration_min", func(t Task) {
		f := t.(*FlipFlop)
		f.StimDelayMin, f.DecisionDelayDuration = 0, 0
	}},
	{"flipflop", "input_amp", func(t Task) { t.(*FlipFlop).InputAmp = math.Inf(1) }},
	{"mante", "dt", func(t Task) { t.(*Mante).Dt = -0.5 }},
	{"mante", "decision_duration", func(t Task) { t.(*Mante).DecisionDuration = 0 }},
	{"mante", "rel_input_std", func(t Task) { t.(*Mante).RelInputStd = -0.1 }},
	{"mante", "coherences", func(t Task) { t.(*Mante).Coherences = nil }},
	{"mante", "coherences[1]", func(t Task) { t.(*Mante).Coherences = []float64{1, math.NaN()} }},
	{"mante", "fraction_catch_trials", func(t Task) { t.(*Mante).FractionCatchTrials = 1.5 }},
	{"mante", "context_amp", func(t Task) { t.(*Mante).ContextAmp = math.NaN() }},
	{"romo", "dt", func(t Task) { t.(*Romo).Dt = math.Inf(1) }},
	{"romo", "stim_delay_duration_max", func(t Task) { t.(*Romo).StimDelayMax = 1 }},
	{"romo", "input_amp_max", func(t Task) { t.(*Romo).InputAmpMax = 0.4 }},
	{"romo", "min_input_diff", func(t Task) { t.(*Romo).MinInputDiff = 1 }},
	{"romo", "min_input_diff", func(t Task) { t.(*Romo).MinInputDiff = -0.1 }},
	{"romo", "decision_duration", func(t Task) { t.(*Romo).DecisionDuration = 0.2 }},
	{"fixedpoint", "t_max", func(t Task) { t.(*FixedPoint).TMax = 0 }},
	{"fixedpoint", "decision_duration", func(t Task) { t.(*FixedPoint).DecisionDuration = 0 }},
	{"fixedpoint", "decision_duration", func(t Task) { t.(*FixedPoint).DecisionDuration = 200 }},
	{"fixedpoint", "target_amp", func(t Task) { t.(*FixedPoint).TargetAmp = math.NaN() }},
	{"cosine", "period", func(t Task) { t.(*Cosine).Period = 0 }},
	{"cosine", "t_max", func(t Task) { t.(*Cosine).TMax = 9 }},
	{"cosine", "t_no_loss", func(t Task) { t.(*Cosine).TNoLoss = -1 }},
	{"cosine", "n_periods_loss", func(t Task) { t.(*Cosine).NPeriodsLoss = 0 }},
}

func TestBadParameters(t *testing.T) {
	for _, bp := range badParams {
		task := mustNew(t, bp.name)
		bp.set(task)
		err := task.Validate()
		if err == nil {
			t.Errorf("%s: bad %s passed Validate", bp.name, bp.field)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, bp.name+": ") || !strings.Contains(msg, bp.field) || !strings.Contains(msg, "must") {
			t.Errorf("%s: bad %s: error %q does not name the task, the field and the allowed range", bp.name, bp.field, msg)
		}
		// Sampling an invalid task panics rather than loop or misbehave.
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: bad %s: Sample did not panic", bp.name, bp.field)
				}
			}()
			task.Sample(newRng(1), 2)
		}()
		// The JSON form of the bad task is rejected by FromJSON, unless the
		// bad value (NaN, Inf) cannot be written as JSON at all.
		if raw, err := json.Marshal(task); err == nil {
			if _, err := FromJSON(bp.name, raw); err == nil {
				t.Errorf("%s: bad %s: FromJSON accepted %s", bp.name, bp.field, raw)
			}
		}
	}
}

func TestBatchSizePanics(t *testing.T) {
	for _, name := range Names() {
		task := mustNew(t, name)
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Sample(b=0) did not panic", name)
				}
			}()
			task.Sample(newRng(1), 0)
		}()
	}
}

// TestNonDefaultDt checks that every task still produces valid batches at
// another time step.
func TestNonDefaultDt(t *testing.T) {
	for _, name := range Names() {
		for _, dt := range []float64{0.1, 0.2, 1} {
			task, err := New(name, dt)
			if err != nil {
				t.Fatalf("%s dt=%v: %v", name, dt, err)
			}
			if err := task.Sample(newRng(3), 8).Validate(); err != nil {
				t.Fatalf("%s dt=%v: %v", name, dt, err)
			}
			if err := task.Test(newRng(3), 8).Validate(); err != nil {
				t.Fatalf("%s dt=%v: %v", name, dt, err)
			}
		}
	}
}
