package fix

import (
	"fmt"
	"strings"
)

// contextLines is the number of unchanged lines around each hunk, as diff -u.
const contextLines = 3

// maxEditDistance bounds the Myers search: past it (a file rewritten from
// top to bottom, say CRLF to LF) the changed middle is shown as removed and
// added whole, which is still a correct diff, in bounded time and memory.
const maxEditDistance = 1000

// Diff renders the changes as one unified diff, with a/ and b/ prefixes
// (git apply and patch -p1 read it), files in order. prefix is put before
// every path (the project directory relative to where the user runs).
func Diff(changes []*Change, prefix string) string {
	var b strings.Builder
	for _, c := range changes {
		b.WriteString(Unified(join(prefix, c.File), c.Old, c.New))
	}
	return b.String()
}

func join(prefix, file string) string {
	if prefix == "" {
		return file
	}
	return prefix + "/" + file
}

// Unified renders the diff of one file; "" when nothing changes. A file
// that does not exist yet is diffed from /dev/null.
func Unified(file string, old Content, data []byte) string {
	a, b := splitLines(string(old.Data)), splitLines(string(data))
	ops := diffLines(a, b)
	hunks := groupHunks(ops)
	if len(hunks) == 0 {
		return ""
	}
	var out strings.Builder
	from := "a/" + file
	if !old.Exists {
		from = "/dev/null"
	}
	fmt.Fprintf(&out, "--- %s\n+++ b/%s\n", from, file)
	for _, h := range hunks {
		out.WriteString(h.header())
		for _, op := range ops[h.from:h.to] {
			var line string
			switch op.kind {
			case ' ':
				line = a[op.a]
			case '-':
				line = a[op.a]
			case '+':
				line = b[op.b]
			}
			out.WriteByte(op.kind)
			out.WriteString(line)
			if !strings.HasSuffix(line, "\n") {
				out.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	return out.String()
}

// splitLines splits after each "\n", keeping it (and any "\r" before it),
// so a change of line ending is a change of the line.
func splitLines(s string) []string {
	var lines []string
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// op is one line of the diff: ' ' kept, '-' removed, '+' added; a and b
// index the old and new lines (1 past the last line before it for the side
// it is not on).
type op struct {
	kind byte
	a, b int
}

// diffLines is the shortest edit script from a to b (Myers' O(ND)
// algorithm, after the common prefix and suffix are taken off).
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ops := make([]op, 0, len(a)+len(b))
	for i := 0; i < pre; i++ {
		ops = append(ops, op{' ', i, i})
	}
	ops = append(ops, myers(a[pre:len(a)-suf], b[pre:len(b)-suf], pre)...)
	for i := 0; i < suf; i++ {
		ai, bi := len(a)-suf+i, len(b)-suf+i
		ops = append(ops, op{' ', ai, bi})
	}
	return ops
}

// myers diffs the middle parts; off is their index in the whole files.
func myers(a, b []string, off int) []op {
	n, m := len(a), len(b)
	whole := func() []op {
		ops := make([]op, 0, n+m)
		for i := 0; i < n; i++ {
			ops = append(ops, op{'-', off + i, off})
		}
		for j := 0; j < m; j++ {
			ops = append(ops, op{'+', off + n, off + j})
		}
		return ops
	}
	if n == 0 || m == 0 {
		return whole()
	}
	maxD := n + m
	if maxD > maxEditDistance {
		maxD = maxEditDistance
	}
	size := 2*maxD + 1
	v := make([]int, size)
	var trace [][]int
	found := -1
	for d := 0; d <= maxD && found < 0; d++ {
		// Keep v for k in [-d, d]: the round before d only wrote those.
		trace = append(trace, append([]int(nil), v[maxD-d:maxD+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[maxD+k-1] < v[maxD+k+1]) {
				x = v[maxD+k+1]
			} else {
				x = v[maxD+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[maxD+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		return whole()
	}
	// Walk back through the trace.
	var rev []op
	x, y := n, m
	for d := found; d > 0; d-- {
		pv := trace[d] // pv[k+d] is v[k] before round d
		k := x - y
		var prevK int
		if k == -d || (k != d && pv[k-1+d] < pv[k+1+d]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := pv[prevK+d]
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			x--
			y--
			rev = append(rev, op{' ', off + x, off + y})
		}
		if x == prevX {
			y--
			rev = append(rev, op{'+', off + x, off + y})
		} else {
			x--
			rev = append(rev, op{'-', off + x, off + y})
		}
	}
	for x > 0 && y > 0 {
		x--
		y--
		rev = append(rev, op{' ', off + x, off + y})
	}
	ops := make([]op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}

// hunk is ops[from:to] with its line numbers.
type hunk struct {
	from, to                   int
	aStart, aLen, bStart, bLen int
}

func (h hunk) header() string {
	return fmt.Sprintf("@@ -%s +%s @@\n", span(h.aStart, h.aLen), span(h.bStart, h.bLen))
}

// span writes a hunk range as diff -u does: "start,len", "start" for one
// line, and the line before for an empty range.
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// groupHunks groups the changes with their context lines, merging hunks
// whose context would touch.
func groupHunks(ops []op) []hunk {
	var hunks []hunk
	i := 0
	for i < len(ops) {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		from := max(i-contextLines, 0)
		// Extend over changes separated by at most 2*contextLines kept lines.
		j := i
		for {
			for j < len(ops) && ops[j].kind != ' ' {
				j++
			}
			k := j
			for k < len(ops) && ops[k].kind == ' ' {
				k++
			}
			if k < len(ops) && k-j <= 2*contextLines {
				j = k
				continue
			}
			break
		}
		to := min(j+contextLines, len(ops))
		h := hunk{from: from, to: to}
		first := ops[from]
		h.aStart, h.bStart = first.a, first.b
		for _, o := range ops[from:to] {
			if o.kind != '+' {
				h.aLen++
			}
			if o.kind != '-' {
				h.bLen++
			}
		}
		hunks = append(hunks, h)
		i = to
	}
	return hunks
}
