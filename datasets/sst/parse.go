package sst

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MaxLineBytes bounds the length of one line of a tree file; the longest
// line of the SST release is under 2 kB.
const MaxLineBytes = 1 << 20

// SyntaxError is a malformed tree: Col is the 1-based byte column at which
// the parser stopped.
type SyntaxError struct {
	Col int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("column %d: %s", e.Col, e.Msg) }

// ParseError is a malformed line of a tree file, naming the file and the
// 1-based line.
type ParseError struct {
	File string
	Line int
	Err  error // a *SyntaxError, or a read error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: malformed tree: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseTree parses one tree in the PTB bracket format of the SST files:
//
//	tree  = "(" label space+ ( word | tree ( space* tree )* ) space* ")"
//	label = one digit 0..4
//	word  = one or more bytes other than space, tab, CR, LF, "(" and ")"
//
// Spaces (space, tab, CR, LF) may surround the tree. A leaf holds exactly
// one word; an internal node one or more sub-trees, never words. A
// malformed tree is a *SyntaxError naming the column.
func ParseTree(s string) (*Tree, error) {
	var root *Tree
	var stack []*Tree
	i, n := 0, len(s)
	fail := func(format string, args ...any) (*Tree, error) {
		return nil, &SyntaxError{Col: i + 1, Msg: fmt.Sprintf(format, args...)}
	}
	for {
		i = skipSpace(s, i)
		if i == n {
			break
		}
		if root != nil && len(stack) == 0 {
			return fail("text after the end of the tree")
		}
		switch s[i] {
		case '(':
			i++
			start := i
			for i < n && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == start {
				return fail("want a label 0..4 after '('")
			}
			if i-start > 1 || s[start] > '4' {
				i = start
				return fail("label %s: want 0..4", s[start:min(start+8, n)])
			}
			node := &Tree{Label: int(s[start] - '0')}
			if i == n || !isSpace(s[i]) {
				return fail("want a space after the label")
			}
			i = skipSpace(s, i)
			if i == n {
				return fail("unexpected end of the line: want a word or '(' after the label")
			}
			if len(stack) == 0 {
				root = node
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, node)
			}
			if s[i] == '(' {
				stack = append(stack, node) // an internal node: children follow
				continue
			}
			if s[i] == ')' {
				return fail("empty node: want a word or '(' after the label")
			}
			start = i
			for i < n && !isSpace(s[i]) && s[i] != '(' && s[i] != ')' {
				i++
			}
			node.Word = s[start:i]
			i = skipSpace(s, i)
			if i == n {
				return fail("unexpected end of the line: want ')' after the word %q", node.Word)
			}
			if s[i] != ')' {
				return fail("want ')' after the word %q: a leaf holds one word", node.Word)
			}
			i++
		case ')':
			if len(stack) == 0 {
				return fail("unbalanced ')'")
			}
			stack = stack[:len(stack)-1]
			i++
		default:
			if root == nil {
				return fail("want '(' at the start of a tree")
			}
			return fail("unexpected word: an internal node holds trees, not words")
		}
	}
	if root == nil {
		return fail("empty line: want a tree")
	}
	if len(stack) > 0 {
		return fail("unexpected end of the line: %d unclosed '('", len(stack))
	}
	return root, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// ReadTrees reads one tree per line from r; name (typically the file's
// path) is used in errors. Lines holding only spaces are skipped. The
// first malformed line is a *ParseError naming name and the line number.
func ReadTrees(r io.Reader, name string) ([]*Tree, error) {
	br := bufio.NewReader(r)
	var trees []*Tree
	for line := 1; ; line++ {
		s, err := readLine(br)
		if err == io.EOF && s == "" {
			return trees, nil
		}
		if err != nil && err != io.EOF {
			return nil, &ParseError{File: name, Line: line, Err: err}
		}
		if strings.TrimLeft(s, " \t\r\n") != "" {
			t, perr := ParseTree(s)
			if perr != nil {
				return nil, &ParseError{File: name, Line: line, Err: perr}
			}
			trees = append(trees, t)
		}
		if err == io.EOF {
			return trees, nil
		}
	}
}

// errLongLine reports a line longer than MaxLineBytes.
var errLongLine = fmt.Errorf("line longer than %d bytes", MaxLineBytes)

// readLine returns the next line without its newline; io.EOF with the
// last line if it has no newline, or with "" at the end.
func readLine(br *bufio.Reader) (string, error) {
	var sb strings.Builder
	for {
		frag, err := br.ReadSlice('\n')
		if sb.Len()+len(frag) > MaxLineBytes+1 {
			return "", errLongLine
		}
		sb.Write(frag)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		s := strings.TrimSuffix(sb.String(), "\n")
		return s, err
	}
}

// ReadTreeFile reads the trees of the file at path (see ReadTrees).
func ReadTreeFile(path string) ([]*Tree, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadTrees(f, filepath.Clean(path))
}
