package secrets

import "sync"

// ahoCorasick finds every occurrence of a set of keywords in one pass, with
// ASCII letters folded to lower case. It is the prefilter of Scan: the
// detectors' regexps run only near a keyword hit.
//
// Measured against the simpler alternative (lower-case the data, then one
// bytes.Index loop per keyword) by BenchmarkPrefilter on 4 MiB of mixed
// source text with the keywords of the detector table: the automaton takes
// one table lookup per byte whatever the number of keywords, the Index loops
// one pass per keyword; on the 2-core CI machine the automaton ran at about
// 200 MB/s and the Index loops at about 27 MB/s, so the automaton stays.
type ahoCorasick struct {
	// class maps a byte (letters folded) to its column in delta; bytes that
	// occur in no keyword share column 0, which always leads back to the
	// root.
	class  [256]uint8
	nclass int
	// delta is the full transition table: delta[state*nclass+class] is the
	// next state, premultiplied by nclass, with acEnds set when that state
	// ends a keyword, so the scan loop tests one bit. Its fixed size lets
	// the compiler check an index against a constant.
	delta *[acMaxDelta]uint32
	// out lists, for each state, the keywords that end there (the state's
	// own and those of its suffix links).
	out [][]int32
	// lens are the keyword lengths, to turn an end offset into a start;
	// maxLen is the longest.
	lens   []int
	maxLen int
	// hits holds *acHits for scan, reused.
	hits sync.Pool
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func newAhoCorasick(keywords []string) *ahoCorasick {
	m := &ahoCorasick{nclass: 1}
	m.hits.New = func() any { return new(acHits) }
	for _, kw := range keywords {
		for i := 0; i < len(kw); i++ {
			b := lowerASCII(kw[i])
			if m.class[b] == 0 {
				if m.nclass == 255 {
					panic("secrets: too many distinct keyword bytes")
				}
				m.class[b] = uint8(m.nclass)
				m.nclass++
			}
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		m.class[c] = m.class[c+'a'-'A']
	}

	// The trie, with -1 for "no edge".
	type node struct {
		next []int32
		fail int32
		out  []int32
	}
	newNode := func() node {
		n := node{next: make([]int32, m.nclass)}
		for i := range n.next {
			n.next[i] = -1
		}
		return n
	}
	nodes := []node{newNode()}
	for ki, kw := range keywords {
		s := int32(0)
		for i := 0; i < len(kw); i++ {
			c := m.class[kw[i]]
			if nodes[s].next[c] < 0 {
				nodes = append(nodes, newNode())
				nodes[s].next[c] = int32(len(nodes) - 1)
			}
			s = nodes[s].next[c]
		}
		nodes[s].out = append(nodes[s].out, int32(ki))
		m.lens = append(m.lens, len(kw))
		m.maxLen = max(m.maxLen, len(kw))
	}

	// Breadth-first: fail links, merged outputs, and the missing edges
	// filled in so the machine never backtracks.
	queue := make([]int32, 0, len(nodes))
	for c := 0; c < m.nclass; c++ {
		if n := nodes[0].next[c]; n > 0 && c != 0 {
			nodes[n].fail = 0
			queue = append(queue, n)
		} else {
			nodes[0].next[c] = 0
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := 0; c < m.nclass; c++ {
			n := nodes[s].next[c]
			if c == 0 {
				nodes[s].next[c] = 0
				continue
			}
			if n < 0 {
				nodes[s].next[c] = nodes[nodes[s].fail].next[c]
				continue
			}
			f := nodes[nodes[s].fail].next[c]
			nodes[n].fail = f
			nodes[n].out = append(nodes[n].out, nodes[f].out...)
			queue = append(queue, n)
		}
	}
	if len(nodes)*m.nclass > acMaxDelta {
		panic("secrets: too many keyword states")
	}
	m.delta = new([acMaxDelta]uint32)
	m.out = make([][]int32, len(nodes))
	for i, n := range nodes {
		for c, next := range n.next {
			v := uint32(next) * uint32(m.nclass)
			if len(nodes[next].out) > 0 {
				v |= acEnds
			}
			m.delta[i*m.nclass+c] = v
		}
		m.out[i] = n.out
	}
	return m
}

// acMaxDelta bounds the transition table (the detector table's keywords
// need about 8,000 entries); acEnds flags a state that ends a keyword.
const (
	acMaxDelta = 1 << 14
	acEnds     = 1 << 31
)

// scan calls fn(keyword index, start offset) for every keyword occurrence,
// in order of their end offsets.
//
// One automaton step is a table lookup that depends on the previous one,
// so a single pass is bound by the latency of that chain, not by the
// processor's throughput. scan therefore cuts the data into blocks of up
// to acBlock bytes and each block into four quarters, and runs four
// automata in one loop, one per quarter: their steps are independent and
// overlap in the processor. The automaton of quarter k starts maxLen-1
// bytes before it, from the root, so it is in the right state at the
// quarter's first byte (a state stands for at most maxLen bytes);
// it reports only the keywords ending in its quarter. The first quarter's
// hits go to fn at once; the others are kept (at most a few per byte of
// the block) and passed on in order after the loop. BenchmarkPrefilter
// (aho-corasick, 7 MB) on the 2-core CI machine, same runs, load average
// 4.6: 6-10 ms with the four automata in step4, 15-20 ms with one.
func (m *ahoCorasick) scan(data []byte, fn func(kw, start int)) {
	ov := m.maxLen - 1
	s := uint32(0)
	base := 0
	var hits *acHits
	for {
		n := min(len(data)-base, acBlock)
		q := n / 4
		if q < acMinQuarter || q <= ov {
			break
		}
		if hits == nil {
			hits = m.hits.Get().(*acHits)
		}
		s = m.scan4(data[base:base+4*q], base, s, fn, hits)
		base += 4 * q
	}
	if hits != nil {
		m.hits.Put(hits)
	}
	m.scan1(data[base:], base, s, fn)
}

// acBlock and acMinQuarter: blocks of at most 64 KiB keep the kept hits
// small (hostile input may hold a keyword at every byte); a quarter of
// under 256 bytes is scanned by one automaton.
const (
	acBlock      = 64 << 10
	acMinQuarter = 256
)

// acHit is a keyword occurrence kept for later: its index and start offset
// in the block.
type acHit struct{ kw, start int32 }

// acHits are the hits of quarters 1 to 3 of a block, reused.
type acHits [3][]acHit

// scan1 runs the automaton from state s over data (at offset base of the
// whole): the tail of the data after the blocks, or all of a small input.
func (m *ahoCorasick) scan1(data []byte, base int, s uint32, fn func(kw, start int)) {
	delta, class := m.delta, &m.class
	nc := uint32(m.nclass)
	for i, b := range data {
		s = delta[s+uint32(class[b])]
		if s >= acEnds {
			s &^= acEnds
			for _, k := range m.out[s/nc] {
				fn(int(k), base+i+1-m.lens[k])
			}
		}
	}
}

// scan4 scans one block, whose length is a multiple of 4, with four
// automata (see scan); the first starts in state s. It returns the state
// at the end of the block.
func (m *ahoCorasick) scan4(block []byte, base int, s uint32, fn func(kw, start int), hits *acHits) uint32 {
	nc := uint32(m.nclass)
	ov := m.maxLen - 1
	q := len(block) / 4
	// Each automaton reads q+ov bytes: the first its quarter and the
	// start of the next (reporting nothing there), the others the end of
	// the previous quarter (reporting nothing there) and their own.
	n := q + ov
	hb, hc, hd := hits[0][:0], hits[1][:0], hits[2][:0]
	var sb, sc, sd uint32
	for i := 0; ; i++ {
		i, s, sb, sc, sd = step4(m.delta, &m.class, block[:n], block[q-ov:2*q], block[2*q-ov:3*q], block[3*q-ov:4*q], i, s, sb, sc, sd)
		if i == n {
			break
		}
		if s >= acEnds {
			s &^= acEnds
			if i < q {
				for _, k := range m.out[s/nc] {
					fn(int(k), base+i+1-m.lens[k])
				}
			}
		}
		if i < ov {
			sb, sc, sd = sb&^acEnds, sc&^acEnds, sd&^acEnds
			continue
		}
		if sb >= acEnds {
			sb &^= acEnds
			hb = m.keep(hb, sb/nc, q-ov+i)
		}
		if sc >= acEnds {
			sc &^= acEnds
			hc = m.keep(hc, sc/nc, 2*q-ov+i)
		}
		if sd >= acEnds {
			sd &^= acEnds
			hd = m.keep(hd, sd/nc, 3*q-ov+i)
		}
	}
	for _, h := range [...][]acHit{hb, hc, hd} {
		for _, x := range h {
			fn(int(x.kw), base+int(x.start))
		}
	}
	hits[0], hits[1], hits[2] = hb, hc, hd
	return sd
}

// step4 advances four automata over a, b, c and d (of the same length)
// from offset i until one of them ends a keyword, and returns that offset
// (or len(a)) and their states. It is the hot loop, kept apart so that the
// four states and the slices stay in registers.
func step4(delta *[acMaxDelta]uint32, class *[256]uint8, a, b, c, d []byte, i int, s, sb, sc, sd uint32) (int, uint32, uint32, uint32, uint32) {
	b, c, d = b[:len(a)], c[:len(a)], d[:len(a)]
	for ; i < len(a); i++ {
		s = delta[s+uint32(class[a[i]])]
		sb = delta[sb+uint32(class[b[i]])]
		sc = delta[sc+uint32(class[c[i]])]
		sd = delta[sd+uint32(class[d[i]])]
		if s|sb|sc|sd >= acEnds {
			return i, s, sb, sc, sd
		}
	}
	return i, s, sb, sc, sd
}

// keep appends the keywords of state (not premultiplied) ending at block
// offset at.
func (m *ahoCorasick) keep(h []acHit, state uint32, at int) []acHit {
	for _, k := range m.out[state] {
		h = append(h, acHit{kw: k, start: int32(at + 1 - m.lens[k])})
	}
	return h
}
