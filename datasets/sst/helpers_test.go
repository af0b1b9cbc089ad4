package sst

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the directory of the real SST files that the project
// keeps beside its repository (../shared/data/sst from the repository
// root), or skips the test when it is absent.
func sharedDir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(d, "..", "shared", "data", "sst")
			if hasSplits(dir) != nil {
				t.Skipf("the SST data is not at %s (the repository's ../shared/data/sst): skipping", dir)
			}
			return dir
		}
		if filepath.Dir(d) == d {
			t.Skip("no go.mod above the test's directory: cannot find ../shared/data/sst; skipping")
		}
	}
}
