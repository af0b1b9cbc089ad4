package cells

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

type cell int

func (c cell) Name() string     { return fmt.Sprintf("c%d", int(c)) }
func (c cell) Describe() string { return fmt.Sprintf("number %d", int(c)) }

type result struct{ N int }

func finish(t *testing.T, dir string, c cell) {
	t.Helper()
	if err := os.MkdirAll(Path(dir, c), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fileio.WriteJSON(filepath.Join(Path(dir, c), File), result{int(c)}); err != nil {
		t.Fatal(err)
	}
}

func TestRunTodoRead(t *testing.T) {
	dir := t.TempDir()
	all := []cell{0, 1, 2, 3, 4}
	finish(t, dir, 1)
	todo := Todo(dir, all)
	if len(todo) != 4 || todo[0] != 0 || todo[1] != 2 {
		t.Fatalf("todo = %v", todo)
	}
	if _, err := Read[cell, result]("test", dir, all, "run it"); err == nil || !strings.Contains(err.Error(), "4 of 5 cells are not finished (c0, c2, c3, c4); run it") {
		t.Errorf("Read with missing cells: %v", err)
	}
	var mu sync.Mutex
	var log strings.Builder
	err := Run(context.Background(), todo, Options{Jobs: 2, Progress: &log, Label: "test"}, func(_ context.Context, c cell) error {
		mu.Lock()
		defer mu.Unlock()
		finish(t, dir, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "test cell "); n != 4 || !strings.Contains(log.String(), "(c4, number 4)") {
		t.Errorf("progress:\n%s", log.String())
	}
	rs, err := Read[cell, result]("test", dir, all, "")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.N != i {
			t.Errorf("result %d = %d", i, r.N)
		}
	}
	if len(Todo(dir, all)) != 0 {
		t.Error("cells left after Run")
	}
	os.WriteFile(filepath.Join(Path(dir, cell(2)), File), []byte("{"), 0o644)
	if _, err := Read[cell, result]("test", dir, all, ""); err == nil || !strings.Contains(err.Error(), "cell c2: cell.json is corrupt") {
		t.Errorf("corrupt cell.json: %v", err)
	}
}

// With two workers every cell runs on one BLAS thread until only one cell
// is left in flight, which gets the threads back; afterwards the setting
// is restored.
func TestRunThreads(t *testing.T) {
	before := fblas.SetThreads(4)
	defer fblas.SetThreads(before)
	firstDone, secondStarted := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	seen := map[cell][]int{}
	err := Run(context.Background(), []cell{0, 1}, Options{Jobs: 2}, func(_ context.Context, c cell) error {
		mu.Lock()
		seen[c] = append(seen[c], fblas.Threads())
		mu.Unlock()
		if c == 0 {
			<-secondStarted // both cells are in flight
			close(firstDone)
			return nil
		}
		close(secondStarted)
		<-firstDone
		deadline := time.Now().Add(10 * time.Second)
		for fblas.Threads() != 4 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		mu.Lock()
		seen[c] = append(seen[c], fblas.Threads())
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen[0][0] != 1 || seen[1][0] != 1 || seen[1][1] != 4 {
		t.Errorf("threads seen: %v, want 1 while both run and 4 for the last", seen)
	}
	if fblas.Threads() != 4 {
		t.Errorf("threads after Run = %d", fblas.Threads())
	}
}

func TestRunErrors(t *testing.T) {
	boom := errors.New("boom")
	err := Run(context.Background(), []cell{0, 1, 2}, Options{Jobs: 1}, func(_ context.Context, c cell) error {
		if c == 1 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "cell c1 (number 1): boom") {
		t.Errorf("error = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := 0
	err = Run(ctx, []cell{0, 1, 2}, Options{Jobs: 1}, func(_ context.Context, c cell) error {
		ran++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || ran != 1 {
		t.Errorf("cancelled: %v after %d cells", err, ran)
	}
	if err := Run(context.Background(), []cell{0}, Options{Jobs: 0}, nil); err == nil || !strings.Contains(err.Error(), "jobs = 0") {
		t.Errorf("jobs 0: %v", err)
	}
}

func TestPrepare(t *testing.T) {
	type spec struct{ A, B int }
	diff := func(a, b spec) string {
		if a != b {
			return fmt.Sprintf("A %d -> %d", a.A, b.A)
		}
		return ""
	}
	dir := filepath.Join(t.TempDir(), "exp")
	if err := Prepare(dir, "spec.json", spec{1, 2}, diff); err != nil {
		t.Fatal(err)
	}
	if err := Prepare(dir, "spec.json", spec{1, 2}, diff); err != nil {
		t.Errorf("same spec again: %v", err)
	}
	if err := Prepare(dir, "spec.json", spec{3, 2}, diff); err == nil || !strings.Contains(err.Error(), "made with other settings: A 1 -> 3") {
		t.Errorf("other spec: %v", err)
	}
	s, err := LoadSpec[spec](dir, "spec.json")
	if err != nil || s != (spec{1, 2}) {
		t.Errorf("LoadSpec = %v, %v", s, err)
	}
	if _, err := os.Stat(filepath.Join(dir, Dir)); err != nil {
		t.Errorf("no cells directory: %v", err)
	}
}
