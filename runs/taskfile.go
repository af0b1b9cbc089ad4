package runs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/datasets/trialfile"
)

// FileTask is the task name of a run on a trial file; its TaskParams are
// a trialfile.Spec (path, SHA-256, split). On the command line it is
// "file:PATH.npz".
const FileTask = "file"

// FileTaskPrefix starts a --task that names a trial file.
const FileTaskPrefix = FileTask + ":"

// ParseFileTask returns the path of a task written "file:PATH", and
// whether task has that form.
func ParseFileTask(task string) (string, bool) {
	return strings.CutPrefix(task, FileTaskPrefix)
}

// defaultFileConfig is DefaultConfig for a trial file: the flip-flop
// protocol with the model sized for the file's inputs and outputs and,
// when the file records one, its dt.
func defaultFileConfig(path string) (Config, error) {
	if path == "" {
		return Config{}, fmt.Errorf("task file: no path: write --task file:PATH.npz")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Config{}, fmt.Errorf("task file:%s: %w", path, err)
	}
	spec := trialfile.Spec{Path: abs}
	t, err := trialfile.Open(spec)
	if err != nil {
		return Config{}, err
	}
	c, _ := DefaultConfig("flipflop")
	c.Task = FileTask
	c.Model.Din, c.Model.Dout = t.Din(), t.Dout()
	if dt := t.File().Dt; dt != 0 {
		c.Model.Dt = dt
	}
	raw, _ := json.Marshal(spec)
	c.TaskParams = raw
	return c, nil
}

// FileSpec decodes the TaskParams of a trial-file run.
func (c Config) FileSpec() (trialfile.Spec, error) {
	var s trialfile.Spec
	if c.Task != FileTask {
		return s, fmt.Errorf("task %s is not a trial file", c.Task)
	}
	dec := json.NewDecoder(bytes.NewReader(c.TaskParams))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("task parameters of a trial file: %w (they hold path, sha256, test_file, test_sha256, test_fraction, split_seed)", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return s, fmt.Errorf("task parameters of a trial file: unexpected data after the JSON object")
	}
	return s, nil
}

// SetFileSpec stores s as the TaskParams of a trial-file run.
func (c *Config) SetFileSpec(s trialfile.Spec) {
	raw, _ := json.Marshal(s)
	c.TaskParams = raw
}

// newFileTask opens the trial file of c and checks it against the model's
// dt (NewTask checks the sizes, Validate the batch size).
func (c Config) newFileTask() (*trialfile.Task, error) {
	s, err := c.FileSpec()
	if err != nil {
		return nil, err
	}
	t, err := trialfile.Open(s)
	if err != nil {
		return nil, err
	}
	if err := t.File().CheckDt(c.Model.Dt); err != nil {
		return nil, err
	}
	return t, nil
}

// Test-batch streams: eval and analyze draw from (seed, 3) with noise from
// (seed, 4); the stop-loss test batch from (Seed, 7) with noise (Seed, 8)
// (streams 5 and 6 are the learnability check's).
const (
	evalStream, evalNoiseStream = 3, 4
	stopStream, stopNoiseStream = 7, 8
)

// testBatch returns a test batch of b trials of task: for a trial file
// its first b held-out trials (all of them when fewer are held out), for a
// generator b fresh trials from the PCG stream (seed, stream).
func testBatch(task tasks.Task, b int, seed, stream uint64) *datasets.Batch {
	if ft, ok := task.(*trialfile.Task); ok {
		return ft.Test(rand.New(rand.NewPCG(seed, stream)), b)
	}
	return task.Sample(rand.New(rand.NewPCG(seed, stream)), b)
}

// TestNote says when a test batch of b trials of the run's task is not b
// fresh trials: a trial file with fewer held-out trials (all are used) or
// none. It returns "" otherwise.
func (c Config) TestNote(b int) string {
	if c.Task != FileTask {
		return ""
	}
	t, err := c.newFileTask()
	if err != nil {
		return ""
	}
	return t.TestNote(b)
}
