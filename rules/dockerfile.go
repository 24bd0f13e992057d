package rules

// dockerfileRules lists the DF rules, one constructor per rule file.
func dockerfileRules() []*Rule {
	return []*Rule{
		dockerfileSyntax(),
		copyBeforeInstall(),
		aptUpdateAlone(),
		aptListsKept(),
		pipCacheKeptRule(),
		unpinnedBaseImage(),
		mkdirBeforeWorkdir(),
		cdInRun(),
		curlPipeShell(),
		aptNoCacheMount(),
	}
}
