package project

import (
	"sync"

	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// lexers holds idle shell lexers, one pool per escape token ('\\' and
// '`', the only two a Dockerfile can set): a Lex holds a scanner buffer of
// about 1 kB, and the rules expand words of every Dockerfile many times.
// A Lex is not safe for concurrent use: each user takes one and puts it
// back when done with it.
var lexers [2]sync.Pool

func lexPool(escape rune) *sync.Pool {
	switch escape {
	case '\\':
		return &lexers[0]
	case '`':
		return &lexers[1]
	}
	return nil
}

// GetLexer returns an idle lexer for escape, as shell.NewLex(escape) makes
// it; PutLexer gives it back once the caller is done with it (and with
// every result it returned).
func GetLexer(escape rune) *shell.Lex {
	if pool := lexPool(escape); pool != nil {
		if l, ok := pool.Get().(*shell.Lex); ok {
			return l
		}
	}
	return shell.NewLex(escape)
}

// PutLexer gives back a lexer of GetLexer, its options reset.
func PutLexer(escape rune, l *shell.Lex) {
	if pool := lexPool(escape); pool != nil && l != nil {
		l.RawQuotes, l.RawEscapes, l.SkipProcessQuotes, l.SkipUnsetEnv = false, false, false, false
		pool.Put(l)
	}
}

// ProcessWord is shell.NewLex(escape).ProcessWordWithMatches(word, env)
// with a pooled lexer.
func ProcessWord(escape rune, word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	l := GetLexer(escape)
	defer PutLexer(escape, l)
	return l.ProcessWordWithMatches(word, env)
}
