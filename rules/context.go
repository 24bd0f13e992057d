package rules

// contextRules are the build context and .dockerignore rules (BC), sorted
// by ID.
func contextRules() []*Rule {
	return []*Rule{
		dockerignoreSyntax(),
		dockerignoreMissing(),
		secretsInContext(),
		vcsInContext(),
		volumeDataInContext(),
		largeContext(),
		dockerignorePatternUnused(),
		contextUnreadable(),
	}
}
