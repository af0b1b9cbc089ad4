package deploy

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// requireSlurm returns when a Slurm controller answers and a node can run
// jobs; otherwise it skips the test saying why, or fails it when
// RNNLAB_REQUIRE_SLURM is set (CI starts a cluster with .ci/slurm up).
func requireSlurm(t *testing.T) {
	t.Helper()
	why := ""
	for _, tool := range []string{"sbatch", "squeue", "scancel", "scontrol", "sinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			why = fmt.Sprintf("%s not found (apt-get install -y slurm-wlm munge, then .ci/slurm up)", tool)
			break
		}
	}
	if why == "" {
		if out, err := exec.Command("scontrol", "ping").CombinedOutput(); err != nil || !bytes.Contains(out, []byte(" is UP")) {
			first, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
			why = fmt.Sprintf("no Slurm controller answers (scontrol ping: %q; start one with .ci/slurm up)", first)
		} else if out, err := exec.Command("sinfo", "-h", "-t", "idle,mix,alloc", "-o", "%n").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
			why = "the Slurm controller has no node that can run jobs (sinfo -t idle,mix,alloc lists none)"
		}
	}
	if why == "" {
		return
	}
	if os.Getenv("RNNLAB_REQUIRE_SLURM") != "" {
		t.Fatalf("RNNLAB_REQUIRE_SLURM is set but %s", why)
	}
	t.Skipf("no Slurm to submit to: %s; skipping", why)
}

// slurmCmd runs a Slurm command and returns its standard output, failing
// the test on an error.
func slurmCmd(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// queued lists the jobs of ids still in the queue as squeue prints them
// (id state reason), leaving out jobs that wait on a dependency that can
// no longer be satisfied. A job that has left the queue (or that the
// controller forgot) is not listed.
func queued(t *testing.T, ids ...string) (waiting, never []string) {
	t.Helper()
	out, err := exec.Command("squeue", "-h", "-j", strings.Join(ids, ","), "-o", "%i %T %r").Output()
	if err != nil { // squeue fails on job ids it no longer knows: they are done
		return nil, nil
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		switch {
		case line == "":
		case strings.HasSuffix(line, "DependencyNeverSatisfied"):
			never = append(never, line)
		default:
			waiting = append(waiting, line)
		}
	}
	return waiting, never
}

// waitQueue polls squeue until no job of ids is pending or running, except
// jobs pending on a dependency that will never be satisfied, which it
// returns; it fails the test after limit.
func waitQueue(t *testing.T, limit time.Duration, ids ...string) (never []string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		waiting, never := queued(t, ids...)
		if len(waiting) == 0 {
			return never
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs %v still queued after %v:\n%s", ids, limit, strings.Join(waiting, "\n"))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// jobState is the final state of one job or array task.
type jobState struct {
	State, ExitCode string
}

// states returns the final states of the tasks of array job id (keyed
// "id_task") or of the single job id (keyed "id"), from sacct where the
// cluster keeps accounting and otherwise from scontrol, which remembers
// finished jobs for MinJobAge. The second result names the source.
func states(t *testing.T, id string) (map[string]jobState, string) {
	t.Helper()
	if out, err := exec.Command("sacct", "-X", "-n", "-P", "-j", id, "-o", "JobID,State,ExitCode").Output(); err == nil && len(bytes.TrimSpace(out)) > 0 {
		m := map[string]jobState{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "|")
			if len(f) == 3 {
				m[f[0]] = jobState{f[1], f[2]}
			}
		}
		return m, "sacct"
	}
	out := slurmCmd(t, "scontrol", "show", "job", "-o", id)
	m := map[string]jobState{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		kv := map[string]string{}
		for _, f := range strings.Fields(line) {
			if k, v, ok := strings.Cut(f, "="); ok {
				kv[k] = v
			}
		}
		key := kv["JobId"]
		if task, ok := kv["ArrayTaskId"]; ok {
			key = kv["ArrayJobId"] + "_" + task
		}
		m[key] = jobState{kv["JobState"], kv["ExitCode"]}
	}
	return m, "scontrol"
}

// taskKeys are the keys states gives tasks 0..n-1 of array job id.
func taskKeys(id string, n int) []string {
	var keys []string
	for i := range n {
		keys = append(keys, fmt.Sprintf("%s_%d", id, i))
	}
	return keys
}

// finalStates returns states(id) once every job of keys has a final state
// (accounting can lag the queue by a moment), or after 10 s.
func finalStates(t *testing.T, id string, keys []string) map[string]jobState {
	t.Helper()
	var m map[string]jobState
	var src string
	for range 50 {
		m, src = states(t, id)
		final := true
		for _, k := range keys {
			switch m[k].State {
			case "", "PENDING", "RUNNING", "COMPLETING", "CONFIGURING":
				final = false
			}
		}
		if final {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for _, k := range keys {
		t.Logf("job %s: %s, exit code %s (%s)", k, m[k].State, m[k].ExitCode, src)
	}
	return m
}

// expectState checks that job key of m ended in a state starting with want
// (CANCELLED matches "CANCELLED by 0") and, unless exit is "", with that
// exit code.
func expectState(t *testing.T, m map[string]jobState, key, want, exit string) {
	t.Helper()
	s := m[key]
	if !strings.HasPrefix(s.State, want) || (exit != "" && s.ExitCode != exit) {
		t.Errorf("job %s ended %q with exit code %q; want %s with %s", key, s.State, s.ExitCode, want, exit)
	}
}

// expectStates checks that tasks 0..n-1 of array job id (n == 0: the single
// job id) ended in want with exit code exit.
func expectStates(t *testing.T, id string, n int, want, exit string) {
	t.Helper()
	keys := []string{id}
	if n > 0 {
		keys = taskKeys(id, n)
	}
	m := finalStates(t, id, keys)
	for _, k := range keys {
		expectState(t, m, k, want, exit)
	}
}
