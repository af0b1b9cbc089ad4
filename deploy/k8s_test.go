package deploy

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// indexedJob holds every field of k8s/sweep-job.yaml; decoding with
// KnownFields refuses any other, so a misspelt field fails the test
// instead of being ignored as the API server would reject it.
type indexedJob struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode       string `yaml:"completionMode"`
		Completions          int    `yaml:"completions"`
		Parallelism          int    `yaml:"parallelism"`
		BackoffLimitPerIndex *int   `yaml:"backoffLimitPerIndex"`
		Template             struct {
			Spec struct {
				RestartPolicy string      `yaml:"restartPolicy"`
				Containers    []container `yaml:"containers"`
				Volumes       []struct {
					Name                  string `yaml:"name"`
					PersistentVolumeClaim *struct {
						ClaimName string `yaml:"claimName"`
					} `yaml:"persistentVolumeClaim"`
				} `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type container struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Resources struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

// env returns the value of the container's variable name.
func (c container) env(name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// flag returns the value after --name in args.
func flag(args []string, name string) (string, int) {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1], i + 1
		}
	}
	return "", -1
}

// TestK8sManifest checks the Indexed Job against what rnnlab reads:
// Kubernetes sets JOB_COMPLETION_INDEX only in Indexed mode, the shard
// count RNNLAB_SHARD_COUNT must equal completions, --out must lie on the
// shared volume, and the container's arguments must be a sweep rnnlab
// accepts. The last is checked by running rnnlab with the arguments (--out
// moved to a temporary directory) and the last pod's environment until it
// reports the shard it read from the environment.
func TestK8sManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("k8s", "sweep-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var job indexedJob
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("k8s/sweep-job.yaml: %v", err)
	}
	js := job.Spec
	ps := js.Template.Spec
	if job.APIVersion != "batch/v1" || job.Kind != "Job" {
		t.Errorf("apiVersion %q kind %q; want batch/v1 Job", job.APIVersion, job.Kind)
	}
	if js.CompletionMode != "Indexed" {
		t.Errorf("completionMode %q: want Indexed (Kubernetes sets JOB_COMPLETION_INDEX only then)", js.CompletionMode)
	}
	if js.Completions < 1 || js.Parallelism < 1 || js.Parallelism > js.Completions {
		t.Errorf("completions %d, parallelism %d: want 1 <= parallelism <= completions", js.Completions, js.Parallelism)
	}
	if js.BackoffLimitPerIndex != nil && ps.RestartPolicy != "Never" {
		t.Errorf("backoffLimitPerIndex needs restartPolicy Never, have %q", ps.RestartPolicy)
	}
	if len(ps.Containers) != 1 {
		t.Fatalf("%d containers; want one", len(ps.Containers))
	}
	c := ps.Containers[0]
	count, ok := c.env("RNNLAB_SHARD_COUNT")
	if !ok || count != strconv.Itoa(js.Completions) {
		t.Errorf("RNNLAB_SHARD_COUNT = %q; want the Job's completions, %d", count, js.Completions)
	}
	if _, ok := c.env("JOB_COMPLETION_INDEX"); ok {
		t.Error("JOB_COMPLETION_INDEX set in the manifest: Kubernetes sets it per pod")
	}
	if len(c.Args) == 0 || c.Args[0] != "sweep" {
		t.Fatalf("args %q: want rnnlab sweep ...", c.Args)
	}
	if slices.Contains(c.Args, "--shard") {
		t.Error("args give --shard: every pod would run the same shard; the index comes from JOB_COMPLETION_INDEX")
	}
	out, outAt := flag(c.Args, "--out")
	mounted := ""
	for _, m := range c.VolumeMounts {
		if out == m.MountPath || strings.HasPrefix(out, strings.TrimSuffix(m.MountPath, "/")+"/") {
			mounted = m.Name
		}
	}
	if mounted == "" {
		t.Errorf("--out %q is not on a mounted volume: the pods would not share the sweep", out)
	}
	shared := false
	for _, v := range ps.Volumes {
		shared = shared || (v.Name == mounted && v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName != "")
	}
	if mounted != "" && !shared {
		t.Errorf("volume %q is not a persistent volume claim", mounted)
	}
	if t.Failed() || outAt < 0 {
		return
	}

	// The arguments through rnnlab, as the last pod gets them.
	args := slices.Clone(c.Args)
	args[outAt] = filepath.Join(t.TempDir(), "sweep")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, rnnlab(t), args...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("JOB_COMPLETION_INDEX=%d", js.Completions-1), "RNNLAB_SHARD_COUNT="+count)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill() // it would train the whole shard
	want := fmt.Sprintf("shard %d/%s (from the environment)", js.Completions-1, count)
	var seen []string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		seen = append(seen, sc.Text())
		if strings.Contains(sc.Text(), want) {
			t.Logf("rnnlab %s: %s", strings.Join(c.Args, " "), sc.Text())
			return
		}
	}
	t.Errorf("rnnlab %s never said %q; it printed:\n%s", strings.Join(args, " "), want, strings.Join(seen, "\n"))
}
