// Command pulumi-language-nodejs is a STAND-IN for Pulumi's Node.js language host.
//
// The real host (github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is a Go
// module that the module proxy reachable from our CI refuses to serve, so engine tests start
// programs and policy packs through this small host instead. It speaks the real
// LanguageRuntime gRPC protocol with the real CLI, and starts the real Node.js entry points of
// @pulumi/pulumi (`cmd/run` for programs, `cmd/run-policy-pack` for policy packs) with the
// arguments and environment those entry points read. What it leaves out: the resource-monitor
// proxy and sync pipes (the SDK then talks to the engine's monitor directly), debugger attach,
// Bun, code generation, and dependency installation (run `npm ci` yourself).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// Exit code with which @pulumi/pulumi's cmd/run says it has already shown the user an
// actionable message, so the engine should stop without adding its own.
const exitAfterActionableMessage = 32

func main() {
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	flag.String("tracing", "", "accepted for compatibility with the real host; ignored")
	flag.String("runtime", "nodejs", "accepted for compatibility with the real host; only nodejs is supported")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	host := &languageHost{cancelCtx: ctx, cancel: cancel}
	if args := flag.Args(); len(args) > 0 {
		host.engineAddress = args[0]
		if err := rpcutil.Healthcheck(ctx, host.engineAddress, 5*time.Minute, cancel); err != nil {
			fail(fmt.Errorf("engine health check: %w", err))
		}
	}

	stop := make(chan bool)
	go func() {
		<-ctx.Done()
		close(stop)
	}()
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fail(fmt.Errorf("could not start the language host's gRPC server: %w", err))
	}
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(fmt.Errorf("the language host's gRPC server stopped: %w", err))
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs (stand-in): %v\n", err)
	os.Exit(1)
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engineAddress string
	cancelCtx     context.Context
	cancel        context.CancelFunc
}

func (h *languageHost) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engineAddress = req.GetEngineAddress()
	if err := rpcutil.Healthcheck(h.cancelCtx, h.engineAddress, 5*time.Minute, h.cancel); err != nil {
		return nil, fmt.Errorf("engine health check: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// GetRequiredPackages lists the Pulumi resource packages installed beside the program: every
// node_modules/<name> and node_modules/@scope/<name> whose package.json says
// `"pulumi": {"resource": true}`. The engine then loads those providers (from PATH here).
func (h *languageHost) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	modules := filepath.Join(req.GetInfo().GetProgramDirectory(), "node_modules")
	manifests, _ := filepath.Glob(filepath.Join(modules, "*", "package.json"))
	scoped, _ := filepath.Glob(filepath.Join(modules, "@*", "*", "package.json"))
	var packages []*pulumirpc.PackageDependency
	for _, manifest := range append(manifests, scoped...) {
		var pkg struct {
			Name    string `json:"name"`
			Version string `json:"version"`
			Pulumi  struct {
				Resource bool   `json:"resource"`
				Name     string `json:"name"`
				Version  string `json:"version"`
			} `json:"pulumi"`
		}
		raw, err := os.ReadFile(manifest)
		if err != nil || json.Unmarshal(raw, &pkg) != nil || !pkg.Pulumi.Resource {
			continue
		}
		name := pkg.Pulumi.Name
		if name == "" {
			name = strings.TrimPrefix(pkg.Name, "@pulumi/")
		}
		pluginVersion := pkg.Pulumi.Version
		if pluginVersion == "" {
			pluginVersion = pkg.Version
		}
		packages = append(packages, &pulumirpc.PackageDependency{
			Name: name, Kind: "resource", Version: "v" + strings.TrimPrefix(pluginVersion, "v"),
		})
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

func (h *languageHost) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	raw, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &manifest); err != nil {
		return nil, fmt.Errorf("%s/package.json: %w", dir, err)
	}
	var deps []*pulumirpc.DependencyInfo
	for name := range manifest.Dependencies {
		var installed struct {
			Version string `json:"version"`
		}
		if raw, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json")); err == nil {
			_ = json.Unmarshal(raw, &installed)
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: installed.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *languageHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *languageHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	_ pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	return status.Errorf(codes.Unimplemented,
		"the stand-in Node.js language host does not install dependencies; run `npm ci` in %s",
		req.GetInfo().GetProgramDirectory())
}

// Run starts the program with @pulumi/pulumi's cmd/run, as the real host does.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	node, runPath, err := locate("@pulumi/pulumi/cmd/run", info.GetProgramDirectory())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, typescriptEnv(info)...)

	args := []string{runPath}
	flagArg := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagArg("monitor", req.GetMonitorAddress())
	flagArg("engine", h.engineAddress)
	flagArg("organization", req.GetOrganization())
	flagArg("project", req.GetProject())
	flagArg("root-directory", info.GetRootDirectory())
	flagArg("stack", req.GetStack())
	flagArg("pwd", info.GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flagArg("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, info.GetEntryPoint())
	args = append(args, req.GetArgs()...)

	runCtx, stop := context.WithCancel(h.cancelCtx)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd := exec.CommandContext(runCtx, node, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitAfterActionableMessage:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with node: %v", err)}, nil
	}
}

// RunPlugin starts a Node.js policy pack with @pulumi/pulumi's cmd/run-policy-pack from the
// pack's own folder, behind the SDK's policy proxy, which learns the stack's configuration
// from the engine before the pack starts (the pack reads it from its environment).
func (h *languageHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != "analyzer" {
		return status.Errorf(codes.Unimplemented,
			"the stand-in Node.js language host runs policy packs only, not %s plugins", req.GetKind())
	}
	ctx := server.Context()
	info := req.GetInfo()
	packDir := info.GetProgramDirectory()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	node, runPath, err := locate("@pulumi/pulumi/cmd/run-policy-pack", packDir)
	if err != nil {
		return err
	}
	proxy, stdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy pack proxy: %w", err)
	}
	stack, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get the stack's configuration for the policy pack: %w", err)
	}
	env := append(append([]string{}, req.GetEnv()...), typescriptEnv(info)...)
	if stack != nil {
		setEnv := func(key, value string) {
			if value != "" {
				env = append(env, key+"="+value)
			}
		}
		setEnv("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
		setEnv("PULUMI_NODEJS_PROJECT", stack.GetProject())
		setEnv("PULUMI_NODEJS_STACK", stack.GetStack())
		setEnv("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
		if config := stack.GetConfig(); config != nil {
			raw, err := json.Marshal(config)
			if err != nil {
				return err
			}
			setEnv("PULUMI_CONFIG", string(raw))
		}
	}

	args := append([]string{runPath}, req.GetArgs()...)
	cmd := exec.CommandContext(ctx, node, append(args, packDir)...)
	cmd.Dir = packDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the policy pack with node: %w", err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		return fmt.Errorf("could not attach to the policy pack: %w", err)
	}
	return closer.Close()
}

// typescriptEnv is what @pulumi/pulumi reads to load TypeScript sources with ts-node, from the
// project's `runtime.options` (typescript defaults to true, as in the real host).
func typescriptEnv(info *pulumirpc.ProgramInfo) []string {
	options := info.GetOptions().AsMap()
	var env []string
	if ts, ok := options["typescript"].(bool); !ok || ts {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if tsconfig, ok := options["tsconfig"].(string); ok && tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+tsconfig)
	}
	return env
}

// locate finds node on PATH and resolves module the way `require` does from dir, so the SDK
// that runs is the one installed beside the program (or the policy pack).
func locate(module, dir string) (node, path string, err error) {
	node, err = exec.LookPath("node")
	if err != nil {
		return "", "", fmt.Errorf("could not find node on PATH: %w", err)
	}
	cmd := exec.Command(node, "-e", "console.log(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("%s cannot be found from %s; run `npm ci` there", module, dir)
	}
	return node, strings.TrimSpace(string(out)), nil
}
