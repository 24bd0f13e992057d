// Package textdist measures how far apart two short strings are, for the
// "did you mean" suggestions of config errors and rules. It imports nothing
// from envdoctor.
package textdist

// Distance is the optimal string alignment distance of a and b: insertions,
// deletions, substitutions and swaps of two neighbours each count one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the table (the swap looks two rows back), in one
	// allocation.
	w := len(rb) + 1
	rows := make([]int, 3*w)
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
