package sst

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadGloVe(t *testing.T) {
	v, err := NewVocab([]string{PadToken, UnkToken, "the", "Rock", "film", "zzz"}, Normalization{})
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, "glove.test.3d.txt", strings.Join([]string{
		"the 0.1 0.2 0.3",
		"rock 1 2 3",
		", 9 9 9",
		"film -0.5 0.25 1e-1",
		"the 7 7 7", // a repeated word: the first vector wins
		"Rock 4 5 6",
		"",
	}, "\n"))
	e, err := LoadGloVe(path, v, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	row := func(id int) []float64 { return e.Vectors[id*3 : (id+1)*3] }
	if !reflect.DeepEqual(row(2), []float64{0.1, 0.2, 0.3}) || !reflect.DeepEqual(row(4), []float64{-0.5, 0.25, 0.1}) {
		t.Errorf("rows %v %v", row(2), row(4))
	}
	// "Rock" was first found as "rock", then exactly.
	if !reflect.DeepEqual(row(3), []float64{4, 5, 6}) {
		t.Errorf("Rock: %v, want the exact match", row(3))
	}
	if e.Found != 3 || e.Lowered != 0 || !reflect.DeepEqual(e.Missing, []string{UnkToken, "zzz"}) {
		t.Errorf("found %d, lowered %d, missing %q", e.Found, e.Lowered, e.Missing)
	}
	if !reflect.DeepEqual(row(PadID), []float64{0, 0, 0}) {
		t.Errorf("<pad> %v", row(PadID))
	}
	for _, x := range slices.Concat(row(UnkID), row(5)) {
		if x == 0 || math.Abs(x) > 10 {
			t.Errorf("random vector entry %v", x)
		}
	}
	// Seeded: the same seed gives the same random rows, another seed not.
	e2, _ := LoadGloVe(path, v, 3, 1)
	e3, _ := LoadGloVe(path, v, 3, 2)
	if !reflect.DeepEqual(e.Vectors, e2.Vectors) || reflect.DeepEqual(e.Vectors, e3.Vectors) {
		t.Error("random initialisation not determined by the seed")
	}

	// Lower-case fallback only.
	v2, _ := NewVocab([]string{PadToken, UnkToken, "ROCK"}, Normalization{})
	e4, err := ReadGloVe(strings.NewReader("2 3\nrock 1 2 3\n"), "w2v", v2, 3, 1)
	if err != nil || e4.Found != 1 || e4.Lowered != 1 || e4.Vectors[6] != 1 {
		t.Errorf("lower-case fallback: %+v, %v", e4, err)
	}
}

func TestLoadGloVeRefusesWrongWidth(t *testing.T) {
	v, _ := NewVocab([]string{PadToken, UnkToken, "the"}, Normalization{})
	cases := map[string]struct{ content, want string }{
		"wider":    {"the 1 2 3 4\n", "glove.txt:1: the vector of \"the\" has 4 numbers, want 3"},
		"narrower": {"the 1 2 3\nfilm 1 2\n", "glove.txt:2: the vector of \"film\" has 2 numbers, want 3"},
		"number":   {"the 1 x 3\n", "glove.txt:1: entry 2 of \"the\" is \"x\""},
		"nan":      {"the 1 NaN 3\n", "finite number"},
		"no word":  {" 1 2 3\n", "want a word"},
	}
	for name, c := range cases {
		p := writeFile(t, "glove.txt", c.content)
		_, err := LoadGloVe(p, v, 3, 1)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
	if _, err := LoadGloVe(filepath.Join(t.TempDir(), "none.txt"), v, 3, 1); err == nil {
		t.Error("missing file accepted")
	}
	if _, err := ReadGloVe(strings.NewReader("the 1\n"), "x", v, 0, 1); err == nil {
		t.Error("dimension 0 accepted")
	}
}
