package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// watcher looks at a sweep directory every few milliseconds while jobs
// write into it, and records every state a reader must never see: a cell
// directory (a name without the ".tmp-" prefix) without a complete
// cell.json and weights_final.npz, or a summary.csv other than the final
// one.
type watcher struct {
	dir   string
	want  []byte
	quit  chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	looks int
	bad   []string
}

// watch starts a watcher of dir whose summary.csv, once there, must be want.
func watch(dir string, want []byte) *watcher {
	w := &watcher{dir: dir, want: want, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.quit:
				return
			case <-time.After(5 * time.Millisecond):
				w.look()
			}
		}
	}()
	return w
}

// look checks the directory once.
func (w *watcher) look() {
	var bad []string
	ents, _ := os.ReadDir(filepath.Join(w.dir, "cells"))
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		cell := filepath.Join(w.dir, "cells", e.Name())
		b, err := os.ReadFile(filepath.Join(cell, "cell.json"))
		if err != nil || !json.Valid(b) {
			bad = append(bad, fmt.Sprintf("cell %s visible without a complete cell.json (%v)", e.Name(), err))
		}
		if _, err := os.Stat(filepath.Join(cell, "weights_final.npz")); err != nil {
			bad = append(bad, fmt.Sprintf("cell %s visible without weights_final.npz", e.Name()))
		}
	}
	if b, err := os.ReadFile(filepath.Join(w.dir, "summary.csv")); err == nil && !bytes.Equal(b, w.want) {
		bad = append(bad, fmt.Sprintf("summary.csv visible with %d bytes that are not the final summary", len(b)))
	}
	w.mu.Lock()
	w.looks++
	if len(w.bad) < 20 {
		w.bad = append(w.bad, bad...)
	}
	w.mu.Unlock()
}

// stop ends the watching and returns how often it looked and what it saw
// that it must not have.
func (w *watcher) stop() (looks int, bad []string) {
	select {
	case <-w.quit:
	default:
		close(w.quit)
	}
	<-w.done
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.looks, w.bad
}
