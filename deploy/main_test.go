package deploy

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// buildDir holds the rnnlab binary the tests build; TestMain removes it.
var (
	buildDir  string
	buildOnce sync.Once
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// rnnlab builds cmd/rnnlab once per test binary and returns its path.
func rnnlab(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		if buildDir, buildErr = os.MkdirTemp("", "rnnlab-deploy-"); buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "rnnlab")
		cmd := exec.Command(goTool, "build", "-o", buildBin, "../cmd/rnnlab")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/rnnlab: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// readmeFlags are the sweep flags of deploy/README.md's example.
const readmeFlags = "--task flipflop --g 0:2.1:0.3 --samples 5"

// submitLines is the shell that submits a sweep of shards array tasks and
// its dependent collect job, as deploy/README.md gives it and
// TestSlurmArray runs it: the flags after the script name, or (inEnv) in
// RNNLAB_SWEEP_FLAGS. It prints "array A, collect C" with the job ids.
func submitLines(shards int, flags string, inEnv bool) string {
	s := ""
	script := "deploy/slurm/sweep.sbatch " + flags
	if inEnv {
		s = fmt.Sprintf("export RNNLAB_SWEEP_FLAGS=%q\n", flags)
		script = "deploy/slurm/sweep.sbatch"
	}
	return s + fmt.Sprintf(`array=$(sbatch --parsable --array=0-%d %s)
collect=$(sbatch --parsable --dependency=afterok:$array deploy/slurm/collect.sbatch)
echo "array $array, collect $collect"
`, shards-1, script)
}

// recoverLine is what deploy/README.md says to run when a task failed or
// was cancelled, before submitting again.
const recoverLine = "scancel $collect"
