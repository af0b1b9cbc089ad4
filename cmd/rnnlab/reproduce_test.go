package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReproduceUsageErrors checks every flag of rnnlab reproduce with a
// bad value: exit status 2 and a message naming the problem.
func TestReproduceUsageErrors(t *testing.T) {
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "reproduce.json"), []byte(`{"preset": "paper"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	seeded := t.TempDir()
	if err := os.WriteFile(filepath.Join(seeded, "reproduce.json"), []byte(`{"preset": "quick", "seed": 2}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// Written before --seed existed: seed 1.
	old := t.TempDir()
	if err := os.WriteFile(filepath.Join(old, "reproduce.json"), []byte(`{"preset": "quick"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	checkUsageErrors(t, []usageCase{
		{[]string{"reproduce"}, "out: give the output directory"},
		{[]string{"reproduce", "--out", t.TempDir(), "--preset", "full"}, `preset "full": allowed quick, paper`},
		{[]string{"reproduce", "--out", t.TempDir(), "--jobs", "0"}, "jobs = 0: must be >= 1"},
		{[]string{"reproduce", "--out", t.TempDir(), "--jobs", "two"}, "invalid argument"},
		{[]string{"reproduce", "--out", other}, "holds a reproduction with preset paper"},
		{[]string{"reproduce", "--out", seeded}, "holds a reproduction with seed 2, not 1: choose another directory, or resume it with --seed 2"},
		{[]string{"reproduce", "--out", seeded, "--seed", "3"}, "with seed 2, not 3"},
		{[]string{"reproduce", "--out", old, "--seed", "2"}, "with seed 1, not 2"},
		{[]string{"reproduce", "--out", t.TempDir(), "--seed", "-1"}, "invalid argument"},
		{[]string{"reproduce", "--out", filepath.Join(file, "sub")}, "out:"},
		{[]string{"reproduce", "--out", t.TempDir(), "extra"}, "takes no positional arguments"},
		{[]string{"reproduce", "report"}, "report takes the reproduction directory"},
		{[]string{"reproduce", "report", t.TempDir()}, "not a reproduction directory"},
	})
}
