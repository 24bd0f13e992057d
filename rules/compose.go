package rules

// composeRules lists the CP rules, one constructor per rule file.
func composeRules() []*Rule {
	return []*Rule{
		composeSyntax(),
		unsetVariable(),
		shadowedVariable(),
		obsoleteVersion(),
		unpinnedImage(),
		undefinedService(),
		eolImage(),
	}
}
