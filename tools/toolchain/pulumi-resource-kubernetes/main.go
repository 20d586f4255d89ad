// Command pulumi-resource-kubernetes is a local build of the Pulumi Kubernetes
// provider. Upstream's own main package embeds schema-embed.json and
// terraform-mapping-embed.json, which are generated at release time and are
// not part of the module zip; tools/toolchain/build.sh generates them next to
// this file (in a scratch copy of this directory) before building.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
