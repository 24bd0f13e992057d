package rules

// dockerfileRules lists the DF rules, one constructor per rule file.
func dockerfileRules() []*Rule {
	return []*Rule{
		dockerfileSyntax(),
		unpinnedBaseImage(),
		eolBaseImage(),
	}
}
