package rules

// secretRules are the secret rules (SE), sorted by ID.
func secretRules() []*Rule {
	return []*Rule{
		committedSecret(),
		envFileTracked(),
	}
}
