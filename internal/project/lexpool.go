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

// getLex returns an idle lexer for escape; putLex gives it back.
func getLex(escape rune) *shell.Lex {
	if pool := lexPool(escape); pool != nil {
		if l, ok := pool.Get().(*shell.Lex); ok {
			return l
		}
	}
	return shell.NewLex(escape)
}

func putLex(escape rune, l *shell.Lex) {
	if pool := lexPool(escape); pool != nil {
		pool.Put(l)
	}
}

// processWord is shell.NewLex(escape).ProcessWordWithMatches(word, env)
// with a pooled lexer.
func processWord(escape rune, word string, env shell.EnvGetter) (shell.ProcessWordResult, error) {
	l := getLex(escape)
	defer putLex(escape, l)
	return l.ProcessWordWithMatches(word, env)
}
