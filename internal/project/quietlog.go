package project

import (
	"io"

	"github.com/sirupsen/logrus"
)

// quietly runs fn with compose-go's logging (logrus' standard logger)
// silenced: its dotenv parser warns on stderr about every unset variable
// an env file refers to, which the rules report as findings instead.
func quietly(fn func()) {
	logMu.Lock()
	defer logMu.Unlock()
	std := logrus.StandardLogger()
	prev := std.Out
	prevHooks := std.ReplaceHooks(logrus.LevelHooks{})
	std.SetOutput(io.Discard)
	defer func() {
		std.ReplaceHooks(prevHooks)
		std.SetOutput(prev)
	}()
	fn()
}
