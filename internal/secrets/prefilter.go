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
	// next state, premultiplied by nclass; an entry is stored as -x-1 when
	// that state ends a keyword, so the scan loop tests one sign.
	delta []int32
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
	m.delta = make([]int32, len(nodes)*m.nclass)
	m.out = make([][]int32, len(nodes))
	for i, n := range nodes {
		for c, next := range n.next {
			v := next * int32(m.nclass)
			if len(nodes[next].out) > 0 {
				v = -v - 1
			}
			m.delta[i*m.nclass+c] = v
		}
		m.out[i] = n.out
	}
	return m
}

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
// (aho-corasick) on the 2-core CI machine: 14-21 ms per 7 MB with four
// automata, 27-29 ms with one (same runs, load average 4.7).
func (m *ahoCorasick) scan(data []byte, fn func(kw, start int)) {
	ov := m.maxLen - 1
	s := int32(0)
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
// whole) and returns the state it ends in.
func (m *ahoCorasick) scan1(data []byte, base int, s int32, fn func(kw, start int)) int32 {
	delta, class := m.delta, &m.class
	nc := int32(m.nclass)
	for i, b := range data {
		s = delta[s+int32(class[b])]
		if s < 0 {
			s = -s - 1
			for _, k := range m.out[s/nc] {
				fn(int(k), base+i+1-m.lens[k])
			}
		}
	}
	return s
}

// scan4 scans one block, whose length is a multiple of 4, with four
// automata (see scan); the first starts in state s. It returns the state
// at the end of the block.
func (m *ahoCorasick) scan4(block []byte, base int, s int32, fn func(kw, start int), hits *acHits) int32 {
	delta, class := m.delta, &m.class
	nc := int32(m.nclass)
	ov := m.maxLen - 1
	q := len(block) / 4
	// Each automaton reads q+ov bytes: the first its quarter and the
	// start of the next (reporting nothing there), the others the end of
	// the previous quarter (reporting nothing there) and their own.
	a := block[:q+ov]
	b := block[q-ov : 2*q][:len(a)]
	c := block[2*q-ov : 3*q][:len(a)]
	d := block[3*q-ov : 4*q][:len(a)]
	hb, hc, hd := hits[0][:0], hits[1][:0], hits[2][:0]
	sb, sc, sd := int32(0), int32(0), int32(0)
	for i := range a {
		s = delta[s+int32(class[a[i]])]
		sb = delta[sb+int32(class[b[i]])]
		sc = delta[sc+int32(class[c[i]])]
		sd = delta[sd+int32(class[d[i]])]
		if s|sb|sc|sd >= 0 {
			continue
		}
		if s < 0 {
			s = -s - 1
			if i < q {
				for _, k := range m.out[s/nc] {
					fn(int(k), base+i+1-m.lens[k])
				}
			}
		}
		if sb < 0 {
			sb = -sb - 1
			if i >= ov {
				hb = m.keep(hb, sb/nc, q-ov+i)
			}
		}
		if sc < 0 {
			sc = -sc - 1
			if i >= ov {
				hc = m.keep(hc, sc/nc, 2*q-ov+i)
			}
		}
		if sd < 0 {
			sd = -sd - 1
			if i >= ov {
				hd = m.keep(hd, sd/nc, 3*q-ov+i)
			}
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

// keep appends the keywords of state (not premultiplied) ending at block
// offset at.
func (m *ahoCorasick) keep(h []acHit, state int32, at int) []acHit {
	for _, k := range m.out[state] {
		h = append(h, acHit{kw: k, start: int32(at + 1 - m.lens[k])})
	}
	return h
}
