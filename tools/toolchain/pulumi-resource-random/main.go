// Command pulumi-resource-random is a LOCAL STAND-IN for Pulumi's random
// provider (github.com/pulumi/pulumi-random), written for classhub's offline
// toolchain because the Go module proxy reachable here serves no version of
// github.com/pulumi/pulumi-random/provider (nor the Terraform bridge's forked
// dependencies it needs).
//
// It serves the same type tokens as upstream for the resources classhub uses,
// with the same property names and the same lifecycle rules as upstream's
// bridged terraform-provider-random: every input (including `keepers`) forces
// a replacement, values are generated once at create time with crypto/rand
// and then only read back from state.
//
//   - random:index/randomPassword:RandomPassword (result, bcryptHash: secret)
//   - random:index/randomString:RandomString
//   - random:index/randomId:RandomId (hex, b64Std, b64Url, dec)
//
// Other upstream resources (RandomInteger, RandomPet, RandomUuid, ...) are
// rejected in Check with a clear message. It is NOT upstream's provider: its
// GetSchema answer is minimal and imports are only supported for the three
// resources above.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"os"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is stamped at build time (-X main.version=...): the version of
// @pulumi/random this stand-in is installed as.
var version = "4.21.2"

const (
	tPassword = "random:index/randomPassword:RandomPassword"
	tString   = "random:index/randomString:RandomString"
	tID       = "random:index/randomId:RandomId"

	// Character sets of terraform-provider-random (internal/random/string.go).
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	specialChars = "!@#$%&*()-_=+[]{}<>:?"
)

type randomProvider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "-version" || os.Args[1] == "--version") {
		fmt.Println(version)
		return
	}
	err := provider.Main("random", func(*provider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		return &randomProvider{}, nil
	})
	if err != nil {
		cmdutil.ExitError(err.Error())
	}
}

// --- property helpers ---------------------------------------------------------------

var keepOpts = plugin.MarshalOptions{
	KeepUnknowns: true, KeepSecrets: true, SkipNulls: true, Label: "random",
}

func unmarshal(s *structpb.Struct) (resource.PropertyMap, error) {
	if s == nil {
		return resource.PropertyMap{}, nil
	}
	return plugin.UnmarshalProperties(s, keepOpts)
}

func marshal(m resource.PropertyMap) (*structpb.Struct, error) {
	return plugin.MarshalProperties(m, keepOpts)
}

// plain strips a secret wrapper.
func plain(v resource.PropertyValue) resource.PropertyValue {
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v
}

func present(m resource.PropertyMap, k string) bool {
	v, ok := m[resource.PropertyKey(k)]
	return ok && !plain(v).IsNull()
}

func unknown(m resource.PropertyMap, k string) bool {
	v, ok := m[resource.PropertyKey(k)]
	return ok && v.ContainsUnknowns()
}

func getBool(m resource.PropertyMap, k string, def bool) bool {
	if v := plain(m[resource.PropertyKey(k)]); v.IsBool() {
		return v.BoolValue()
	}
	return def
}

func getInt(m resource.PropertyMap, k string, def int) int {
	if v := plain(m[resource.PropertyKey(k)]); v.IsNumber() {
		return int(v.NumberValue())
	}
	return def
}

func getString(m resource.PropertyMap, k string) string {
	if v := plain(m[resource.PropertyKey(k)]); v.IsString() {
		return v.StringValue()
	}
	return ""
}

// --- configuration -------------------------------------------------------------------

func (p *randomProvider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (p *randomProvider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.GetNews()}, nil
}

func (p *randomProvider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *randomProvider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true}, nil
}

func (p *randomProvider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (p *randomProvider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	b, err := json.Marshal(schema())
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetSchemaResponse{Schema: string(b)}, nil
}

// schema is a minimal Pulumi package schema for the resources served here.
func schema() map[string]any {
	str := map[string]any{"type": "string"}
	secretStr := map[string]any{"type": "string", "secret": true}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	keepers := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	pwInputs := map[string]any{
		"keepers": keepers, "length": integer, "lower": boolean, "minLower": integer,
		"minNumeric": integer, "minSpecial": integer, "minUpper": integer, "number": boolean,
		"numeric": boolean, "overrideSpecial": str, "special": boolean, "upper": boolean,
	}
	withOutputs := func(in map[string]any, out map[string]any) map[string]any {
		all := map[string]any{}
		for k, v := range in {
			all[k] = v
		}
		for k, v := range out {
			all[k] = v
		}
		return all
	}
	pwRequired := []string{"length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper",
		"number", "numeric", "result", "special", "upper"}
	idInputs := map[string]any{"byteLength": integer, "keepers": keepers, "prefix": str}
	return map[string]any{
		"name":        "random",
		"version":     version,
		"description": "classhub local stand-in for the Pulumi random provider (not upstream's provider)",
		// As upstream's schema: the module of "random:index/randomId:RandomId" is "index", not "index/randomId".
		"meta": map[string]any{"moduleFormat": "(.*)(?:/[^/]*)"},
		"resources": map[string]any{
			tPassword: map[string]any{
				"inputProperties": pwInputs, "requiredInputs": []string{"length"},
				"properties": withOutputs(pwInputs, map[string]any{"result": secretStr, "bcryptHash": secretStr}),
				"required":   append(pwRequired, "bcryptHash"),
			},
			tString: map[string]any{
				"inputProperties": pwInputs, "requiredInputs": []string{"length"},
				"properties": withOutputs(pwInputs, map[string]any{"result": str}),
				"required":   pwRequired,
			},
			tID: map[string]any{
				"inputProperties": idInputs, "requiredInputs": []string{"byteLength"},
				"properties": withOutputs(idInputs, map[string]any{
					"b64Std": str, "b64Url": str, "dec": str, "hex": str,
				}),
				"required": []string{"b64Std", "b64Url", "byteLength", "dec", "hex"},
			},
		},
	}
}

// --- resources --------------------------------------------------------------------------

var inputKeys = map[string][]string{
	tPassword: {"keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper",
		"number", "numeric", "overrideSpecial", "special", "upper"},
	tString: {"keepers", "length", "lower", "minLower", "minNumeric", "minSpecial", "minUpper",
		"number", "numeric", "overrideSpecial", "special", "upper"},
	tID: {"byteLength", "keepers", "prefix"},
}

func typeOf(t, urn string) string {
	if t != "" {
		return t
	}
	return string(resource.URN(urn).Type())
}

func checkType(t string) error {
	if _, ok := inputKeys[t]; !ok {
		return fmt.Errorf("resource type %s is not implemented by classhub's local pulumi-resource-random "+
			"stand-in (only RandomPassword, RandomString and RandomId are)", t)
	}
	return nil
}

// Check validates the inputs and fills in upstream's defaults, as the
// bridged provider does, so that the state carries the same properties.
func (p *randomProvider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	t := typeOf(req.GetType(), req.GetUrn())
	if err := checkType(t); err != nil {
		return nil, err
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	fail := func(prop, format string, args ...any) {
		failures = append(failures, &pulumirpc.CheckFailure{Property: prop, Reason: fmt.Sprintf(format, args...)})
	}
	known := resource.PropertyMap{}
	for _, k := range inputKeys[t] {
		if v, ok := news[resource.PropertyKey(k)]; ok {
			known[resource.PropertyKey(k)] = v
		}
	}
	for k := range news {
		if _, ok := known[k]; !ok && !strings.HasPrefix(string(k), "__") {
			fail(string(k), "unknown property %q for %s", k, t)
		}
	}
	setDefault := func(k string, v resource.PropertyValue) {
		if !present(known, k) {
			known[resource.PropertyKey(k)] = v
		}
	}
	intProp := func(k string, required bool, minimum int) {
		v, ok := known[resource.PropertyKey(k)]
		switch {
		case !ok || plain(v).IsNull():
			if required {
				fail(k, "missing required property %q", k)
			}
		case v.ContainsUnknowns():
		case !plain(v).IsNumber() || plain(v).NumberValue() != math.Trunc(plain(v).NumberValue()):
			fail(k, "%s must be an integer", k)
		case int(plain(v).NumberValue()) < minimum:
			fail(k, "%s must be at least %d, got %d", k, minimum, int(plain(v).NumberValue()))
		}
	}
	boolProp := func(k string) {
		if v, ok := known[resource.PropertyKey(k)]; ok && !v.ContainsUnknowns() && !plain(v).IsNull() && !plain(v).IsBool() {
			fail(k, "%s must be a boolean", k)
		}
	}
	stringProp := func(k string) {
		if v, ok := known[resource.PropertyKey(k)]; ok && !v.ContainsUnknowns() && !plain(v).IsNull() && !plain(v).IsString() {
			fail(k, "%s must be a string", k)
		}
	}
	keepersProp := func() {
		v, ok := known["keepers"]
		if !ok || v.ContainsUnknowns() || plain(v).IsNull() {
			return
		}
		if !plain(v).IsObject() {
			fail("keepers", "keepers must be a map of strings")
		}
	}

	switch t {
	case tPassword, tString:
		intProp("length", true, 1)
		for _, k := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
			intProp(k, false, 0)
			setDefault(k, resource.NewNumberProperty(0))
		}
		for _, k := range []string{"lower", "upper", "special", "number", "numeric"} {
			boolProp(k)
		}
		stringProp("overrideSpecial")
		keepersProp()
		setDefault("lower", resource.NewBoolProperty(true))
		setDefault("upper", resource.NewBoolProperty(true))
		setDefault("special", resource.NewBoolProperty(true))
		// `number` is upstream's deprecated alias of `numeric`; both always
		// carry the same value.
		switch {
		case present(known, "numeric"):
			known["number"] = known["numeric"]
		case present(known, "number"):
			known["numeric"] = known["number"]
		default:
			known["numeric"] = resource.NewBoolProperty(true)
			known["number"] = resource.NewBoolProperty(true)
		}
		if len(failures) == 0 && !resource.NewObjectProperty(known).ContainsUnknowns() {
			length := getInt(known, "length", 0)
			sum := getInt(known, "minLower", 0) + getInt(known, "minUpper", 0) +
				getInt(known, "minNumeric", 0) + getInt(known, "minSpecial", 0)
			if length < sum {
				fail("length", "length (%d) must be >= minUpper + minLower + minNumeric + minSpecial (%d)", length, sum)
			}
			if charset(known) == "" {
				fail("length", "at least one of lower, upper, numeric or special (with a non-empty overrideSpecial) must be enabled")
			}
		}
	case tID:
		intProp("byteLength", true, 1)
		stringProp("prefix")
		keepersProp()
	}
	ins, err := marshal(known)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: ins, Failures: failures}, nil
}

// Diff: upstream marks every argument RequiresReplace, so any change to an
// input (keepers included) is a replacement; nothing is ever updated in place.
func (p *randomProvider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	t := typeOf(req.GetType(), req.GetUrn())
	if err := checkType(t); err != nil {
		return nil, err
	}
	olds, err := unmarshal(req.GetOldInputs())
	if err != nil {
		return nil, err
	}
	if req.GetOldInputs() == nil {
		if olds, err = unmarshal(req.GetOlds()); err != nil {
			return nil, err
		}
	}
	news, err := unmarshal(req.GetNews())
	if err != nil {
		return nil, err
	}
	var replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for _, k := range inputKeys[t] {
		o, n := olds[resource.PropertyKey(k)], news[resource.PropertyKey(k)]
		oNull, nNull := plain(o).IsNull(), plain(n).IsNull()
		var kind pulumirpc.PropertyDiff_Kind
		switch {
		case oNull && nNull:
			continue
		case n.ContainsUnknowns():
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
			if oNull {
				kind = pulumirpc.PropertyDiff_ADD_REPLACE
			}
		case oNull:
			kind = pulumirpc.PropertyDiff_ADD_REPLACE
		case nNull:
			kind = pulumirpc.PropertyDiff_DELETE_REPLACE
		case plain(o).DeepEquals(plain(n)):
			continue
		default:
			kind = pulumirpc.PropertyDiff_UPDATE_REPLACE
		}
		replaces = append(replaces, k)
		detailed[k] = &pulumirpc.PropertyDiff{Kind: kind, InputDiff: true}
	}
	if len(replaces) == 0 {
		return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE, HasDetailedDiff: true}, nil
	}
	sort.Strings(replaces)
	return &pulumirpc.DiffResponse{
		Changes:         pulumirpc.DiffResponse_DIFF_SOME,
		Replaces:        replaces,
		Diffs:           replaces,
		DetailedDiff:    detailed,
		HasDetailedDiff: true,
	}, nil
}

func charset(in resource.PropertyMap) string {
	var cs string
	if getBool(in, "lower", true) {
		cs += lowerChars
	}
	if getBool(in, "upper", true) {
		cs += upperChars
	}
	if getBool(in, "numeric", true) {
		cs += numericChars
	}
	if getBool(in, "special", true) {
		cs += specialsOf(in)
	}
	return cs
}

func specialsOf(in resource.PropertyMap) string {
	if present(in, "overrideSpecial") {
		return getString(in, "overrideSpecial")
	}
	return specialChars
}

func randIndex(n int) (int, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		return 0, err
	}
	return int(i.Int64()), nil
}

func pick(set string, n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for range n {
		i, err := randIndex(len(set))
		if err != nil {
			return nil, err
		}
		out = append(out, set[i])
	}
	return out, nil
}

// generateString follows terraform-provider-random: first the minimum number
// of characters of each class, then the rest from the whole set, shuffled.
func generateString(in resource.PropertyMap) (string, error) {
	length := getInt(in, "length", 0)
	type class struct {
		on   bool
		set  string
		min  int
		name string
	}
	classes := []class{
		{getBool(in, "upper", true), upperChars, getInt(in, "minUpper", 0), "upper"},
		{getBool(in, "lower", true), lowerChars, getInt(in, "minLower", 0), "lower"},
		{getBool(in, "numeric", true), numericChars, getInt(in, "minNumeric", 0), "numeric"},
		{getBool(in, "special", true), specialsOf(in), getInt(in, "minSpecial", 0), "special"},
	}
	var result []byte
	for _, c := range classes {
		if !c.on || c.min == 0 {
			continue
		}
		if c.set == "" {
			return "", fmt.Errorf("min%s%s is set but its character set is empty",
				strings.ToUpper(c.name[:1]), c.name[1:])
		}
		b, err := pick(c.set, c.min)
		if err != nil {
			return "", err
		}
		result = append(result, b...)
	}
	all := charset(in)
	if all == "" {
		return "", errors.New("no characters to choose from")
	}
	if rest := length - len(result); rest > 0 {
		b, err := pick(all, rest)
		if err != nil {
			return "", err
		}
		result = append(result, b...)
	}
	for i := len(result) - 1; i > 0; i-- {
		j, err := randIndex(i + 1)
		if err != nil {
			return "", err
		}
		result[i], result[j] = result[j], result[i]
	}
	return string(result), nil
}

func bcryptHash(s string) (string, error) {
	b := []byte(s)
	if len(b) > 72 { // bcrypt only uses the first 72 bytes
		b = b[:72]
	}
	h, err := bcrypt.GenerateFromPassword(b, bcrypt.DefaultCost)
	return string(h), err
}

// idOutputs computes RandomId's outputs from its bytes, as upstream does:
// the resource id is the unprefixed raw URL base64, the others carry prefix.
func idOutputs(state resource.PropertyMap, b []byte) string {
	prefix := getString(state, "prefix")
	id := base64.RawURLEncoding.EncodeToString(b)
	state["b64Url"] = resource.NewStringProperty(prefix + id)
	state["b64Std"] = resource.NewStringProperty(prefix + base64.StdEncoding.EncodeToString(b))
	state["hex"] = resource.NewStringProperty(prefix + hex.EncodeToString(b))
	state["dec"] = resource.NewStringProperty(prefix + new(big.Int).SetBytes(b).String())
	return id
}

func (p *randomProvider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	t := typeOf(req.GetType(), req.GetUrn())
	if err := checkType(t); err != nil {
		return nil, err
	}
	in, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	state := in.Copy()
	var id string
	computed := func(keys ...string) {
		for _, k := range keys {
			state[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewStringProperty(""))
		}
	}
	switch t {
	case tPassword, tString:
		if req.GetPreview() {
			if t == tPassword {
				computed("result", "bcryptHash")
			} else {
				computed("result")
			}
			break
		}
		s, err := generateString(in)
		if err != nil {
			return nil, err
		}
		if t == tPassword {
			h, err := bcryptHash(s)
			if err != nil {
				return nil, err
			}
			state["result"] = resource.MakeSecret(resource.NewStringProperty(s))
			state["bcryptHash"] = resource.MakeSecret(resource.NewStringProperty(h))
			id = "none"
		} else {
			state["result"] = resource.NewStringProperty(s)
			id = s
		}
	case tID:
		if req.GetPreview() {
			computed("b64Std", "b64Url", "dec", "hex")
			break
		}
		b := make([]byte, getInt(in, "byteLength", 0))
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		id = idOutputs(state, b)
	}
	props, err := marshal(state)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Read returns the recorded state unchanged (nothing exists outside it). With
// no state (pulumi import) it rebuilds the state from the id as upstream does:
// RandomPassword/RandomString take the value itself, RandomId the raw URL
// base64 bytes, optionally "prefix,b64".
func (p *randomProvider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	t := typeOf(req.GetType(), req.GetUrn())
	if err := checkType(t); err != nil {
		return nil, err
	}
	state, err := unmarshal(req.GetProperties())
	if err != nil {
		return nil, err
	}
	if len(state) > 0 {
		return &pulumirpc.ReadResponse{Id: req.GetId(), Properties: req.GetProperties(), Inputs: req.GetInputs()}, nil
	}
	id := req.GetId()
	ins := resource.PropertyMap{}
	switch t {
	case tPassword, tString:
		ins["length"] = resource.NewNumberProperty(float64(len(id)))
		for _, k := range []string{"lower", "upper", "special", "number", "numeric"} {
			ins[resource.PropertyKey(k)] = resource.NewBoolProperty(true)
		}
		for _, k := range []string{"minLower", "minNumeric", "minSpecial", "minUpper"} {
			ins[resource.PropertyKey(k)] = resource.NewNumberProperty(0)
		}
		state = ins.Copy()
		if t == tPassword {
			h, err := bcryptHash(id)
			if err != nil {
				return nil, err
			}
			state["result"] = resource.MakeSecret(resource.NewStringProperty(id))
			state["bcryptHash"] = resource.MakeSecret(resource.NewStringProperty(h))
			id = "none"
		} else {
			state["result"] = resource.NewStringProperty(id)
		}
	case tID:
		enc := id
		if prefix, rest, ok := strings.Cut(id, ","); ok {
			ins["prefix"] = resource.NewStringProperty(prefix)
			enc = rest
		}
		b, err := base64.RawURLEncoding.DecodeString(enc)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "cannot import RandomId %q: %v", id, err)
		}
		ins["byteLength"] = resource.NewNumberProperty(float64(len(b)))
		state = ins.Copy()
		id = idOutputs(state, b)
	}
	props, err := marshal(state)
	if err != nil {
		return nil, err
	}
	inputs, err := marshal(ins)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ReadResponse{Id: id, Properties: props, Inputs: inputs}, nil
}

func (p *randomProvider) Update(context.Context, *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return nil, status.Error(codes.Internal, "random resources are never updated in place (every change is a replacement)")
}

func (p *randomProvider) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}
