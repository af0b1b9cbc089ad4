package trialfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Spec is a trial-file task as a run's configuration records it: the
// files, their SHA-256 and the split. Open turns it into a Task.
type Spec struct {
	// Path is the trial file.
	Path string `json:"path"`
	// SHA256 is the file's recorded hash; when set, Open refuses a file
	// whose hash differs.
	SHA256 string `json:"sha256,omitempty"`
	// TestFile, when set, holds the held-out trials; TestSHA256 its hash.
	TestFile   string `json:"test_file,omitempty"`
	TestSHA256 string `json:"test_sha256,omitempty"`
	// TestFraction is the held-out share of Path's trials when there is no
	// TestFile; nil means DefaultTestFraction.
	TestFraction *float64 `json:"test_fraction,omitempty"`
	// SplitSeed chooses the held-out trials; nil means DefaultSplitSeed.
	SplitSeed *uint64 `json:"split_seed,omitempty"`
}

// Open reads the spec's files, checks them against the recorded hashes
// and splits the trials. Files are read once per process while their
// size and modification time stay the same.
func Open(s Spec) (*Task, error) {
	if s.Path == "" {
		return nil, fmt.Errorf("trial file: no path given")
	}
	f, err := cachedRead(s.Path, s.SHA256)
	if err != nil {
		return nil, err
	}
	var opts []Option
	if s.TestFraction != nil {
		opts = append(opts, WithTestFraction(*s.TestFraction))
	}
	if s.SplitSeed != nil {
		opts = append(opts, WithSplitSeed(*s.SplitSeed))
	}
	if s.TestFile != "" {
		tf, err := cachedRead(s.TestFile, s.TestSHA256)
		if err != nil {
			return nil, err
		}
		opts = append(opts, WithTestFile(tf))
	} else if s.TestSHA256 != "" {
		return nil, fmt.Errorf("trial file %s: test_sha256 is set but test_file is not", s.Path)
	}
	return New(f, opts...)
}

// Resolved returns the spec with every field the task t (opened from it)
// fixes filled in: both hashes, the test fraction and the split seed, so
// that a recorded spec does not depend on the defaults of a later version.
func (s Spec) Resolved(t *Task) Spec {
	s.SHA256 = t.File().SHA256
	if tf := t.TestFile(); tf != nil {
		s.TestSHA256 = tf.SHA256
	} else {
		fr := t.TestFraction()
		s.TestFraction = &fr
		ss := t.SplitSeed()
		s.SplitSeed = &ss
	}
	return s
}

type cacheKey struct {
	path  string
	size  int64
	mtime time.Time
}

var cache struct {
	sync.Mutex
	files map[cacheKey]*File
}

// cacheSize bounds the number of files kept in memory.
const cacheSize = 4

// cachedRead returns the checked file at path, from the cache when its
// size and modification time are those it was read with, and refuses a
// file whose SHA-256 differs from want (when want is set), naming both.
func cachedRead(path, want string) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("trial file %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("trial file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("trial file %s: not a regular file", path)
	}
	key := cacheKey{abs, st.Size(), st.ModTime()}
	cache.Lock()
	f := cache.files[key]
	cache.Unlock()
	if f == nil {
		if f, err = Read(path); err != nil {
			return nil, err
		}
		cache.Lock()
		if cache.files == nil || len(cache.files) >= cacheSize {
			cache.files = map[cacheKey]*File{}
		}
		cache.files[key] = f
		cache.Unlock()
	}
	if want != "" && f.SHA256 != want {
		return nil, fmt.Errorf("trial file %s has changed since the run was made: its SHA-256 is %s, the run recorded %s; restore the file or start a new run", path, f.SHA256, want)
	}
	if f.Path != path {
		g := *f
		g.Path = path
		f = &g
	}
	return f, nil
}
