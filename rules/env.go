package rules

// envRules lists the EN rules, one constructor per rule file.
func envRules() []*Rule {
	return []*Rule{
		envSyntax(),
		duplicateKey(),
		unusedVariable(),
		exampleDrift(),
		crlfEnvFile(),
		ambiguousValue(),
	}
}
