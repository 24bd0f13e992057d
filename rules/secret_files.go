package rules

import (
	"path"
	"strings"
)

// secretFileKind names what a file holds when its name says it holds
// secrets: env files, private keys and key stores, credentials files of
// tools and cloud CLIs. Names from the tools' documentation (AWS CLI
// ~/.aws/credentials, gcloud application_default_credentials.json, Azure
// CLI ~/.azure, kubectl ~/.kube/config, docker ~/.docker/config.json, git
// credential-store ~/.git-credentials, PostgreSQL ~/.pgpass, curl/ftp
// .netrc) and from gitleaks' and GitHub's secret-file lists. It is "" for
// other files, and for templates (.env.example, .env.sample...).
func secretFileKind(p string) string {
	base := strings.ToLower(path.Base(p))
	dir := strings.ToLower(path.Dir(p))
	ext := path.Ext(base)
	switch {
	case base == ".env" || base == "env.local":
		return "an env file"
	case strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env") && base != ".env":
		for _, t := range []string{"example", "sample", "template", "dist", "defaults", "tmpl", "schema"} {
			if strings.Contains(base, t) {
				return ""
			}
		}
		return "an env file"
	case base == "id_rsa" || base == "id_dsa" || base == "id_ecdsa" || base == "id_ed25519" || base == "id_ecdsa_sk" || base == "id_ed25519_sk":
		return "an SSH private key"
	case ext == ".pem":
		return "a PEM file, for certificates and private keys"
	case ext == ".key" || ext == ".ppk":
		return "a private key file"
	case ext == ".p12" || ext == ".pfx":
		return "a PKCS #12 key store"
	case ext == ".jks" || ext == ".keystore":
		return "a Java key store"
	case base == "credentials" && strings.HasSuffix(dir, ".aws"), base == "config" && strings.HasSuffix(dir, ".aws"):
		return "an AWS CLI credentials file"
	case strings.HasSuffix(dir, ".azure") || strings.Contains(dir, ".azure/"):
		return "an Azure CLI credentials file"
	case strings.Contains(dir, ".config/gcloud") || base == "application_default_credentials.json":
		return "a Google Cloud credentials file"
	case base == "config" && strings.HasSuffix(dir, ".kube"), base == "kubeconfig":
		return "a Kubernetes credentials file (kubeconfig)"
	case base == "config.json" && strings.HasSuffix(dir, ".docker"):
		return "a Docker registry credentials file"
	case base == ".git-credentials" || base == ".netrc" || base == "_netrc" || base == ".pgpass" || base == ".htpasswd" || base == ".boto" || base == ".s3cfg":
		return "a credentials file"
	case base == "credentials" || base == "credentials.json" || base == "credentials.yml" || base == "credentials.yaml" ||
		strings.HasPrefix(base, "client_secret") && ext == ".json" || base == "secrets.json" || base == "secrets.yml" || base == "secrets.yaml" ||
		base == "master.key" || base == "credentials.yml.enc":
		return "a credentials file"
	case ext == ".tfstate" || strings.HasSuffix(base, ".tfstate.backup"):
		return "a Terraform state file (it stores secrets in clear)"
	}
	return ""
}

// dependencyDirs are directories of third-party packages: their test keys
// and fixtures are not the project's secrets.
var dependencyDirs = map[string]bool{
	"node_modules": true, "vendor": true, "site-packages": true, "dist-packages": true, ".venv": true, "venv": true,
	"bower_components": true, ".yarn": true, ".pnpm-store": true, ".gradle": true, ".m2": true, ".cargo": true, "Pods": true,
}

// inDependencyDir reports whether a slash path lies in a dependency
// directory.
func inDependencyDir(p string) bool {
	for {
		i := strings.IndexByte(p, '/')
		if i < 0 {
			return false // the last element is the file itself
		}
		if dependencyDirs[p[:i]] {
			return true
		}
		p = p[i+1:]
	}
}
