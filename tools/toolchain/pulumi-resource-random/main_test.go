package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The engine would refuse to start a provider that does not implement the interface.
var _ pulumirpc.ResourceProviderServer = (*randomProvider)(nil)

// wire is how the engine talks to providers that accept secrets and
// unknowns. The tests use their own options rather than the provider's
// marshal/unmarshal so that a change there shows up as a failure here.
var wire = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true}

func toStruct(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := plugin.MarshalProperties(m, wire)
	if err != nil {
		t.Fatalf("marshal %v: %v", m, err)
	}
	return s
}

func fromStruct(t *testing.T, s *structpb.Struct) resource.PropertyMap {
	t.Helper()
	m, err := plugin.UnmarshalProperties(s, wire)
	if err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return m
}

func pm(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

func urnOf(typ string) string {
	return string(resource.NewURN("dev", "classhub", "", tokens.Type(typ), "r"))
}

var prov = &randomProvider{}

func check(t *testing.T, typ string, news resource.PropertyMap) (resource.PropertyMap, []string) {
	t.Helper()
	resp, err := prov.Check(context.Background(), &pulumirpc.CheckRequest{
		Urn: urnOf(typ), Type: typ, News: toStruct(t, news),
	})
	if err != nil {
		t.Fatalf("Check(%s): %v", typ, err)
	}
	var failures []string
	for _, f := range resp.GetFailures() {
		failures = append(failures, f.GetProperty()+": "+f.GetReason())
	}
	return fromStruct(t, resp.GetInputs()), failures
}

// create runs Check then Create, as the engine does, and returns id and state.
func create(t *testing.T, typ string, news map[string]any) (string, resource.PropertyMap) {
	t.Helper()
	ins, failures := check(t, typ, pm(news))
	if len(failures) > 0 {
		t.Fatalf("Check(%s, %v) failed: %v", typ, news, failures)
	}
	resp, err := prov.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: urnOf(typ), Type: typ, Properties: toStruct(t, ins),
	})
	if err != nil {
		t.Fatalf("Create(%s, %v): %v", typ, news, err)
	}
	return resp.GetId(), fromStruct(t, resp.GetProperties())
}

func str(t *testing.T, m resource.PropertyMap, k string) string {
	t.Helper()
	v := m[resource.PropertyKey(k)]
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	if !v.IsString() {
		t.Fatalf("%s is %v, want a string", k, m[resource.PropertyKey(k)])
	}
	return v.StringValue()
}

const unknownTypeMsg = "resource type random:index/randomInteger:RandomInteger is not implemented by " +
	"classhub's local pulumi-resource-random stand-in (only RandomPassword, RandomString and RandomId are)"

func TestCheckRejectsUnknownTypeWithItsMessage(t *testing.T) {
	const typ = "random:index/randomInteger:RandomInteger"
	news := toStruct(t, pm(map[string]any{"min": 1, "max": 6}))
	for name, req := range map[string]*pulumirpc.CheckRequest{
		"type field":   {Urn: urnOf(typ), Type: typ, News: news},
		"only the URN": {Urn: urnOf(typ), News: news},
		"no inputs":    {Urn: urnOf(typ), Type: typ, News: nil},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := prov.Check(context.Background(), req)
			if err == nil || err.Error() != unknownTypeMsg {
				t.Fatalf("Check error = %v, want %q", err, unknownTypeMsg)
			}
		})
	}
}

func TestOtherMethodsRejectUnknownType(t *testing.T) {
	const typ = "random:index/randomInteger:RandomInteger"
	ctx, u := context.Background(), urnOf(typ)
	calls := map[string]func() error{
		"Diff": func() error {
			_, err := prov.Diff(ctx, &pulumirpc.DiffRequest{Urn: u, Type: typ})
			return err
		},
		"Create": func() error {
			_, err := prov.Create(ctx, &pulumirpc.CreateRequest{Urn: u, Type: typ})
			return err
		},
		"Read": func() error {
			_, err := prov.Read(ctx, &pulumirpc.ReadRequest{Urn: u, Type: typ, Id: "4"})
			return err
		},
	}
	for name, call := range calls {
		if err := call(); err == nil || err.Error() != unknownTypeMsg {
			t.Errorf("%s error = %v, want %q", name, err, unknownTypeMsg)
		}
	}
}

func TestCheckFillsInUpstreamDefaults(t *testing.T) {
	stringDefaults := map[string]any{
		"length": 16, "lower": true, "upper": true, "special": true, "numeric": true, "number": true,
		"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
	}
	cases := []struct {
		name, typ  string
		news, want map[string]any
	}{
		{"password", tPassword, map[string]any{"length": 16}, stringDefaults},
		{"string", tString, map[string]any{"length": 16}, stringDefaults},
		{
			"explicit values are kept", tString,
			map[string]any{"length": 8, "special": false, "minUpper": 2, "overrideSpecial": "_", "keepers": map[string]any{"k": "v"}},
			map[string]any{
				"length": 8, "lower": true, "upper": true, "special": false, "numeric": true, "number": true,
				"minLower": 0, "minUpper": 2, "minNumeric": 0, "minSpecial": 0,
				"overrideSpecial": "_", "keepers": map[string]any{"k": "v"},
			},
		},
		{
			"numeric sets its deprecated alias number", tPassword,
			map[string]any{"length": 8, "numeric": false},
			map[string]any{
				"length": 8, "lower": true, "upper": true, "special": true, "numeric": false, "number": false,
				"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
			},
		},
		{
			"number alone sets numeric", tString,
			map[string]any{"length": 8, "number": false},
			map[string]any{
				"length": 8, "lower": true, "upper": true, "special": true, "numeric": false, "number": false,
				"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
			},
		},
		{"id has no defaults", tID, map[string]any{"byteLength": 8}, map[string]any{"byteLength": 8}},
		{
			"engine-internal keys are dropped without a failure", tID,
			map[string]any{"byteLength": 4, "__defaults": []any{}},
			map[string]any{"byteLength": 4},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, failures := check(t, c.typ, pm(c.news))
			if len(failures) > 0 {
				t.Fatalf("failures: %v", failures)
			}
			if want := pm(c.want); !got.DeepEquals(want) {
				t.Errorf("inputs\n got %v\nwant %v", got.Mappable(), want.Mappable())
			}
		})
	}
}

func TestCheckReportsInvalidInputs(t *testing.T) {
	cases := []struct {
		name, typ string
		news      map[string]any
		want      []string
	}{
		{"missing length", tPassword, map[string]any{}, []string{`length: missing required property "length"`}},
		{"zero length", tString, map[string]any{"length": 0}, []string{"length: length must be at least 1, got 0"}},
		{"fractional length", tString, map[string]any{"length": 1.5}, []string{"length: length must be an integer"}},
		{"string length", tString, map[string]any{"length": "8"}, []string{"length: length must be an integer"}},
		{"negative min", tPassword, map[string]any{"length": 8, "minUpper": -1}, []string{"minUpper: minUpper must be at least 0, got -1"}},
		{"non-boolean flag", tPassword, map[string]any{"length": 8, "special": "no"}, []string{"special: special must be a boolean"}},
		{"non-string overrideSpecial", tString, map[string]any{"length": 8, "overrideSpecial": 5}, []string{"overrideSpecial: overrideSpecial must be a string"}},
		{"keepers not a map", tString, map[string]any{"length": 8, "keepers": "v1"}, []string{"keepers: keepers must be a map of strings"}},
		{"unknown property", tString, map[string]any{"length": 8, "lenght": 9}, []string{`lenght: unknown property "lenght" for random:index/randomString:RandomString`}},
		{
			"min counts above length", tPassword,
			map[string]any{"length": 4, "minUpper": 1, "minLower": 1, "minNumeric": 1, "minSpecial": 2},
			[]string{"length: length (4) must be >= minUpper + minLower + minNumeric + minSpecial (5)"},
		},
		{
			"no character class", tString,
			map[string]any{"length": 4, "lower": false, "upper": false, "numeric": false, "special": false},
			[]string{"length: at least one of lower, upper, numeric or special (with a non-empty overrideSpecial) must be enabled"},
		},
		{
			"only special with an empty overrideSpecial", tString,
			map[string]any{"length": 4, "lower": false, "upper": false, "numeric": false, "overrideSpecial": ""},
			[]string{"length: at least one of lower, upper, numeric or special (with a non-empty overrideSpecial) must be enabled"},
		},
		{"id missing byteLength", tID, map[string]any{"prefix": "p-"}, []string{`byteLength: missing required property "byteLength"`}},
		{"id zero byteLength", tID, map[string]any{"byteLength": 0}, []string{"byteLength: byteLength must be at least 1, got 0"}},
		{"id non-string prefix", tID, map[string]any{"byteLength": 4, "prefix": true}, []string{"prefix: prefix must be a string"}},
		{"id rejects string-only property", tID, map[string]any{"byteLength": 4, "length": 4}, []string{`length: unknown property "length" for random:index/randomId:RandomId`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, failures := check(t, c.typ, pm(c.news))
			if !reflect.DeepEqual(failures, c.want) {
				t.Errorf("failures\n got %q\nwant %q", failures, c.want)
			}
		})
	}
}

func TestCheckDefersValidationOfUnknownInputs(t *testing.T) {
	// During preview length may come from another resource's output.
	news := resource.PropertyMap{"length": resource.MakeComputed(resource.NewStringProperty(""))}
	got, failures := check(t, tPassword, news)
	if len(failures) > 0 {
		t.Fatalf("failures: %v", failures)
	}
	if !got["length"].IsComputed() {
		t.Errorf("length = %v, want it still unknown", got["length"])
	}
	if !got["special"].IsBool() || !got["special"].BoolValue() {
		t.Errorf("special = %v, want the default true", got["special"])
	}
}

func countIn(s, set string) int {
	n := 0
	for _, r := range s {
		if strings.ContainsRune(set, r) {
			n++
		}
	}
	return n
}

func TestCreateGeneratesStringsFromTheEnabledClasses(t *testing.T) {
	all := lowerChars + upperChars + numericChars + specialChars
	cases := []struct {
		name    string
		news    map[string]any
		allowed string
		min     map[string]int // character set -> at least that many
	}{
		{"defaults", map[string]any{"length": 32}, all, nil},
		{"special off", map[string]any{"length": 32, "special": false}, lowerChars + upperChars + numericChars, nil},
		{"upper off", map[string]any{"length": 32, "upper": false}, lowerChars + numericChars + specialChars, nil},
		{"lower off", map[string]any{"length": 32, "lower": false}, upperChars + numericChars + specialChars, nil},
		{"numeric off", map[string]any{"length": 32, "numeric": false}, lowerChars + upperChars + specialChars, nil},
		{"deprecated number off", map[string]any{"length": 32, "number": false}, lowerChars + upperChars + specialChars, nil},
		{"digits only", map[string]any{"length": 20, "lower": false, "upper": false, "special": false}, numericChars, nil},
		{"overrideSpecial replaces the specials", map[string]any{"length": 32, "overrideSpecial": "_~"}, lowerChars + upperChars + numericChars + "_~", nil},
		{
			"min counts", map[string]any{"length": 12, "minUpper": 3, "minLower": 2, "minNumeric": 4, "minSpecial": 3}, all,
			map[string]int{upperChars: 3, lowerChars: 2, numericChars: 4, specialChars: 3},
		},
		{
			"min specials come from overrideSpecial", map[string]any{"length": 6, "minSpecial": 4, "overrideSpecial": "^"},
			lowerChars + upperChars + numericChars + "^", map[string]int{"^": 4},
		},
		{
			"min count of a disabled class is ignored", map[string]any{"length": 10, "upper": false, "minUpper": 5},
			lowerChars + numericChars + specialChars, nil,
		},
	}
	// Several draws, so that a class that should be excluded has a chance to
	// show up; fewer for passwords, where each draw costs a bcrypt hash.
	for typ, draws := range map[string]int{tString: 20, tPassword: 3} {
		for _, c := range cases {
			t.Run(typ[strings.LastIndex(typ, ":")+1:]+"/"+c.name, func(t *testing.T) {
				for range draws {
					_, state := create(t, typ, c.news)
					got := str(t, state, "result")
					if want := c.news["length"].(int); len(got) != want {
						t.Fatalf("result %q has length %d, want %d", got, len(got), want)
					}
					if n := countIn(got, c.allowed); n != len(got) {
						t.Fatalf("result %q has characters outside %q", got, c.allowed)
					}
					for set, minimum := range c.min {
						if n := countIn(got, set); n < minimum {
							t.Fatalf("result %q has %d characters of %q, want at least %d", got, n, set, minimum)
						}
					}
				}
			})
		}
	}
}

func TestCreateDrawsFromEveryEnabledClass(t *testing.T) {
	// With 256 characters drawn from 83, missing a whole class has a
	// probability below 1e-30: a class that is never used is a bug.
	_, state := create(t, tString, map[string]any{"length": 256})
	got := str(t, state, "result")
	for _, set := range []string{lowerChars, upperChars, numericChars, specialChars} {
		if countIn(got, set) == 0 {
			t.Errorf("result %q has no character of %q", got, set)
		}
	}
}

func TestCreateShufflesTheMinimumCharacters(t *testing.T) {
	// The minimum characters are drawn first; unshuffled, every result would
	// start with them. A shuffled one does so with a probability of about
	// 0.0035, so three in a row (4e-8) means no shuffle.
	news := map[string]any{"length": 16, "minNumeric": 8, "upper": false, "special": false}
	for range 3 {
		_, state := create(t, tString, news)
		if got := str(t, state, "result"); countIn(got[:8], numericChars) != 8 {
			return
		}
	}
	t.Errorf("three results in a row start with their 8 minimum digits: not shuffled")
}

func TestCreateWithASingleCharacterGivesExactValues(t *testing.T) {
	cases := []struct {
		typ  string
		news map[string]any
		want string
	}{
		{tString, map[string]any{"length": 6, "lower": false, "upper": false, "numeric": false, "overrideSpecial": "*"}, "******"},
		// The minimum count is honoured even when the rest of the set is larger.
		{tPassword, map[string]any{"length": 5, "minSpecial": 5, "overrideSpecial": "%"}, "%%%%%"},
	}
	for _, c := range cases {
		_, state := create(t, c.typ, c.news)
		if got := str(t, state, "result"); got != c.want {
			t.Errorf("%s %v: result %q, want %q", c.typ, c.news, got, c.want)
		}
	}
}

func TestCreateFailsWhenAMinimumHasNoCharacters(t *testing.T) {
	ins, failures := check(t, tString, pm(map[string]any{"length": 4, "minSpecial": 1, "overrideSpecial": ""}))
	if len(failures) > 0 {
		t.Fatalf("failures: %v", failures)
	}
	_, err := prov.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: urnOf(tString), Type: tString, Properties: toStruct(t, ins),
	})
	const want = "minSpecial is set but its character set is empty"
	if err == nil || err.Error() != want {
		t.Fatalf("Create error = %v, want %q", err, want)
	}
}

func TestCreatePasswordResultAndHashAreSecretAndMatch(t *testing.T) {
	id, state := create(t, tPassword, map[string]any{"length": 24})
	if id != "none" {
		t.Errorf("id = %q, want %q (upstream never exposes the password as id)", id, "none")
	}
	for _, k := range []resource.PropertyKey{"result", "bcryptHash"} {
		if !state[k].IsSecret() {
			t.Errorf("%s = %v, want a secret", k, state[k])
		}
	}
	if state["length"].IsSecret() {
		t.Errorf("length became secret: %v", state["length"])
	}
	result, hash := str(t, state, "result"), str(t, state, "bcryptHash")
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(result)); err != nil {
		t.Errorf("bcryptHash does not verify against result: %v", err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(result+"x")); err == nil {
		t.Errorf("bcryptHash also verifies against another password")
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost != bcrypt.DefaultCost {
		t.Errorf("bcrypt cost = %d, %v; want %d", cost, err, bcrypt.DefaultCost)
	}
}

func TestCreatePasswordLongerThanBcryptLimitHashesFirst72Bytes(t *testing.T) {
	_, state := create(t, tPassword, map[string]any{"length": 100})
	result, hash := str(t, state, "result"), str(t, state, "bcryptHash")
	if len(result) != 100 {
		t.Fatalf("result length %d, want 100", len(result))
	}
	if err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(result[:72])); err != nil {
		t.Errorf("bcryptHash does not verify against the first 72 bytes of result: %v", err)
	}
}

func TestCreateStringResultIsPlainAndIsTheID(t *testing.T) {
	id, state := create(t, tString, map[string]any{"length": 10})
	if state["result"].IsSecret() {
		t.Errorf("RandomString result is secret, upstream leaves it plain")
	}
	if _, ok := state["bcryptHash"]; ok {
		t.Errorf("RandomString has a bcryptHash: %v", state["bcryptHash"])
	}
	if got := str(t, state, "result"); id != got {
		t.Errorf("id = %q, want the result %q", id, got)
	}
}

func TestCreateIDEncodingsAgreeWithByteLength(t *testing.T) {
	for _, prefix := range []string{"", "srv-"} {
		for _, n := range []int{1, 2, 3, 8, 16, 33} {
			news := map[string]any{"byteLength": n}
			if prefix != "" {
				news["prefix"] = prefix
			}
			id, state := create(t, tID, news)
			for _, k := range []string{"hex", "b64Std", "b64Url", "dec"} {
				if state[resource.PropertyKey(k)].IsSecret() {
					t.Errorf("%s is secret, upstream leaves it plain", k)
				}
				if v := str(t, state, k); !strings.HasPrefix(v, prefix) {
					t.Errorf("%s = %q lacks prefix %q", k, v, prefix)
				}
			}
			raw, err := hex.DecodeString(strings.TrimPrefix(str(t, state, "hex"), prefix))
			if err != nil || len(raw) != n {
				t.Fatalf("hex %q: %d bytes, %v; want %d bytes", str(t, state, "hex"), len(raw), err, n)
			}
			std, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(str(t, state, "b64Std"), prefix))
			if err != nil || !reflect.DeepEqual(std, raw) {
				t.Errorf("b64Std %q decodes to %x (%v), want %x", str(t, state, "b64Std"), std, err, raw)
			}
			url, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(str(t, state, "b64Url"), prefix))
			if err != nil || !reflect.DeepEqual(url, raw) {
				t.Errorf("b64Url %q decodes to %x (%v), want %x", str(t, state, "b64Url"), url, err, raw)
			}
			if want := prefix + new(big.Int).SetBytes(raw).String(); str(t, state, "dec") != want {
				t.Errorf("dec = %q, want %q", str(t, state, "dec"), want)
			}
			if want := base64.RawURLEncoding.EncodeToString(raw); id != want {
				t.Errorf("id = %q, want the unprefixed b64Url %q", id, want)
			}
		}
	}
}

func TestIDOutputsOfFixedBytes(t *testing.T) {
	// 0xfb 0xff is where standard and URL base64 differ (+/ vs -_) and padding shows.
	state := resource.PropertyMap{"prefix": resource.NewStringProperty("p-")}
	id := idOutputs(state, []byte{0xfb, 0xff})
	want := map[string]string{"b64Url": "p--_8", "b64Std": "p-+/8=", "hex": "p-fbff", "dec": "p-64511"}
	for k, v := range want {
		if got := str(t, state, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if id != "-_8" {
		t.Errorf("id = %q, want %q", id, "-_8")
	}
}

func TestCreatePreviewLeavesGeneratedOutputsUnknown(t *testing.T) {
	cases := []struct {
		typ      string
		news     map[string]any
		computed []resource.PropertyKey
	}{
		{tPassword, map[string]any{"length": 8}, []resource.PropertyKey{"result", "bcryptHash"}},
		{tString, map[string]any{"length": 8}, []resource.PropertyKey{"result"}},
		{tID, map[string]any{"byteLength": 8}, []resource.PropertyKey{"b64Std", "b64Url", "dec", "hex"}},
	}
	for _, c := range cases {
		ins, _ := check(t, c.typ, pm(c.news))
		resp, err := prov.Create(context.Background(), &pulumirpc.CreateRequest{
			Urn: urnOf(c.typ), Type: c.typ, Properties: toStruct(t, ins), Preview: true,
		})
		if err != nil {
			t.Fatalf("preview Create(%s): %v", c.typ, err)
		}
		if resp.GetId() != "" {
			t.Errorf("%s: preview id = %q, want none", c.typ, resp.GetId())
		}
		state := fromStruct(t, resp.GetProperties())
		for _, k := range c.computed {
			if !state[k].IsComputed() {
				t.Errorf("%s: preview %s = %v, want unknown", c.typ, k, state[k])
			}
		}
	}
}

func TestDiffReplacesOnAnyInputChange(t *testing.T) {
	base := map[string]any{"length": 16, "keepers": map[string]any{"image": "v1"}}
	with := func(changes map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range changes {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	cases := []struct {
		name       string
		typ        string
		olds, news resource.PropertyMap
		replaces   []string
		kinds      map[string]pulumirpc.PropertyDiff_Kind
	}{
		{name: "no change", typ: tString, olds: pm(base), news: pm(base)},
		{
			name: "length", typ: tString, olds: pm(base), news: pm(with(map[string]any{"length": 20})),
			replaces: []string{"length"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"length": pulumirpc.PropertyDiff_UPDATE_REPLACE},
		},
		{
			name: "keepers value", typ: tPassword, olds: pm(base), news: pm(with(map[string]any{"keepers": map[string]any{"image": "v2"}})),
			replaces: []string{"keepers"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"keepers": pulumirpc.PropertyDiff_UPDATE_REPLACE},
		},
		{
			name: "keepers added", typ: tPassword, olds: pm(with(map[string]any{"keepers": nil})), news: pm(base),
			replaces: []string{"keepers"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"keepers": pulumirpc.PropertyDiff_ADD_REPLACE},
		},
		{
			name: "keepers removed", typ: tPassword, olds: pm(base), news: pm(with(map[string]any{"keepers": nil})),
			replaces: []string{"keepers"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"keepers": pulumirpc.PropertyDiff_DELETE_REPLACE},
		},
		{
			name: "unknown new value", typ: tString, olds: pm(base),
			news: resource.PropertyMap{
				"length":  resource.NewNumberProperty(16),
				"keepers": resource.MakeComputed(resource.NewStringProperty("")),
			},
			replaces: []string{"keepers"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"keepers": pulumirpc.PropertyDiff_UPDATE_REPLACE},
		},
		{
			name: "same value now secret", typ: tString, olds: pm(base),
			news: resource.PropertyMap{
				"length":  resource.NewNumberProperty(16),
				"keepers": resource.MakeSecret(resource.NewObjectProperty(pm(map[string]any{"image": "v1"}))),
			},
		},
		{
			name: "several inputs, sorted", typ: tString, olds: pm(base), news: pm(with(map[string]any{"upper": false, "length": 8})),
			replaces: []string{"length", "upper"},
			kinds: map[string]pulumirpc.PropertyDiff_Kind{
				"length": pulumirpc.PropertyDiff_UPDATE_REPLACE, "upper": pulumirpc.PropertyDiff_ADD_REPLACE,
			},
		},
		{
			name: "id prefix", typ: tID, olds: pm(map[string]any{"byteLength": 8}), news: pm(map[string]any{"byteLength": 8, "prefix": "x-"}),
			replaces: []string{"prefix"}, kinds: map[string]pulumirpc.PropertyDiff_Kind{"prefix": pulumirpc.PropertyDiff_ADD_REPLACE},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := prov.Diff(context.Background(), &pulumirpc.DiffRequest{
				Urn: urnOf(c.typ), Type: c.typ, Id: "x",
				OldInputs: toStruct(t, c.olds), News: toStruct(t, c.news),
			})
			if err != nil {
				t.Fatalf("Diff: %v", err)
			}
			assertDiff(t, resp, c.replaces, c.kinds)
		})
	}
}

func assertDiff(t *testing.T, resp *pulumirpc.DiffResponse, replaces []string, kinds map[string]pulumirpc.PropertyDiff_Kind) {
	t.Helper()
	if !resp.GetHasDetailedDiff() {
		t.Errorf("HasDetailedDiff = false")
	}
	if len(replaces) == 0 {
		if resp.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE || len(resp.GetReplaces()) > 0 || len(resp.GetDetailedDiff()) > 0 {
			t.Errorf("got changes %v, replaces %v, detailed %v; want no diff",
				resp.GetChanges(), resp.GetReplaces(), resp.GetDetailedDiff())
		}
		return
	}
	if resp.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME {
		t.Errorf("Changes = %v, want DIFF_SOME", resp.GetChanges())
	}
	if !reflect.DeepEqual(resp.GetReplaces(), replaces) || !reflect.DeepEqual(resp.GetDiffs(), replaces) {
		t.Errorf("Replaces %v, Diffs %v; want both %v", resp.GetReplaces(), resp.GetDiffs(), replaces)
	}
	if len(resp.GetDetailedDiff()) != len(kinds) {
		t.Errorf("DetailedDiff = %v, want keys of %v", resp.GetDetailedDiff(), kinds)
	}
	for k, kind := range kinds {
		d := resp.GetDetailedDiff()[k]
		if d.GetKind() != kind || !d.GetInputDiff() {
			t.Errorf("DetailedDiff[%s] = %v, want %v with InputDiff", k, d, kind)
		}
	}
}

func TestDiffWithoutOldInputsComparesOldStateInputsOnly(t *testing.T) {
	// Old state written by older engines has no separate inputs; the
	// generated outputs in it must not count as changes.
	ins, _ := check(t, tPassword, pm(map[string]any{"length": 16}))
	resp, err := prov.Create(context.Background(), &pulumirpc.CreateRequest{
		Urn: urnOf(tPassword), Type: tPassword, Properties: toStruct(t, ins),
	})
	if err != nil {
		t.Fatal(err)
	}
	diff := func(news resource.PropertyMap) *pulumirpc.DiffResponse {
		d, err := prov.Diff(context.Background(), &pulumirpc.DiffRequest{
			Urn: urnOf(tPassword), Type: tPassword, Id: resp.GetId(),
			Olds: resp.GetProperties(), News: toStruct(t, news),
		})
		if err != nil {
			t.Fatalf("Diff: %v", err)
		}
		return d
	}
	assertDiff(t, diff(ins), nil, nil)
	changed := ins.Copy()
	changed["special"] = resource.NewBoolProperty(false)
	assertDiff(t, diff(changed), []string{"special"},
		map[string]pulumirpc.PropertyDiff_Kind{"special": pulumirpc.PropertyDiff_UPDATE_REPLACE})
}

func TestReadReturnsRecordedStateUnchanged(t *testing.T) {
	for _, typ := range []string{tPassword, tString, tID} {
		news := map[string]any{"length": 12}
		if typ == tID {
			news = map[string]any{"byteLength": 6, "prefix": "a-"}
		}
		ins, _ := check(t, typ, pm(news))
		created, err := prov.Create(context.Background(), &pulumirpc.CreateRequest{
			Urn: urnOf(typ), Type: typ, Properties: toStruct(t, ins),
		})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := prov.Read(context.Background(), &pulumirpc.ReadRequest{
			Urn: urnOf(typ), Type: typ, Id: created.GetId(),
			Properties: created.GetProperties(), Inputs: toStruct(t, ins),
		})
		if err != nil {
			t.Fatalf("Read(%s): %v", typ, err)
		}
		if resp.GetId() != created.GetId() {
			t.Errorf("%s: Read id %q, want %q", typ, resp.GetId(), created.GetId())
		}
		if !proto.Equal(resp.GetProperties(), created.GetProperties()) {
			t.Errorf("%s: Read properties\n got %v\nwant %v", typ, resp.GetProperties(), created.GetProperties())
		}
		if !proto.Equal(resp.GetInputs(), toStruct(t, ins)) {
			t.Errorf("%s: Read inputs\n got %v\nwant %v", typ, resp.GetInputs(), toStruct(t, ins))
		}
	}
}

func TestReadWithoutStateImportsFromTheID(t *testing.T) {
	read := func(typ, id string) (*pulumirpc.ReadResponse, error) {
		return prov.Read(context.Background(), &pulumirpc.ReadRequest{Urn: urnOf(typ), Type: typ, Id: id})
	}
	stringInputs := map[string]any{
		"length": 7, "lower": true, "upper": true, "special": true, "numeric": true, "number": true,
		"minLower": 0, "minUpper": 0, "minNumeric": 0, "minSpecial": 0,
	}

	t.Run("password", func(t *testing.T) {
		resp, err := read(tPassword, "hunter2")
		if err != nil {
			t.Fatal(err)
		}
		if resp.GetId() != "none" {
			t.Errorf("id = %q, want none", resp.GetId())
		}
		if ins := fromStruct(t, resp.GetInputs()); !ins.DeepEquals(pm(stringInputs)) {
			t.Errorf("inputs %v, want %v", ins.Mappable(), stringInputs)
		}
		state := fromStruct(t, resp.GetProperties())
		if !state["result"].IsSecret() || !state["bcryptHash"].IsSecret() {
			t.Errorf("result %v, bcryptHash %v: want both secret", state["result"], state["bcryptHash"])
		}
		if got := str(t, state, "result"); got != "hunter2" {
			t.Errorf("result = %q, want hunter2", got)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(str(t, state, "bcryptHash")), []byte("hunter2")); err != nil {
			t.Errorf("bcryptHash does not verify: %v", err)
		}
	})

	t.Run("string", func(t *testing.T) {
		resp, err := read(tString, "abc-DEF")
		if err != nil {
			t.Fatal(err)
		}
		state := fromStruct(t, resp.GetProperties())
		want := pm(stringInputs)
		want["result"] = resource.NewStringProperty("abc-DEF")
		if resp.GetId() != "abc-DEF" || !state.DeepEquals(want) || state["result"].IsSecret() {
			t.Errorf("id %q, state %v; want id abc-DEF, state %v", resp.GetId(), state, want.Mappable())
		}
	})

	t.Run("id with prefix", func(t *testing.T) {
		resp, err := read(tID, "srv-,AQID")
		if err != nil {
			t.Fatal(err)
		}
		want := pm(map[string]any{
			"byteLength": 3, "prefix": "srv-",
			"hex": "srv-010203", "b64Std": "srv-AQID", "b64Url": "srv-AQID", "dec": "srv-66051",
		})
		if state := fromStruct(t, resp.GetProperties()); !state.DeepEquals(want) {
			t.Errorf("state %v, want %v", state.Mappable(), want.Mappable())
		}
		if ins := fromStruct(t, resp.GetInputs()); !ins.DeepEquals(pm(map[string]any{"byteLength": 3, "prefix": "srv-"})) {
			t.Errorf("inputs %v", ins.Mappable())
		}
		if resp.GetId() != "AQID" {
			t.Errorf("id = %q, want AQID", resp.GetId())
		}
	})

	t.Run("id that is not base64", func(t *testing.T) {
		_, err := read(tID, "no!")
		const want = `cannot import RandomId "no!": illegal base64 data at input byte 2`
		if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
			t.Errorf("error = %v, want InvalidArgument %q", err, want)
		}
	})
}

func TestUpdateIsRefusedBecauseEveryChangeReplaces(t *testing.T) {
	_, err := prov.Update(context.Background(), &pulumirpc.UpdateRequest{Type: tString})
	if status.Code(err) != codes.Internal {
		t.Errorf("Update error = %v, want code Internal", err)
	}
}

func TestPluginInfoAndConfigure(t *testing.T) {
	info, err := prov.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if err != nil || info.GetVersion() != "4.21.2" {
		t.Errorf("GetPluginInfo = %v, %v; want version 4.21.2 (the @pulumi/random version)", info, err)
	}
	conf, err := prov.Configure(context.Background(), &pulumirpc.ConfigureRequest{})
	if err != nil || !conf.GetAcceptSecrets() || !conf.GetSupportsPreview() {
		t.Errorf("Configure = %v, %v; want AcceptSecrets and SupportsPreview", conf, err)
	}
}

func TestGetSchemaMarksUpstreamSecrets(t *testing.T) {
	resp, err := prov.GetSchema(context.Background(), &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Name      string
		Resources map[string]struct {
			Properties     map[string]struct{ Secret bool }
			RequiredInputs []string
		}
	}
	if err := json.Unmarshal([]byte(resp.GetSchema()), &s); err != nil {
		t.Fatal(err)
	}
	if s.Name != "random" || len(s.Resources) != 3 {
		t.Fatalf("schema name %q with %d resources, want random with 3", s.Name, len(s.Resources))
	}
	secret := func(typ, prop string) bool { return s.Resources[typ].Properties[prop].Secret }
	if !secret(tPassword, "result") || !secret(tPassword, "bcryptHash") {
		t.Errorf("RandomPassword result/bcryptHash not marked secret")
	}
	if secret(tString, "result") || secret(tID, "hex") {
		t.Errorf("RandomString result or RandomId hex marked secret")
	}
	if got := s.Resources[tID].RequiredInputs; !reflect.DeepEqual(got, []string{"byteLength"}) {
		t.Errorf("RandomId requiredInputs = %v", got)
	}
}
