package sst

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Embeddings are word vectors for the ids of a vocabulary.
type Embeddings struct {
	// Dim is the vector width.
	Dim int
	// Vectors are the vectors, row-major [V, Dim]: row i is the vector of
	// id i (the layout of PyTorch's encoder.weight).
	Vectors []float64
	// Found is the number of vocabulary words found in the file, Lowered
	// how many of those were found only in lower case.
	Found, Lowered int
	// Missing are the words (besides <pad>) that the file lacks; their
	// vectors are drawn at random (see LoadGloVe).
	Missing []string
}

// LoadGloVe reads word vectors in GloVe's text format (one word per line
// followed by its dim numbers, separated by spaces) for the words of v.
//
// A word is looked up as it stands in the vocabulary, then in lower case.
// Words the file lacks, <unk> included, get vectors drawn from
// N(0, s^2), where s is the standard deviation of all entries of the
// vectors found (1 if none is found), from a generator seeded with seed,
// in id order; <pad> gets zeros. (torchtext instead initialises missing
// words to zero by default.) The first vector of a word in the file wins.
//
// A file whose vectors are not dim wide is refused: the error names the
// file, the line and the width found. A first line of two integers (a
// word2vec header) is skipped.
func LoadGloVe(path string, v *Vocab, dim int, seed uint64) (*Embeddings, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGloVe(f, filepath.Clean(path), v, dim, seed)
}

// ReadGloVe is LoadGloVe reading from r; name is used in errors.
func ReadGloVe(r io.Reader, name string, v *Vocab, dim int, seed uint64) (*Embeddings, error) {
	if dim < 1 {
		return nil, fmt.Errorf("embeddings %s: dimension %d: must be >= 1", name, dim)
	}
	n := v.Len()
	e := &Embeddings{Dim: dim, Vectors: make([]float64, n*dim)}
	exact := make([]bool, n) // a vector from the word as it stands
	lower := make([]bool, n) // a vector from the lower-case form only
	// Lower-case forms of vocabulary words that are not lower case.
	byLower := make(map[string][]int)
	for id := UnkID + 1; id < n; id++ {
		w := v.Word(id)
		if l := strings.ToLower(w); l != w {
			byLower[l] = append(byLower[l], id)
		}
	}
	br := bufio.NewReaderSize(r, 1<<20)
	for line := 1; ; line++ {
		s, err := readLine(br)
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("embeddings %s:%d: %w", name, line, err)
		}
		if err == io.EOF && s == "" {
			break
		}
		s = strings.TrimRight(s, " \r")
		if s != "" {
			if perr := e.parseLine(s, name, line, v, byLower, exact, lower); perr != nil {
				return nil, perr
			}
		}
		if err == io.EOF {
			break
		}
	}
	// Count and measure what was found, then fill the rest.
	var sum, sumSq float64
	var cnt int
	for id := 0; id < n; id++ {
		if !exact[id] && !lower[id] {
			continue
		}
		e.Found++
		if !exact[id] {
			e.Lowered++
		}
		for _, x := range e.Vectors[id*dim : (id+1)*dim] {
			sum += x
			sumSq += x * x
			cnt++
		}
	}
	sd := 1.0
	if cnt > 1 {
		mean := sum / float64(cnt)
		sd = math.Sqrt(max(sumSq/float64(cnt)-mean*mean, 0))
		if sd == 0 {
			sd = 1
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x676c6f7665)) // "glove"
	for id := UnkID; id < n; id++ {
		if exact[id] || lower[id] {
			continue
		}
		e.Missing = append(e.Missing, v.Word(id))
		for j := range dim {
			e.Vectors[id*dim+j] = sd * rng.NormFloat64()
		}
	}
	return e, nil
}

// parseLine reads one line of a GloVe file into the vectors of the ids it
// matches.
func (e *Embeddings) parseLine(s, name string, line int, v *Vocab, byLower map[string][]int, exact, lower []bool) error {
	dim := e.Dim
	sp := strings.IndexByte(s, ' ')
	if sp <= 0 {
		return fmt.Errorf("embeddings %s:%d: want a word and %d numbers", name, line, dim)
	}
	word, rest := s[:sp], s[sp+1:]
	fields := strings.Fields(rest)
	if line == 1 && len(fields) == 1 {
		if _, err := strconv.Atoi(word); err == nil {
			if _, err := strconv.Atoi(fields[0]); err == nil {
				return nil // word2vec header "count dim"
			}
		}
	}
	if len(fields) != dim {
		return fmt.Errorf("embeddings %s:%d: the vector of %q has %d numbers, want %d (the requested embedding dimension)",
			name, line, word, len(fields), dim)
	}
	var ids []int
	if id, ok := v.index[word]; ok && id > UnkID && !exact[id] {
		ids = append(ids, id)
		exact[id] = true
	}
	for _, id := range byLower[word] {
		if !exact[id] && !lower[id] {
			ids = append(ids, id)
			lower[id] = true
		}
	}
	if len(ids) == 0 {
		return nil
	}
	row := e.Vectors[ids[0]*dim : (ids[0]+1)*dim]
	for j, f := range fields {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("embeddings %s:%d: entry %d of %q is %q: want a finite number", name, line, j+1, word, f)
		}
		row[j] = x
	}
	for _, id := range ids[1:] {
		copy(e.Vectors[id*dim:(id+1)*dim], row)
	}
	return nil
}
