package sweep

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Shard selects the cells one process of a distributed sweep runs: cell k
// (in the sweep's fixed cell order) belongs to shard k mod Count.
type Shard struct {
	Index, Count int
}

// All is the shard of a single-process sweep.
var All = Shard{0, 1}

// Has reports whether cell k belongs to the shard.
func (s Shard) Has(k int) bool { return k%s.Count == s.Index }

// String formats the shard as i/n.
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Validate reports a shard index outside [0, Count).
func (s Shard) Validate() error {
	if s.Count < 1 {
		return fmt.Errorf("shard count %d: must be >= 1", s.Count)
	}
	if s.Index < 0 || s.Index >= s.Count {
		return fmt.Errorf("shard index %d out of range: must be in [0, %d)", s.Index, s.Count)
	}
	return nil
}

// ParseShard parses "i/n".
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Shard{}, fmt.Errorf("shard %q: want i/n, e.g. 0/4", s)
	}
	a, err1 := strconv.Atoi(strings.TrimSpace(i))
	b, err2 := strconv.Atoi(strings.TrimSpace(n))
	if err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("shard %q: want whole numbers i/n, e.g. 0/4", s)
	}
	sh := Shard{a, b}
	return sh, sh.Validate()
}

// ShardFromEnv reads the shard of a cluster job from the environment:
// Slurm job arrays (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or
// SLURM_ARRAY_TASK_MAX + 1 when the array starts at 0) or Kubernetes
// Indexed Jobs (JOB_COMPLETION_INDEX with count, the number of
// completions, which Kubernetes does not export: pass it as
// RNNLAB_SHARD_COUNT). ok is false when none is set.
func ShardFromEnv(getenv func(string) string) (sh Shard, ok bool, err error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	atoi := func(name string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
		if err != nil {
			return 0, fmt.Errorf("%s = %q: not a whole number", name, getenv(name))
		}
		return v, nil
	}
	switch {
	case getenv("SLURM_ARRAY_TASK_ID") != "":
		id, err := atoi("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return Shard{}, true, err
		}
		var n int
		switch {
		case getenv("SLURM_ARRAY_TASK_COUNT") != "":
			n, err = atoi("SLURM_ARRAY_TASK_COUNT")
		case getenv("SLURM_ARRAY_TASK_MAX") != "":
			n, err = atoi("SLURM_ARRAY_TASK_MAX")
			n++
		default:
			err = fmt.Errorf("SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX")
		}
		if err != nil {
			return Shard{}, true, err
		}
		if min := getenv("SLURM_ARRAY_TASK_MIN"); min != "" && min != "0" {
			return Shard{}, true, fmt.Errorf("SLURM_ARRAY_TASK_MIN = %s: submit the array as --array=0-%d", min, n-1)
		}
		sh = Shard{id, n}
	case getenv("JOB_COMPLETION_INDEX") != "":
		id, err := atoi("JOB_COMPLETION_INDEX")
		if err != nil {
			return Shard{}, true, err
		}
		if getenv("RNNLAB_SHARD_COUNT") == "" {
			return Shard{}, true, fmt.Errorf("JOB_COMPLETION_INDEX is set: also set RNNLAB_SHARD_COUNT to the Job's completions")
		}
		n, err := atoi("RNNLAB_SHARD_COUNT")
		if err != nil {
			return Shard{}, true, err
		}
		sh = Shard{id, n}
	default:
		return All, false, nil
	}
	return sh, true, sh.Validate()
}
