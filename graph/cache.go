package graph

// Cache keeps one value (typically a compiled graph with its bindings) per
// key, built by a function on first use. Shapes are fixed when a gorgonia
// graph is built, so engines key their graphs by batch size, sequence
// length, dtype and whatever else changes the graph's structure.
//
// A Cache may hold at most Max entries; building one more evicts the least
// recently used. It is not safe for concurrent use.
type Cache[K comparable, V any] struct {
	// Max is the largest number of entries kept; 0 means no limit.
	Max int
	// OnEvict, if not nil, is called with each evicted value (e.g. to close
	// its machine).
	OnEvict func(V)

	build  func(K) (V, error)
	m      map[K]V
	order  []K // least recently used first
	builds int
}

// NewCache returns an empty cache that builds missing values with build and
// keeps at most max of them (0: no limit).
func NewCache[K comparable, V any](max int, build func(K) (V, error)) *Cache[K, V] {
	return &Cache[K, V]{Max: max, build: build, m: make(map[K]V)}
}

// Get returns the value of key k, building it if it is not cached. A build
// error is returned and nothing is cached.
func (c *Cache[K, V]) Get(k K) (V, error) {
	if v, ok := c.m[k]; ok {
		c.touch(k)
		return v, nil
	}
	v, err := c.build(k)
	if err != nil {
		var zero V
		return zero, err
	}
	c.builds++
	if c.Max > 0 && len(c.order) >= c.Max {
		old := c.order[0]
		c.order = c.order[1:]
		if c.OnEvict != nil {
			c.OnEvict(c.m[old])
		}
		delete(c.m, old)
	}
	c.m[k] = v
	c.order = append(c.order, k)
	return v, nil
}

func (c *Cache[K, V]) touch(k K) {
	for i, o := range c.order {
		if o == k {
			copy(c.order[i:], c.order[i+1:])
			c.order[len(c.order)-1] = k
			return
		}
	}
}

// Len returns the number of cached values.
func (c *Cache[K, V]) Len() int { return len(c.m) }

// Builds returns how many values have been built so far.
func (c *Cache[K, V]) Builds() int { return c.builds }

// Clear evicts every value.
func (c *Cache[K, V]) Clear() {
	for _, k := range c.order {
		if c.OnEvict != nil {
			c.OnEvict(c.m[k])
		}
	}
	clear(c.m)
	c.order = c.order[:0]
}
