package deploy

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeCommands checks that deploy/README.md gives users the shell
// TestSlurmArray runs (with the README's array size and flags): both ways
// of passing the flags, and the recovery after a failed task.
func TestReadmeCommands(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		submitLines(10, readmeFlags, false),
		submitLines(10, readmeFlags, true),
		recoverLine,
		"RNNLAB_REQUIRE_SLURM=1 go test -run TestSlurmArray -v ./deploy/",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("deploy/README.md does not give\n%s", want)
		}
	}
}
