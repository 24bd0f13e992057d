// Package fingerprint identifies a finding independently of where its line
// is, so a finding keeps its identity when lines are inserted above it. It
// is shared by SARIF's partialFingerprints and by the baseline, so the two
// agree on what "the same finding" is.
package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"

	"github.com/envdoctor/envdoctor/internal/finding"
)

// Of hashes what identifies a finding: its rule, its file (as the caller
// names it), its message with line numbers taken out, and the text of its
// first line without the surrounding white space. Indentation changes and
// lines inserted or removed elsewhere do not change it; a change of the
// rule, the file, the message or the line's content does.
func Of(ruleID, file, message, lineText string) string {
	h := sha256.New()
	for _, part := range []string{ruleID, file, NormalizeMessage(message), strings.TrimSpace(lineText)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Finding is Of for f with the text of its first line looked up with lines
// (which may be nil, or not know the file: the line then counts as empty).
// file replaces f.Range.File when it is not "" (the baseline names files
// relative to the baseline's directory).
func Finding(f finding.Finding, file string, lines func(file string, line int) (string, bool)) string {
	text := ""
	if lines != nil && f.Range.File != "" && f.Range.Start.Line > 0 {
		text, _ = lines(f.Range.File, f.Range.Start.Line)
	}
	if file == "" {
		file = f.Range.File
	}
	return Of(f.RuleID, file, f.Message, text)
}

// lineRef matches a line number in a message ("line 4 wins", "lines 3-5",
// "lines 3 and 7"): such a number moves when lines are inserted above.
var lineRef = regexp.MustCompile(`\b([Ll]ines?) \d+((?:-| and |, )\d+)*\b`)

// measure matches a size or a file count in a message ("7 files, 9.1 KB",
// "120 MiB"): a build context's figures change with every file added, the
// finding does not.
var measure = regexp.MustCompile(`\b\d+(?:[.,]\d+)? ?(?:files?|entries|directories|bytes|B|KB|MB|GB|KiB|MiB|GiB)\b`)

// NormalizeMessage takes the line numbers, sizes and file counts out of a
// message.
func NormalizeMessage(message string) string {
	return measure.ReplaceAllString(lineRef.ReplaceAllString(message, "$1 #"), "#")
}

// Counter numbers identical fingerprints in the order they come, as GitHub
// does for its own line hashes: "hash:1", "hash:2"...
type Counter map[string]int

// Next returns hash with its occurrence number appended.
func (c Counter) Next(hash string) string {
	c[hash]++
	return hash + ":" + strconv.Itoa(c[hash])
}
