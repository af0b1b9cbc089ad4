package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// clusterSweep is the test's sweep: 6 cells of a flip-flop network of 16
// units, each about a second of training on one core, so that a task can
// be cancelled while it trains and the whole test stays near a minute.
const clusterSweep = "--task flipflop --g 0,0.9,1.8 --samples 2 --n 16 --epochs 4000 --batch 4 --test-batch 16 --max-rank 3 --shuffles 2"

// The array's size and the first cell its task 1 trains (cell k belongs
// to shard k mod 3; cells are g-major, two samples per g).
const (
	shards      = 3
	task1Cell   = "g00_s1"
	waitLimit   = 3 * time.Minute
	clusterMem  = "1G" // SBATCH_MEM_PER_NODE: the scripts ask for 4G, the test's cells need 50M
	clusterTime = "10" // SBATCH_TIMELIMIT in minutes: a stuck job ends
)

// task1Cells are all the cells of task 1: cells 1 and 4.
var task1Cells = []string{task1Cell, "g02_s0"}

// submission is one run of submitLines in the test's working directory.
type submission struct {
	array, collect string
}

// submit runs submitLines (what deploy/README.md tells users to type) with
// SWEEP_DIR=dir, in work, whose deploy/ links to this directory, so that
// the jobs' logs land in work.
func submit(t *testing.T, work, bin, dir, flags string, inEnv bool) submission {
	t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", submitLines(shards, flags, inEnv))
	cmd.Dir = work
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "RNNLAB_SWEEP_FLAGS" && !strings.HasPrefix(k, "SBATCH_") && !strings.HasPrefix(k, "SLURM_ARRAY_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "SWEEP_DIR="+dir, "RNNLAB="+bin,
		"SBATCH_MEM_PER_NODE="+clusterMem, "SBATCH_TIMELIMIT="+clusterTime)
	out, err := cmd.CombinedOutput()
	var s submission
	if err != nil {
		t.Fatalf("submitting:\n%s\n%v\n%s", submitLines(shards, flags, inEnv), err, out)
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "array %s collect %s", &s.array, &s.collect); err != nil {
		t.Fatalf("submission printed %q: %v", out, err)
	}
	s.array = strings.TrimSuffix(s.array, ",")
	// A test that stops early leaves no job behind (scancel of a finished
	// job does nothing).
	t.Cleanup(func() { exec.Command("scancel", s.array, s.collect).Run() })
	t.Logf("submitted array job %s (%d tasks) and collect job %s (afterok:%s), SWEEP_DIR=%s", s.array, shards, s.collect, s.array, dir)
	return s
}

// taskLog returns the log of task i of array job id (sweep.sbatch's
// --output) or, with i < 0, of the collect job id.
func taskLog(t *testing.T, work, id string, i int) string {
	t.Helper()
	name := "rnnlab-collect-" + id + ".log"
	if i >= 0 {
		name = fmt.Sprintf("rnnlab-sweep-%s_%d.log", id, i)
	}
	b, err := os.ReadFile(filepath.Join(work, name))
	if err != nil {
		t.Errorf("job log: %v", err)
	}
	return string(b)
}

// TestSlurmArray runs deploy/README.md's commands on a real Slurm: a job
// array of 3 shards and a dependent collect job; then an array with
// mismatched flags; then an array with one task cancelled while it trains,
// and the same array resubmitted. Each finished directory's summary.csv
// must equal a single-process sweep's byte for byte.
func TestSlurmArray(t *testing.T) {
	requireSlurm(t)
	bin := rnnlab(t)
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(here, filepath.Join(work, "deploy")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()

	single := filepath.Join(work, "single")
	args := append(append([]string{"sweep"}, strings.Fields(clusterSweep)...), "--quiet", "--out", single)
	if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("single-process sweep: %v\n%s", err, out)
	}
	want, err := os.ReadFile(filepath.Join(single, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("single-process sweep: summary.csv %d bytes (%v)", len(want), time.Since(start).Round(time.Millisecond))

	clean := filepath.Join(work, "clean")
	t.Run("array", func(t *testing.T) {
		s := submit(t, work, bin, clean, clusterSweep, false)
		if never := waitQueue(t, waitLimit, s.array, s.collect); len(never) > 0 {
			t.Fatalf("the collect job will never run:\n%s\ntask logs:\n%s", strings.Join(never, "\n"), taskLog(t, work, s.array, 0))
		}
		expectStates(t, s.array, shards, "COMPLETED", "0:0")
		expectStates(t, s.collect, 0, "COMPLETED", "0:0")
		if l := taskLog(t, work, s.collect, -1); !strings.Contains(l, "wrote "+clean+"/summary.csv") {
			t.Errorf("the collect job's log does not say it wrote the summary:\n%s", l)
		}
		sameSummary(t, clean, want)
		for _, f := range []string{"loss_curves", "sv_dw", "truncation", "shuffle"} {
			if st, err := os.Stat(filepath.Join(clean, "figures", f+".png")); err != nil || st.Size() == 0 {
				t.Errorf("figure %s.png of the collect job missing", f)
			}
		}
	})

	t.Run("mismatched flags", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(clean, "sweep.json")); err != nil {
			t.Skip("needs the array subtest's sweep directory")
		}
		flags := strings.Replace(clusterSweep, "--epochs 4000", "--epochs 4001", 1)
		s := submit(t, work, bin, clean, flags, false)
		never := waitQueue(t, waitLimit, s.array, s.collect)
		expectStates(t, s.array, shards, "FAILED", "2:0")
		for i := range shards {
			if l := taskLog(t, work, s.array, i); !strings.Contains(l, "train.epochs is 4000 in the sweep directory but 4001 now") {
				t.Errorf("task %d's log does not name the flag:\n%s", i, l)
			} else if i == 0 {
				t.Logf("task 0's log: %s", strings.TrimSpace(l))
			}
		}
		if len(never) != 1 || !strings.HasPrefix(never[0], s.collect+" ") {
			t.Errorf("want the collect job pending on a dependency never satisfied, squeue says %q", never)
		} else {
			t.Logf("squeue: %s", never[0])
		}
		slurmCmd(t, "scancel", s.collect) // recoverLine
		sameSummary(t, clean, want)
	})

	t.Run("cancelled task resubmitted", func(t *testing.T) {
		dir := filepath.Join(work, "fault")
		w := watch(dir, want)
		t.Cleanup(func() { w.stop() })
		s := submit(t, work, bin, dir, clusterSweep, true)
		// Cancel task 1 once its first cell has checkpointed, well before
		// its training ends.
		ckpt := filepath.Join(dir, "cells", ".tmp-"+task1Cell, "checkpoint.json")
		for deadline := time.Now().Add(waitLimit); ; time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(ckpt); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("task 1 did not start training %s within %v", task1Cell, waitLimit)
			}
		}
		task1 := s.array + "_1"
		slurmCmd(t, "scancel", task1)
		t.Logf("scancel %s while it trained %s (%s exists)", task1, task1Cell, filepath.Base(ckpt))
		waitQueue(t, waitLimit, task1)
		if _, err := os.Stat(filepath.Join(dir, "cells", task1Cell, "cell.json")); err == nil {
			t.Fatalf("cell %s finished before the cancel took effect: the test's cells are too short", task1Cell)
		}
		left := 0 // task 1's cells the cancel interrupted
		for _, c := range task1Cells {
			if _, err := os.Stat(filepath.Join(dir, "cells", c, "cell.json")); err != nil {
				left++
			}
		}
		var cp struct {
			Epoch int `json:"epoch"`
		}
		if b, err := os.ReadFile(ckpt); err == nil && json.Unmarshal(b, &cp) == nil {
			t.Logf("the cancel interrupted %d of task 1's %d cells; %s stopped with a checkpoint at epoch %d of 4000", left, len(task1Cells), task1Cell, cp.Epoch)
		} else {
			t.Logf("the cancel interrupted %d of task 1's %d cells; %s has no readable checkpoint (%v): it will train again from the start", left, len(task1Cells), task1Cell, err)
		}
		never := waitQueue(t, waitLimit, s.array, s.collect)
		m := finalStates(t, s.array, taskKeys(s.array, shards))
		expectState(t, m, s.array+"_0", "COMPLETED", "0:0")
		expectState(t, m, task1, "CANCELLED", "")
		expectState(t, m, s.array+"_2", "COMPLETED", "0:0")
		if len(never) != 1 || !strings.HasPrefix(never[0], s.collect+" ") {
			t.Errorf("want the collect job pending on a dependency never satisfied, squeue says %q", never)
		} else {
			t.Logf("squeue: %s", never[0])
		}
		if _, err := os.Stat(filepath.Join(dir, "summary.csv")); err == nil {
			t.Error("summary.csv written although task 1 was cancelled")
		}
		slurmCmd(t, "scancel", s.collect) // recoverLine

		r := submit(t, work, bin, dir, clusterSweep, true)
		if never := waitQueue(t, waitLimit, r.array, r.collect); len(never) > 0 {
			t.Fatalf("the collect job will never run:\n%s", strings.Join(never, "\n"))
		}
		expectStates(t, r.array, shards, "COMPLETED", "0:0")
		expectStates(t, r.collect, 0, "COMPLETED", "0:0")
		for i, trained := range []int{0, left, 0} {
			if l := taskLog(t, work, r.array, i); !strings.Contains(l, fmt.Sprintf("trained %d cells", trained)) {
				t.Errorf("resubmitted task %d: want %d cells trained, log:\n%s", i, trained, l)
			}
		}
		looks, bad := w.stop()
		t.Logf("watched %s %d times while the jobs ran: %d half-written states seen", dir, looks, len(bad))
		for _, b := range bad {
			t.Error(b)
		}
		sameSummary(t, dir, want)
	})
	t.Logf("cluster test took %v", time.Since(start).Round(time.Millisecond))
}

// sameSummary compares dir/summary.csv with the single-process one.
func sameSummary(t *testing.T, dir string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s/summary.csv differs from the single-process sweep's:\n%s\n---\n%s", dir, got, want)
	}
	t.Logf("%s/summary.csv: %d bytes, identical to the single-process sweep's", filepath.Base(dir), len(got))
}
