package rules

// hadolintTwins maps an envdoctor rule ID to the hadolint rules that flag
// the same pattern, so that a Dockerfile already annotated for hadolint
// ("# hadolint ignore=DL3020" above an instruction, or "# hadolint global
// ignore=DL3020") needs no second comment: the pipeline reads those comments
// and silences the twins listed here. All copies the list into Rule.Hadolint.
//
// Source: hadolint v2.15.1, README "Rules" and src/Hadolint/Rule/DL*.hs
// (codes and meanings as summarised in the envdoctor research notes). A
// code is listed only where both rules flag the same thing; hadolint rules
// with no twin here (DL3008 version pinning, DL4006 pipefail, ...) are not
// envdoctor's, and their comments are left alone.
var hadolintTwins = map[string][]string{
	"DF003": {"DL3009", "DL3015"},           // apt lists not deleted; --no-install-recommends
	"DF004": {"DL3042"},                     // pip install without --no-cache-dir
	"DF005": {"DL3006", "DL3007"},           // untagged image; :latest
	"DF008": {"DL3020"},                     // COPY instead of ADD for files and folders
	"DF009": {"DL3002"},                     // last USER should not be root
	"DF010": {"DL3003"},                     // WORKDIR instead of cd
	"DF013": {"DL3064"},                     // sensitive data in ARG/ENV
	"DF104": {"DL3024"},                     // DuplicateStageName: FROM aliases must be unique
	"DF105": {"DL3063"},                     // ReservedStageName
	"DF106": {"DL3025"},                     // JSONArgsRecommended: JSON notation for CMD/ENTRYPOINT
	"DF107": {"DL4000"},                     // MaintainerDeprecated
	"DF109": {"DL3000"},                     // WorkdirRelativePath: use absolute WORKDIR
	"DF111": {"DL4003", "DL4004", "DL3012"}, // MultipleInstructionsDisallowed: CMD, ENTRYPOINT, HEALTHCHECK
	"DF113": {"DL3065"},                     // RedundantTargetPlatform
	"DF115": {"DL3029"},                     // FromPlatformFlagConstDisallowed: --platform in FROM
}
