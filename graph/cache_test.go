package graph

import (
	"errors"
	"testing"
)

func TestCache(t *testing.T) {
	type key struct{ b, t int }
	var evicted []int
	c := NewCache(2, func(k key) (int, error) {
		if k.b < 0 {
			return 0, errors.New("bad key")
		}
		return k.b * k.t, nil
	})
	c.OnEvict = func(v int) { evicted = append(evicted, v) }
	for _, k := range []key{{2, 3}, {2, 3}, {4, 5}, {2, 3}, {6, 7}} {
		v, err := c.Get(k)
		if err != nil || v != k.b*k.t {
			t.Fatalf("Get(%v) = %v, %v", k, v, err)
		}
	}
	// {4,5} was the least recently used when {6,7} arrived.
	if c.Builds() != 3 || c.Len() != 2 || len(evicted) != 1 || evicted[0] != 20 {
		t.Errorf("builds %d, len %d, evicted %v", c.Builds(), c.Len(), evicted)
	}
	if _, err := c.Get(key{-1, 1}); err == nil || c.Len() != 2 {
		t.Errorf("a failed build: err %v, len %d", err, c.Len())
	}
	c.Clear()
	if c.Len() != 0 || len(evicted) != 3 {
		t.Errorf("after Clear: len %d, evicted %v", c.Len(), evicted)
	}
}
