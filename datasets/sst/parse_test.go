package sst

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseTree(t *testing.T) {
	tr, err := ParseTree("(3 (2 The) (4 (2 Rock) (3 rules)))")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Label != 3 || tr.IsLeaf() || len(tr.Children) != 2 {
		t.Fatalf("root %+v", tr)
	}
	if got := tr.Leaves(); !reflect.DeepEqual(got, []string{"The", "Rock", "rules"}) {
		t.Errorf("leaves %q", got)
	}
	if tr.Len() != 3 {
		t.Errorf("Len %d", tr.Len())
	}
	var labels []int
	tr.Walk(func(n *Tree) bool { labels = append(labels, n.Label); return true })
	if !reflect.DeepEqual(labels, []int{3, 2, 4, 2, 3}) {
		t.Errorf("pre-order labels %v", labels)
	}
	// Canonical input round-trips; extra spaces are accepted and dropped.
	for in, want := range map[string]string{
		"(3 (2 The) (4 (2 Rock) (3 rules)))":         "(3 (2 The) (4 (2 Rock) (3 rules)))",
		"  (1\t(2  a )(0 b))\r":                      "(1 (2 a) (0 b))",
		"(2 -LRB-)":                                  "(2 -LRB-)",
		`(4 (2 1\/2) (3 (2 unary)))`:                 `(4 (2 1\/2) (3 (2 unary)))`,
		"(0 (1 (2 (3 (4 deep)) (2 x)) (2 y)) (2 z))": "(0 (1 (2 (3 (4 deep)) (2 x)) (2 y)) (2 z))",
		"(2 Jean-Claud)":                             "(2 Jean-Claud)",
		"(3 (2 caf\u00e9) (2 \u00e7a))":              "(3 (2 caf\u00e9) (2 \u00e7a))",
	} {
		tr, err := ParseTree(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := tr.String(); got != want {
			t.Errorf("%q printed as %q, want %q", in, got, want)
		}
	}
}

func TestParseTreeErrors(t *testing.T) {
	cases := []struct {
		in   string
		col  int
		want string
	}{
		{"", 1, "empty line"},
		{"   ", 4, "empty line"},
		{"The Rock", 1, "want '('"},
		{"(3 (2 The) (2 Rock)", 20, "1 unclosed"},
		{"(3 (2 The) (2 Rock)))", 21, "text after the end"},
		{"(3 (2 The)) (2 x)", 13, "text after the end"},
		{"(5 x)", 2, "label 5"},
		{"(12 x)", 2, "label 12"},
		{"(x y)", 2, "want a label"},
		{"(2x)", 3, "want a space after the label"},
		{"(2 )", 4, "empty node"},
		{"(2", 3, "want a space"},
		{"(2 ", 4, "unexpected end"},
		{"(2 a b)", 6, "a leaf holds one word"},
		{"(2 a (2 b))", 6, "a leaf holds one word"},
		{"(2 (2 a) b)", 10, "an internal node holds trees"},
		{"(2 a", 5, "want ')' after the word"},
		{")", 1, "unbalanced"},
		{"(2 a)x", 6, "text after the end"},
	}
	for _, c := range cases {
		_, err := ParseTree(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", c.in, err)
			continue
		}
		if se.Col != c.col || !strings.Contains(se.Msg, c.want) {
			t.Errorf("%q: %v, want column %d and %q", c.in, err, c.col, c.want)
		}
	}
}

func TestReadTreesNamesFileAndLine(t *testing.T) {
	in := "(3 (2 a) (3 b))\n\n(1 (2 c) (1 d))\r\n(2 (2 broken)\n(4 e)\n"
	_, err := ReadTrees(strings.NewReader(in), "dev.txt")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != "dev.txt" || pe.Line != 4 {
		t.Fatalf("error %v, want a *ParseError at dev.txt:4", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "dev.txt:4: malformed tree: column 14:") {
		t.Errorf("message %q", msg)
	}
	// Without the broken line: blank lines skipped, CRLF and a missing
	// final newline accepted.
	in = "(3 (2 a) (3 b))\n\n(1 (2 c) (1 d))\r\n(4 e)"
	trees, err := ReadTrees(strings.NewReader(in), "x")
	if err != nil || len(trees) != 3 || trees[2].String() != "(4 e)" {
		t.Fatalf("%d trees, %v", len(trees), err)
	}
	// An over-long line is an error, not a crash.
	long := "(2 " + strings.Repeat("a", MaxLineBytes+10) + ")\n"
	if _, err := ReadTrees(strings.NewReader(long), "long.txt"); err == nil || !strings.Contains(err.Error(), "long.txt:1:") {
		t.Errorf("over-long line: %v", err)
	}
}

// TestReadTreeFileMissing names the missing file.
func TestReadTreeFileMissing(t *testing.T) {
	_, err := ReadTreeFile(t.TempDir() + "/train.txt")
	if err == nil || !strings.Contains(err.Error(), "train.txt") {
		t.Errorf("error %v", err)
	}
}

func TestWalkSkipsChildren(t *testing.T) {
	tr, _ := ParseTree("(3 (2 (2 a) (2 b)) (3 c))")
	n := 0
	tr.Walk(func(x *Tree) bool { n++; return x == tr })
	if n != 3 {
		t.Errorf("visited %d nodes, want the root and its 2 children", n)
	}
}

// TestDeepTree parses and prints a tree nested far deeper than any
// sentence without exhausting the stack.
func TestDeepTree(t *testing.T) {
	const depth = 100000
	s := strings.Repeat("(1 ", depth) + "(2 x)" + strings.Repeat(")", depth)
	tr, err := ParseTree(s)
	if err != nil {
		t.Fatal(err)
	}
	if tr.String() != s || tr.Len() != 1 {
		t.Error("deep tree does not round-trip")
	}
}
