package tasks

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Param describes one task parameter, as FromJSON reads it: its JSON name,
// its default (at DefaultDt), its unit and what it does.
type Param struct {
	Name    string `json:"name"`
	Default any    `json:"default"`
	Unit    string `json:"unit"`
	Doc     string `json:"doc"`
}

// Info describes a task: its parameters in the order of its struct, the
// input and output sizes and the trial length T at the defaults.
type Info struct {
	Name   string  `json:"name"`
	Doc    string  `json:"doc"`
	Din    int     `json:"din"`
	Dout   int     `json:"dout"`
	Steps  int     `json:"steps"`
	Params []Param `json:"params"`
	// Sizes says what sets Din and Dout when a parameter does.
	Sizes string `json:"sizes,omitempty"`
}

// Units of the parameters. Times are in units of the neurons' time
// constant (tau = 1); dt is the step in the same units, T = int(t/dt).
const (
	UnitTime  = "time units"
	UnitAmp   = "input/output units"
	UnitCount = "count"
	UnitFrac  = "fraction in [0, 1]"
	UnitBool  = "true/false"
)

type paramDoc struct{ unit, doc string }

// taskDocs documents every parameter of every task; TestDescribeComplete
// checks that none is missing.
var taskDocs = map[string]struct {
	doc, sizes string
	params     map[string]paramDoc
}{
	"flipflop": {
		doc:   "pulses of sign +-1 on one of `channels` inputs; each output holds the sign of its channel's last pulse",
		sizes: "Din = Dout = channels",
		params: map[string]paramDoc{
			"dt":                      {UnitTime, "integration step; set it with --dt (the model's)"},
			"t_max":                   {UnitTime, "trial duration"},
			"channels":                {UnitCount, "input and output channels (the N-bit flip-flop); the model's Din and Dout follow"},
			"fixation_duration":       {UnitTime, "time before the first pulse"},
			"stimulus_duration":       {UnitTime, "length of a pulse"},
			"decision_delay_duration": {UnitTime, "time after a pulse start during which the mask is 0; added to every interval"},
			"stim_delay_duration_min": {UnitTime, "lower bound of the uniform part of the interval between pulses"},
			"stim_delay_duration_max": {UnitTime, "upper bound of the uniform part of the interval between pulses"},
			"input_amp":               {UnitAmp, "amplitude of the pulses"},
			"target_amp":              {UnitAmp, "amplitude of the target"},
			"fixate":                  {UnitBool, "also count the steps before the first pulse (target 0)"},
		},
	},
	"mante": {
		doc: "context-dependent integration: two noisy sensory inputs and two context cues; answer the sign of the cued input's coherence",
		params: map[string]paramDoc{
			"dt":                    {UnitTime, "integration step; set it with --dt (the model's)"},
			"fixation_duration":     {UnitTime, "time before the stimulus"},
			"stimulus_duration":     {UnitTime, "length of the stimulus"},
			"delay_duration":        {UnitTime, "time between the stimulus end and the decision"},
			"decision_duration":     {UnitTime, "length of the decision window, which ends the trial"},
			"input_amp":             {UnitAmp, "scale of the sensory inputs (noise and coherence)"},
			"target_amp":            {UnitAmp, "amplitude of the target"},
			"context_amp":           {UnitAmp, "value of the cued context input during the stimulus"},
			"rel_input_std":         {UnitAmp, "input noise; its std per step is rel_input_std/sqrt(dt)"},
			"coherences":            {UnitAmp, "set the two coherences are drawn from"},
			"fraction_catch_trials": {UnitFrac, "share of trials (at a batch's end) with no stimulus and target 0"},
			"fixate":                {UnitBool, "also count the steps up to the stimulus end (target 0)"},
		},
	},
	"romo": {
		doc: "parametric working memory: two pulses of amplitudes f1, f2 separated by a delay; answer which was larger",
		params: map[string]paramDoc{
			"dt":                      {UnitTime, "integration step; set it with --dt (the model's)"},
			"fixation_duration":       {UnitTime, "time before the first pulse"},
			"stimulus_duration":       {UnitTime, "length of each pulse"},
			"decision_delay_duration": {UnitTime, "time between the second pulse end and the decision window"},
			"decision_duration":       {UnitTime, "length of the decision window"},
			"stim_delay_duration_min": {UnitTime, "lower bound of the delay between the pulses"},
			"stim_delay_duration_max": {UnitTime, "upper bound of the delay between the pulses (it sets T)"},
			"input_amp_min":           {UnitAmp, "lower bound of the pulse amplitudes"},
			"input_amp_max":           {UnitAmp, "upper bound of the pulse amplitudes"},
			"min_input_diff":          {UnitAmp, "least |f1 - f2| (0: any)"},
			"target_amp":              {UnitAmp, "amplitude of the target"},
			"fixate":                  {UnitBool, "also count the steps up to the second pulse's end (target 0)"},
		},
	},
	"fixedpoint": {
		doc: "the linear experiment's input-driven fixed point: a constant input from fixation_duration on; reach target_amp at the trial's end",
		params: map[string]paramDoc{
			"dt":                {UnitTime, "integration step; set it with --dt (the model's)"},
			"t_max":             {UnitTime, "trial duration"},
			"fixation_duration": {UnitTime, "time before the input switches on"},
			"decision_duration": {UnitTime, "length of the window at the trial's end in which the target counts"},
			"target_amp":        {UnitAmp, "the target (the paper: 0.5, 1, 2)"},
			"input_amp":         {UnitAmp, "the constant input"},
		},
	},
	"cosine": {
		doc: "autonomous generation of target_amp*cos(2 pi t/period) with no input, from the initial state h0 (trained by default)",
		params: map[string]paramDoc{
			"dt":             {UnitTime, "integration step; set it with --dt (the model's)"},
			"t_max":          {UnitTime, "trial duration"},
			"period":         {UnitTime, "period of the cosine"},
			"n_periods_loss": {UnitCount, "periods in the loss window (may be fractional)"},
			"t_no_loss":      {UnitTime, "time before the loss window"},
			"target_amp":     {UnitAmp, "amplitude of the cosine"},
		},
	},
}

// Describe returns the description of the named task with its defaults.
func Describe(name string) (Info, error) {
	t, err := New(name, DefaultDt)
	if err != nil {
		return Info{}, err
	}
	d := taskDocs[name]
	info := Info{Name: name, Doc: d.doc, Sizes: d.sizes, Din: t.Din(), Dout: t.Dout(), Steps: t.Steps()}
	raw, err := json.Marshal(t)
	if err != nil {
		return Info{}, err
	}
	var defaults map[string]any
	if err := json.Unmarshal(raw, &defaults); err != nil {
		return Info{}, err
	}
	for _, field := range jsonFields(t) {
		pd, ok := d.params[field]
		if !ok {
			return Info{}, fmt.Errorf("tasks: %s: parameter %s is not documented", name, field)
		}
		info.Params = append(info.Params, Param{Name: field, Default: defaults[field], Unit: pd.unit, Doc: pd.doc})
	}
	return info, nil
}

// jsonFields lists the JSON names of a task's parameters in struct order.
func jsonFields(t Task) []string {
	rt := reflect.TypeOf(t).Elem()
	var out []string
	for i := range rt.NumField() {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}
