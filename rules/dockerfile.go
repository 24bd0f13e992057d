package rules

// dockerfileRules lists the DF rules, one constructor per rule file.
func dockerfileRules() []*Rule {
	return []*Rule{
		dockerfileSyntax(),
		unpinnedBaseImage(),
		addForLocalFiles(),
		runsAsRoot(),
		localhostBind(),
		secretInBuild(),
		copyIgnoredFile(),
		copySourceMissing(),
		stageNameCasing(),
		fromAsCasing(),
		noEmptyContinuation(),
		consistentInstructionCasing(),
		duplicateStageName(),
		reservedStageName(),
		jsonArgsRecommended(),
		maintainerDeprecated(),
		undefinedArgInFrom(),
		workdirRelativePath(),
		undefinedVar(),
		multipleInstructionsDisallowed(),
		legacyKeyValueFormat(),
		redundantTargetPlatform(),
		invalidDefaultArgInFrom(),
		fromPlatformFlagConstDisallowed(),
		exposeProtoCasing(),
		exposeInvalidFormat(),
		invalidDefinitionDescription(),
	}
}
