package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

var _ pulumirpc.LanguageRuntimeServer = (*host)(nil)

// newHost builds a host the way main does.
func newHost(t *testing.T) *host {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return &host{cancelCtx: ctx, cancel: cancel}
}

func TestParseOptions(t *testing.T) {
	cases := []struct {
		name    string
		opts    map[string]any
		want    nodeOptions
		wantErr string
	}{
		{name: "no options: typescript on", opts: nil, want: nodeOptions{typescript: true}},
		{name: "unrelated options ignored", opts: map[string]any{"packagemanager": "npm"}, want: nodeOptions{typescript: true}},
		{
			name: "all options",
			opts: map[string]any{"typescript": false, "tsconfig": "tsconfig.build.json", "nodeargs": "--no-warnings"},
			want: nodeOptions{typescript: false, tsconfig: "tsconfig.build.json", nodeargs: "--no-warnings"},
		},
		{name: "typescript as a string", opts: map[string]any{"typescript": "false"}, wantErr: "typescript option must be a boolean"},
		{name: "tsconfig as a number", opts: map[string]any{"tsconfig": 1.0}, wantErr: "tsconfig option must be a string"},
		{name: "nodeargs as a list", opts: map[string]any{"nodeargs": []any{"--inspect"}}, wantErr: "nodeargs option must be a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseOptions(c.opts)
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("parseOptions(%v) = %+v, %v; want %+v", c.opts, got, err, c.want)
			}
		})
	}
}

func TestPluginInfoReportsTheStampedVersion(t *testing.T) {
	old := version.Version
	t.Cleanup(func() { version.Version = old })
	version.Version = "v3.276.0"
	info, err := newHost(t).GetPluginInfo(context.Background(), &emptypb.Empty{})
	if err != nil || info.GetVersion() != "v3.276.0" {
		t.Fatalf("GetPluginInfo = %v, %v; want version v3.276.0", info, err)
	}
}

func TestHostReportsNoPluginsPackagesOrDependencies(t *testing.T) {
	// The engine loads provider plugins from PULUMI_HOME on first use; any
	// answer here would make it try to download them.
	h, ctx := newHost(t), context.Background()
	plugins, err := h.GetRequiredPlugins(ctx, &pulumirpc.GetRequiredPluginsRequest{})
	if err != nil || !proto.Equal(plugins, &pulumirpc.GetRequiredPluginsResponse{}) {
		t.Errorf("GetRequiredPlugins = %v, %v; want empty", plugins, err)
	}
	packages, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{})
	if err != nil || !proto.Equal(packages, &pulumirpc.GetRequiredPackagesResponse{}) {
		t.Errorf("GetRequiredPackages = %v, %v; want empty", packages, err)
	}
	deps, err := h.GetProgramDependencies(ctx, &pulumirpc.GetProgramDependenciesRequest{})
	if err != nil || !proto.Equal(deps, &pulumirpc.GetProgramDependenciesResponse{}) {
		t.Errorf("GetProgramDependencies = %v, %v; want empty", deps, err)
	}
}

func TestHandshakeRecordsTheEngineAddress(t *testing.T) {
	h := newHost(t)
	if _, err := h.Handshake(context.Background(), &pulumirpc.LanguageHandshakeRequest{EngineAddress: "127.0.0.1:4242"}); err != nil {
		t.Fatal(err)
	}
	if h.engineAddress != "127.0.0.1:4242" {
		t.Errorf("engineAddress = %q, want 127.0.0.1:4242", h.engineAddress)
	}
}

func TestCancelCancelsRunningPrograms(t *testing.T) {
	h := newHost(t)
	if _, err := h.Cancel(context.Background(), &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	if h.cancelCtx.Err() == nil {
		t.Errorf("Cancel left the host's context running")
	}
}

// streamRecorder stands in for the engine's end of a server stream.
type streamRecorder[M proto.Message] struct {
	grpc.ServerStream // nil: calling anything not overridden panics
	ctx               context.Context
	mu                sync.Mutex
	msgs              []M
}

func (s *streamRecorder[M]) Context() context.Context { return s.ctx }

// Send copies the message, as gRPC serialises it at once: the host reuses
// its write buffers after Send returns.
func (s *streamRecorder[M]) Send(m M) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, proto.Clone(m).(M))
	return nil
}

func TestInstallDependenciesOnlyExplainsItSkips(t *testing.T) {
	s := &streamRecorder[*pulumirpc.InstallDependenciesResponse]{ctx: context.Background()}
	if err := newHost(t).InstallDependencies(&pulumirpc.InstallDependenciesRequest{}, s); err != nil {
		t.Fatal(err)
	}
	const want = "pulumi-language-nodejs (classhub): skipping dependency installation\n"
	if len(s.msgs) != 1 || string(s.msgs[0].GetStdout()) != want || len(s.msgs[0].GetStderr()) != 0 {
		t.Errorf("sent %v, want one stdout message %q", s.msgs, want)
	}
}

func TestAboutReportsNodeFromPath(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "node")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho v99.1.2\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	resp, err := newHost(t).About(context.Background(), &pulumirpc.AboutRequest{})
	if err != nil || resp.GetExecutable() != fake || resp.GetVersion() != "99.1.2" {
		t.Errorf("About = %v, %v; want executable %s, version 99.1.2", resp, err, fake)
	}

	t.Setenv("PATH", t.TempDir())
	resp, err = newHost(t).About(context.Background(), &pulumirpc.AboutRequest{})
	if err != nil || resp.GetExecutable() != "node" || resp.GetVersion() != "" {
		t.Errorf("About without node = %v, %v; want executable node, no version", resp, err)
	}
}

// --- tests that start node --------------------------------------------------------

// fakeScript stands in for @pulumi/pulumi's cmd/run, cmd/run-plugin and
// cmd/run-policy-pack: it records how it was started in $FAKE_CAPTURE, can
// act as a policy pack (print $FAKE_PACK_PORT, wait for $FAKE_STOP), writes
// a line to stdout and stderr unless $FAKE_QUIET, and exits with $FAKE_EXIT.
const fakeScript = `const fs = require("fs");
const env = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith("PULUMI_")) env[k] = v;
fs.writeFileSync(process.env.FAKE_CAPTURE, JSON.stringify({
  script: __filename, argv: process.argv.slice(2), execArgv: process.execArgv, cwd: process.cwd(), env,
}));
if (process.env.FAKE_PACK_PORT) console.log(process.env.FAKE_PACK_PORT);
if (!process.env.FAKE_QUIET) {
  console.log("out from " + require("path").basename(__dirname));
  console.error("err from " + require("path").basename(__dirname));
}
const exit = () => process.exit(Number(process.env.FAKE_EXIT || 0));
if (process.env.FAKE_STOP) {
  const t = setInterval(() => { if (fs.existsSync(process.env.FAKE_STOP)) { clearInterval(t); exit(); } }, 20);
} else if (process.env.FAKE_HANG) {
  setInterval(() => {}, 1000);
} else {
  exit();
}
`

type capture struct {
	Script   string
	Argv     []string
	ExecArgv []string
	Cwd      string
	Env      map[string]string
}

func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH: resolveModule, Run and RunPlugin start node themselves")
	}
	return node
}

// fakeProject makes a project directory whose node_modules holds a fake
// @pulumi/pulumi with the three entry points, and returns its real path
// (node reports resolved paths with symlinks evaluated).
func fakeProject(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sdk := filepath.Join(dir, "node_modules", "@pulumi", "pulumi")
	for _, cmd := range []string{"run", "run-plugin", "run-policy-pack"} {
		if err := os.MkdirAll(filepath.Join(sdk, "cmd", cmd), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sdk, "cmd", cmd, "index.js"), []byte(fakeScript), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkg := `{"name": "@pulumi/pulumi", "version": "0.0.0-fake"}`
	if err := os.WriteFile(filepath.Join(sdk, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func entry(dir, cmd string) string {
	return filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", cmd, "index.js")
}

func readCapture(t *testing.T, path string) capture {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the fake script did not run: %v", err)
	}
	var c capture
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("capture %s: %v", b, err)
	}
	return c
}

func TestResolveModuleFindsTheProgramsOwnSDK(t *testing.T) {
	node := needNode(t)
	dir := fakeProject(t)
	// A program below the project resolves through the parent's node_modules, as node does.
	prog := filepath.Join(dir, "src", "prog")
	if err := os.MkdirAll(prog, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{dir, prog} {
		got, err := resolveModule(context.Background(), node, from, "@pulumi/pulumi/cmd/run-policy-pack")
		if err != nil || got != entry(dir, "run-policy-pack") {
			t.Errorf("resolveModule from %s = %q, %v; want %q", from, got, err, entry(dir, "run-policy-pack"))
		}
	}
}

func TestResolveModuleExplainsAMissingSDK(t *testing.T) {
	node := needNode(t)
	dir := t.TempDir()
	_, err := resolveModule(context.Background(), node, dir, "@pulumi/pulumi/cmd/run")
	want := "could not locate @pulumi/pulumi/cmd/run from " + dir +
		" (is @pulumi/pulumi installed? run npm ci): exit status 1"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
}

func TestResolveRunScriptHonoursRunPathOverride(t *testing.T) {
	node := needNode(t)
	dir := fakeProject(t)
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "")
	got, err := resolveRunScript(context.Background(), node, dir)
	if err != nil || got != entry(dir, "run") {
		t.Errorf("default: %q, %v; want %q", got, err, entry(dir, "run"))
	}
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "@pulumi/pulumi/cmd/run-plugin")
	got, err = resolveRunScript(context.Background(), node, dir)
	if err != nil || got != entry(dir, "run-plugin") {
		t.Errorf("override: %q, %v; want %q", got, err, entry(dir, "run-plugin"))
	}
}

// runEnv prepares the environment Run passes through to node: the capture
// file, and none of the variables the host itself is expected to set.
func runEnv(t *testing.T, extra ...string) string {
	t.Helper()
	for _, k := range []string{"PULUMI_NODEJS_TYPESCRIPT", "PULUMI_NODEJS_TSCONFIG_PATH", "PULUMI_CONFIG",
		"PULUMI_CONFIG_SECRET_KEYS", "PULUMI_LANGUAGE_NODEJS_RUN_PATH", "FAKE_EXIT", "FAKE_HANG"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		t.Setenv(extra[i], extra[i+1])
	}
	out := filepath.Join(t.TempDir(), "capture.json")
	t.Setenv("FAKE_CAPTURE", out)
	// Run writes the program's output to the host's own stdout, i.e. the test log.
	t.Setenv("FAKE_QUIET", "1")
	return out
}

func programInfo(t *testing.T, dir string, opts map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	s, err := structpb.NewStruct(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{RootDirectory: dir, ProgramDirectory: dir, EntryPoint: ".", Options: s}
}

func TestRunStartsTheSDKRunScriptWithUpstreamsArguments(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	out := runEnv(t)
	h := newHost(t)
	h.engineAddress, h.tracing = "127.0.0.1:2", "http://127.0.0.1:9411"
	resp, err := h.Run(context.Background(), &pulumirpc.RunRequest{
		Info:             programInfo(t, dir, map[string]any{"tsconfig": "tsconfig.ci.json", "nodeargs": `--no-warnings --title "fake prog"`}),
		MonitorAddress:   "127.0.0.1:1",
		Organization:     "org",
		Project:          "classhub",
		Stack:            "dev",
		DryRun:           true,
		Parallel:         4,
		Args:             []string{"extra"},
		Config:           map[string]string{"classhub:domain": "example.org", "kubernetes:config:context": "kind"},
		ConfigSecretKeys: []string{"classhub:domain"},
	})
	if err != nil || resp.GetError() != "" || resp.GetBail() {
		t.Fatalf("Run = %v, %v; want success", resp, err)
	}
	c := readCapture(t, out)
	if c.Script != entry(dir, "run") {
		t.Errorf("script %q, want %q", c.Script, entry(dir, "run"))
	}
	wantArgv := []string{
		"--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--organization", "org", "--project", "classhub",
		"--root-directory", dir, "--stack", "dev", "--pwd", dir, "--dry-run", "--parallel", "4",
		"--tracing", "http://127.0.0.1:9411", ".", "extra",
	}
	if !reflect.DeepEqual(c.Argv, wantArgv) {
		t.Errorf("argv\n got %q\nwant %q", c.Argv, wantArgv)
	}
	if want := []string{"--no-warnings", "--title", "fake prog"}; !reflect.DeepEqual(c.ExecArgv, want) {
		t.Errorf("node options %q, want %q", c.ExecArgv, want)
	}
	wantEnv := map[string]string{
		"PULUMI_CONFIG":               `{"classhub:config:domain":"example.org","kubernetes:config:context":"kind"}`,
		"PULUMI_CONFIG_SECRET_KEYS":   `["classhub:domain"]`,
		"PULUMI_NODEJS_TYPESCRIPT":    "true",
		"PULUMI_NODEJS_TSCONFIG_PATH": "tsconfig.ci.json",
	}
	for k, v := range wantEnv {
		if c.Env[k] != v {
			t.Errorf("%s = %q, want %q", k, c.Env[k], v)
		}
	}
}

func TestRunLeavesOutWhatIsNotSet(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	out := runEnv(t)
	resp, err := newHost(t).Run(context.Background(), &pulumirpc.RunRequest{
		Info:  programInfo(t, dir, map[string]any{"typescript": false}),
		Stack: "dev",
	})
	if err != nil || resp.GetError() != "" {
		t.Fatalf("Run = %v, %v", resp, err)
	}
	c := readCapture(t, out)
	// upstream always passes --parallel, even 0
	wantArgv := []string{"--root-directory", dir, "--stack", "dev", "--pwd", dir, "--parallel", "0", "."}
	if !reflect.DeepEqual(c.Argv, wantArgv) {
		t.Errorf("argv\n got %q\nwant %q", c.Argv, wantArgv)
	}
	if len(c.ExecArgv) != 0 {
		t.Errorf("node options %q, want none", c.ExecArgv)
	}
	if _, ok := c.Env["PULUMI_NODEJS_TYPESCRIPT"]; ok {
		t.Errorf("PULUMI_NODEJS_TYPESCRIPT set although typescript is false")
	}
	if _, ok := c.Env["PULUMI_NODEJS_TSCONFIG_PATH"]; ok {
		t.Errorf("PULUMI_NODEJS_TSCONFIG_PATH set without tsconfig")
	}
	if c.Env["PULUMI_CONFIG"] != "{}" || c.Env["PULUMI_CONFIG_SECRET_KEYS"] != "[]" {
		t.Errorf("PULUMI_CONFIG %q, PULUMI_CONFIG_SECRET_KEYS %q; want {} and []",
			c.Env["PULUMI_CONFIG"], c.Env["PULUMI_CONFIG_SECRET_KEYS"])
	}
}

func TestRunMapsExitCodes(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	cases := []struct {
		exit string
		want *pulumirpc.RunResponse
	}{
		{"0", &pulumirpc.RunResponse{}},
		// 32: the program already printed an actionable message.
		{"32", &pulumirpc.RunResponse{Bail: true}},
		{"3", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 3"}},
	}
	for _, c := range cases {
		runEnv(t, "FAKE_EXIT", c.exit)
		resp, err := newHost(t).Run(context.Background(), &pulumirpc.RunRequest{Info: programInfo(t, dir, nil)})
		if err != nil || !proto.Equal(resp, c.want) {
			t.Errorf("exit %s: Run = %v, %v; want %v", c.exit, resp, err, c.want)
		}
	}
}

func TestRunReportsSetupProblemsAsErrors(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	empty := t.TempDir()
	cases := []struct {
		name string
		req  *pulumirpc.RunRequest
		path string // PATH override
		want string
	}{
		{
			name: "bad option",
			req:  &pulumirpc.RunRequest{Info: programInfo(t, dir, map[string]any{"typescript": "yes"})},
			want: "typescript option must be a boolean",
		},
		{
			name: "bad config key",
			req:  &pulumirpc.RunRequest{Info: programInfo(t, dir, nil), Config: map[string]string{"domain": "x"}},
			want: "could not parse domain as a configuration key (configuration keys should be of the form `<namespace>:<name>`)",
		},
		{
			name: "unbalanced quote in nodeargs",
			req:  &pulumirpc.RunRequest{Info: programInfo(t, dir, map[string]any{"nodeargs": `--title "x`})},
			want: "EOF found when expecting closing quote",
		},
		{
			name: "no SDK installed",
			req:  &pulumirpc.RunRequest{Info: programInfo(t, empty, nil)},
			want: "could not locate @pulumi/pulumi/cmd/run from " + empty + " (is @pulumi/pulumi installed? run npm ci): exit status 1",
		},
		{
			name: "no node",
			req:  &pulumirpc.RunRequest{Info: programInfo(t, dir, nil)},
			path: t.TempDir(),
			want: `could not find node on the $PATH: exec: "node": executable file not found in $PATH`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := runEnv(t)
			if c.path != "" {
				t.Setenv("PATH", c.path)
			}
			resp, err := newHost(t).Run(context.Background(), c.req)
			if err != nil || resp.GetError() != c.want {
				t.Errorf("Run = %v, %v; want error %q", resp, err, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("the program ran although Run reported an error")
			}
		})
	}

	_, err := newHost(t).Run(context.Background(), &pulumirpc.RunRequest{})
	if status.Code(err) != codes.InvalidArgument {
		t.Errorf("Run without program info: %v, want InvalidArgument", err)
	}
}

func TestCancelStopsARunningProgram(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	out := runEnv(t, "FAKE_HANG", "1")
	h, req := newHost(t), &pulumirpc.RunRequest{Info: programInfo(t, dir, nil)}
	done := make(chan *pulumirpc.RunResponse, 1)
	go func() {
		resp, err := h.Run(context.Background(), req)
		if err != nil {
			resp = &pulumirpc.RunResponse{Error: "grpc error: " + err.Error()}
		}
		done <- resp
	}()
	waitFor(t, func() bool { _, err := os.Stat(out); return err == nil })
	if _, err := h.Cancel(context.Background(), &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	select {
	case resp := <-done:
		// node dies of the SIGINT, hence no exit code
		if want := "Program exited with non-zero exit code: -1"; resp.GetError() != want {
			t.Errorf("Run after Cancel = %v, want error %q", resp, want)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run still running 15s after Cancel")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// pluginStream records what RunPlugin sends the engine.
type pluginStream struct {
	streamRecorder[*pulumirpc.RunPluginResponse]
}

func (s *pluginStream) output() (stdout, stderr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var o, e bytes.Buffer
	for _, m := range s.msgs {
		o.Write(m.GetStdout())
		e.Write(m.GetStderr())
	}
	return o.String(), e.String()
}

func TestRunPluginStartsAPluginWithOnlyTheGivenEnvironment(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	pwd := t.TempDir()
	out := filepath.Join(t.TempDir(), "capture.json")
	t.Setenv("PULUMI_HOST_ONLY", "1") // must not reach the plugin
	s := &pluginStream{streamRecorder[*pulumirpc.RunPluginResponse]{ctx: context.Background()}}
	err := newHost(t).RunPlugin(&pulumirpc.RunPluginRequest{
		Info: programInfo(t, dir, map[string]any{"nodeargs": "--no-warnings"}),
		Pwd:  pwd, Args: []string{"a1", "a2"}, Kind: "resource",
		Env: []string{"FAKE_CAPTURE=" + out, "PULUMI_X=1"},
	}, s)
	if err != nil {
		t.Fatal(err)
	}
	c := readCapture(t, out)
	if c.Script != entry(dir, "run-plugin") || c.Cwd != pwd {
		t.Errorf("ran %q in %q, want %q in %q", c.Script, c.Cwd, entry(dir, "run-plugin"), pwd)
	}
	// Other plugins take the program directory first.
	if want := []string{dir, "a1", "a2"}; !reflect.DeepEqual(c.Argv, want) {
		t.Errorf("argv %q, want %q", c.Argv, want)
	}
	if !reflect.DeepEqual(c.ExecArgv, []string{"--no-warnings"}) {
		t.Errorf("node options %q, want [--no-warnings]", c.ExecArgv)
	}
	wantEnv := map[string]string{"PULUMI_X": "1", "PULUMI_NODEJS_TYPESCRIPT": "true"}
	if !reflect.DeepEqual(c.Env, wantEnv) {
		t.Errorf("PULUMI_* env %v, want exactly %v", c.Env, wantEnv)
	}
	stdout, stderr := s.output()
	if stdout != "out from run-plugin\n" || stderr != "err from run-plugin\n" {
		t.Errorf("streamed stdout %q, stderr %q", stdout, stderr)
	}
}

func TestRunPluginReportsPluginFailures(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	out := filepath.Join(t.TempDir(), "capture.json")
	run := func(req *pulumirpc.RunPluginRequest) error {
		return newHost(t).RunPlugin(req, &pluginStream{streamRecorder[*pulumirpc.RunPluginResponse]{ctx: context.Background()}})
	}
	err := run(&pulumirpc.RunPluginRequest{
		Info: programInfo(t, dir, nil), Kind: "resource", Env: []string{"FAKE_CAPTURE=" + out, "FAKE_EXIT=7"},
	})
	if want := "Program exited with non-zero exit code: 7"; err == nil || err.Error() != want {
		t.Errorf("exit 7: %v, want %q", err, want)
	}
	empty := t.TempDir()
	err = run(&pulumirpc.RunPluginRequest{Info: programInfo(t, empty, nil), Kind: analyzerPluginKind})
	want := "could not locate @pulumi/pulumi/cmd/run-policy-pack from " + empty +
		" (is @pulumi/pulumi installed? run npm ci): exit status 1" +
		" (install the policy pack's dependencies: npm ci in its directory)"
	if err == nil || err.Error() != want {
		t.Errorf("policy pack without node_modules: %v, want %q", err, want)
	}
	err = run(&pulumirpc.RunPluginRequest{Info: programInfo(t, dir, map[string]any{"tsconfig": false}), Kind: "resource"})
	if want := "tsconfig option must be a string"; err == nil || err.Error() != want {
		t.Errorf("bad option: %v, want %q", err, want)
	}
	if err := run(&pulumirpc.RunPluginRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("no program info: %v, want InvalidArgument", err)
	}
}

// fakePack is the policy pack's analyzer server; the fake pack script only
// prints its port.
type fakePack struct {
	pulumirpc.UnimplementedAnalyzerServer
	mu         sync.Mutex
	configured *pulumirpc.AnalyzerStackConfigureRequest
}

func (f *fakePack) ConfigureStack(_ context.Context, req *pulumirpc.AnalyzerStackConfigureRequest,
) (*pulumirpc.AnalyzerStackConfigureResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.configured = req
	return &pulumirpc.AnalyzerStackConfigureResponse{}, nil
}

func (f *fakePack) GetAnalyzerInfo(context.Context, *emptypb.Empty) (*pulumirpc.AnalyzerInfo, error) {
	return &pulumirpc.AnalyzerInfo{Name: "fake-pack"}, nil
}

func TestRunPluginRunsPolicyPackBehindProxyWithStackConfiguration(t *testing.T) {
	needNode(t)
	dir := fakeProject(t)
	tmp := t.TempDir()
	out, stop := filepath.Join(tmp, "capture.json"), filepath.Join(tmp, "stop")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pack, srv := &fakePack{}, grpc.NewServer()
	pulumirpc.RegisterAnalyzerServer(srv, pack)
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()

	h, s := newHost(t), &pluginStream{streamRecorder[*pulumirpc.RunPluginResponse]{ctx: ctx}}
	req := &pulumirpc.RunPluginRequest{
		Info: programInfo(t, dir, nil), Kind: analyzerPluginKind, Args: []string{"127.0.0.1:5"}, Pwd: tmp,
		Env: []string{
			"FAKE_CAPTURE=" + out, "FAKE_STOP=" + stop,
			"FAKE_PACK_PORT=" + strconv.Itoa(lis.Addr().(*net.TCPAddr).Port),
		},
	}
	done := make(chan error, 1)
	go func() { done <- h.RunPlugin(req, s) }()

	// The engine reads the proxy's port from the plugin's first stdout line.
	var proxyPort int
	waitFor(t, func() bool {
		select {
		case err := <-done:
			t.Fatalf("RunPlugin returned before the engine configured the stack: %v", err)
		default:
		}
		stdout, _ := s.output()
		line, _, ok := strings.Cut(stdout, "\n")
		if ok {
			proxyPort, err = strconv.Atoi(line)
		}
		return ok
	})
	if err != nil {
		t.Fatalf("first stdout line is not a port: %v", err)
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", proxyPort), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	proxy := pulumirpc.NewAnalyzerClient(conn)
	stackCfg := &pulumirpc.AnalyzerStackConfigureRequest{
		Organization: "org", Project: "classhub", Stack: "dev", DryRun: true,
		Config: map[string]string{"classhub:domain": "example.org"},
	}
	if _, err := proxy.ConfigureStack(ctx, stackCfg); err != nil {
		t.Fatalf("ConfigureStack through the proxy: %v", err)
	}
	info, err := proxy.GetAnalyzerInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetName() != "fake-pack" {
		t.Fatalf("GetAnalyzerInfo through the proxy = %v, %v; want the pack's answer", info, err)
	}
	if err := os.WriteFile(stop, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("RunPlugin: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("RunPlugin did not return after the pack exited")
	}

	c := readCapture(t, out)
	if c.Script != entry(dir, "run-policy-pack") || c.Cwd != dir {
		t.Errorf("ran %q in %q, want %q in the pack's directory %q", c.Script, c.Cwd, entry(dir, "run-policy-pack"), dir)
	}
	// run-policy-pack's usage is `<engine-address> <program>`.
	if want := []string{"127.0.0.1:5", dir}; !reflect.DeepEqual(c.Argv, want) {
		t.Errorf("argv %q, want %q", c.Argv, want)
	}
	wantEnv := map[string]string{
		"PULUMI_NODEJS_ORGANIZATION": "org", "PULUMI_NODEJS_PROJECT": "classhub", "PULUMI_NODEJS_STACK": "dev",
		"PULUMI_NODEJS_DRY_RUN": "true", "PULUMI_CONFIG": `{"classhub:domain":"example.org"}`,
		"PULUMI_NODEJS_TYPESCRIPT": "true",
	}
	if !reflect.DeepEqual(c.Env, wantEnv) {
		t.Errorf("PULUMI_* env\n got %v\nwant %v", c.Env, wantEnv)
	}
	pack.mu.Lock()
	forwarded := pack.configured
	pack.mu.Unlock()
	if !proto.Equal(forwarded, stackCfg) {
		t.Errorf("pack got stack configuration %v, want %v", forwarded, stackCfg)
	}
	stdout, stderr := s.output()
	// The SDK's PolicyProxy may add this line when the pack exits (it closes
	// its pipe before its copy loop sees EOF); it is not the host's output.
	stdout = strings.TrimSuffix(stdout, "error copying stdout: io: read/write on closed pipe\n")
	if want := fmt.Sprintf("%d\nout from run-policy-pack\n", proxyPort); stdout != want {
		t.Errorf("streamed stdout %q, want %q (the pack's port line stays with the proxy)", stdout, want)
	}
	if stderr != "err from run-policy-pack\n" {
		t.Errorf("streamed stderr %q", stderr)
	}
}
