package fileio

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// WriteAtomic writes a file by calling write on a temporary file in the same
// directory, syncing it and renaming it over path. Either the old content
// or the complete new content is found under path, never a mix.
//
// Errors name path; a full disk or a read-only file system is said in
// words, with what to do about it. A failed write leaves no temporary
// file behind.
func WriteAtomic(path string, write func(f *os.File) error) (err error) {
	defer func() { err = explain(err) }()
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// explain adds what to do to the errors of a full disk and of a read-only
// file system or directory.
func explain(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w (the disk is full: free some space or write elsewhere; files written before are intact)", err)
	case errors.Is(err, syscall.EROFS):
		return fmt.Errorf("%w (the file system is read-only: choose a writable output directory; files written before are intact)", err)
	case errors.Is(err, os.ErrPermission):
		return fmt.Errorf("%w (no permission to write there: choose another output directory; files written before are intact)", err)
	}
	return err
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	return WriteAtomic(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// WriteJSON writes v as indented JSON to path atomically, with NaN and
// infinities written as null (see MarshalJSON).
func WriteJSON(path string, v any) error {
	b, err := MarshalJSON(v)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteFile(path, append(b, '\n'))
}

// CheckWritable reports, before any work starts, whether files can be
// written in dir (which must exist): it writes, syncs and removes a
// temporary file of 64 KiB, so that a read-only or full file system is
// found before hours of training rather than after. The error says why
// not, as WriteAtomic's do.
func CheckWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".rnnlab-write-check-*")
	if err != nil {
		return explain(fmt.Errorf("cannot write in %s: %w", dir, err))
	}
	name := f.Name()
	_, err = f.Write(make([]byte, 64<<10))
	if err == nil {
		err = f.Sync()
	}
	f.Close()
	os.Remove(name)
	if err != nil {
		return explain(fmt.Errorf("cannot write in %s: %w", dir, err))
	}
	return nil
}
