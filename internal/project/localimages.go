package project

// LocalImages is what the Docker engine answered about images the project
// names (Project.LocalImages). Rules never contact the engine: the caller
// that may (envdoctor fix) asks it and records the answers here, so a rule
// stays a function of what it is given.
type LocalImages struct {
	// Unavailable says why the engine could not be asked ("no Docker
	// engine answers at unix:///var/run/docker.sock: no socket"); "" when
	// it answered.
	Unavailable string
	// Images are the answers by the reference asked about, as the
	// project writes it after interpolation ("postgres",
	// "postgres:latest").
	Images map[string]LocalImage
}

// LocalImage is the engine's answer about one reference (GET
// /images/{name}/json).
type LocalImage struct {
	// Present is false when the engine has no image by that name.
	Present bool
	// ID is the image ID ("sha256:...").
	ID string
	// RepoTags are every tag of the same image ("postgres:16.4",
	// "postgres:latest"); RepoDigests its registry digests.
	RepoTags    []string
	RepoDigests []string
	// Err says why the engine did not answer about this image ("" when it
	// did).
	Err string
}

// Image returns the answer about ref, and whether the engine was asked.
func (l *LocalImages) Image(ref string) (LocalImage, bool) {
	if l == nil {
		return LocalImage{}, false
	}
	im, ok := l.Images[ref]
	return im, ok
}
