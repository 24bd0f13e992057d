package project

// Explain says why the context path p is or is not excluded: the pattern
// that excluded it (or a parent), and, when it is sent although a pattern
// matches it, the "!" exception that re-included it.
func (d *Dockerignore) Explain(p string) (excluded bool, by, reincluded *IgnorePattern) {
	excluded, by = d.Excluded(p)
	if excluded || d == nil || d.Err != nil {
		return excluded, by, nil
	}
	p = CleanContextPath(p)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := len(d.Patterns) - 1; i >= 0; i-- {
		if !d.Patterns[i].Exclusion {
			continue
		}
		if m, err := d.single[i].MatchesOrParentMatches(p); err == nil && m {
			// Only worth saying when an earlier pattern matched too.
			for j := 0; j < i; j++ {
				if d.Patterns[j].Exclusion {
					continue
				}
				if m, err := d.single[j].MatchesOrParentMatches(p); err == nil && m {
					return false, &d.Patterns[j], &d.Patterns[i]
				}
			}
			return false, nil, nil
		}
	}
	return false, nil, nil
}
