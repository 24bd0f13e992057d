package rules

// composeRules lists the CP rules, one constructor per rule file.
func composeRules() []*Rule {
	return []*Rule{
		composeSyntax(),
		unsetVariable(),
		shadowedVariable(),
		missingDependsOn(),
		dependsOnNotReady(),
		obsoleteVersion(),
		portAllInterfaces(),
		duplicateHostPort(),
		composeLocalhostBind(),
		composePortMismatch(),
		hardcodedSecret(),
		bindMountHidesBuild(),
		envFileMissing(),
		unpinnedImage(),
		undefinedService(),
		dockerSocketMount(),
		bindSourceMissing(),
		remoteInclude(),
		eolImage(),
	}
}
