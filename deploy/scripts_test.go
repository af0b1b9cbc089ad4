package deploy

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRnnlab writes a stand-in for rnnlab that appends its arguments to
// the file log, each followed by "|", one line per call, and returns its
// path.
func fakeRnnlab(t *testing.T, log string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rnnlab")
	script := "#!/bin/sh\n{ printf '%s|' \"$@\"; echo; } >> " + log + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSbatchScripts runs the Slurm scripts outside Slurm, with bash and a
// stand-in rnnlab, and checks the command lines they run: the sweep's
// flags after the script name, else from RNNLAB_SWEEP_FLAGS, else the
// paper preset; --jobs from the task's CPUs; --out from SWEEP_DIR.
func TestSbatchScripts(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash: the scripts are bash scripts")
	}
	home := t.TempDir()
	cases := []struct {
		name   string
		script string
		args   []string
		env    []string
		want   string // the stand-in's log, "|" for the end of each argument; "" when the script must refuse
		errMsg string
	}{
		{"defaults", "sweep.sbatch", nil, nil,
			"sweep|--jobs|1|--preset|paper|--task|flipflop|--out|" + home + "/rnnlab-sweeps/flipflop|\n", ""},
		{"flags after the script", "sweep.sbatch", []string{"--task", "romo", "--g", "0, 0.9"},
			[]string{"SWEEP_DIR=/d", "SLURM_CPUS_PER_TASK=4"}, "sweep|--jobs|4|--task|romo|--g|0, 0.9|--out|/d|\n", ""},
		{"flags in the environment", "sweep.sbatch", nil,
			[]string{"SWEEP_DIR=/d", "RNNLAB_SWEEP_FLAGS=--task mante  --samples 2 --jobs 3"},
			"sweep|--jobs|1|--task|mante|--samples|2|--jobs|3|--out|/d|\n", ""},
		{"arguments win over the environment", "sweep.sbatch", []string{"--task", "romo"},
			[]string{"SWEEP_DIR=/d", "RNNLAB_SWEEP_FLAGS=--task mante"}, "sweep|--jobs|1|--task|romo|--out|/d|\n", ""},
		{"--out refused", "sweep.sbatch", []string{"--task", "romo", "--out", "/x"}, nil, "", "not --out"},
		{"--out= refused", "sweep.sbatch", nil, []string{"RNNLAB_SWEEP_FLAGS=--out=/x"}, "", "not --out"},
		{"--shard refused", "sweep.sbatch", []string{"--shard", "1/2"}, nil, "", "array index"},
		{"collect", "collect.sbatch", nil, []string{"SWEEP_DIR=/d"}, "sweep|collect|/d|\nfigures|--sweep|/d|\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "log")
			cmd := exec.Command(bash, append([]string{filepath.Join("slurm", c.script)}, c.args...)...)
			cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + home, "RNNLAB=" + fakeRnnlab(t, log)}, c.env...)
			out, err := cmd.CombinedOutput()
			got, _ := os.ReadFile(log)
			if c.want == "" {
				code := -1
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				}
				if code != 2 || !strings.Contains(string(out), c.errMsg) || len(got) != 0 {
					t.Errorf("exit %d, output %q, ran %q; want exit 2 mentioning %q and nothing run", code, out, got, c.errMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if string(got) != c.want {
				t.Errorf("ran\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}
