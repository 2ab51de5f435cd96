// Command luahealth runs an Argo CD resource health script with gopher-lua — the Lua
// VM Argo CD embeds — on one Kubernetes object (JSON on stdin) and prints the
// health it returns as JSON: {"status": "...", "message": "..."}.
//
// The sandbox matches what Argo CD gives a health script when
// resource.customizations.useOpenLibs is not set: only the base, table and package
// libraries; no string, io or os. A script that leans on anything else works
// here only if it would work in Argo CD too, which is the point of the test.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Argo CD's health states; anything else is a broken script.
var knownStatuses = map[string]bool{
	"Healthy": true, "Progressing": true, "Degraded": true,
	"Suspended": true, "Missing": true, "Unknown": true,
}

type health struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: luahealth <health.lua> < object.json")
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail("reading script: %v", err)
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	var object map[string]any
	if err := json.Unmarshal(input, &object); err != nil {
		fail("decoding object: %v", err)
	}
	result, err := run(string(script), object)
	if err != nil {
		fail("%v", err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fail("writing result: %v", err)
	}
}

func run(script string, object map[string]any) (health, error) {
	state := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer state.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
	} {
		state.Push(state.NewFunction(lib.open))
		state.Push(lua.LString(lib.name))
		state.Call(1, 0)
	}
	// Argo CD stops a health script after one second; so do we.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	state.SetContext(ctx)
	state.SetGlobal("obj", toLua(state, object))
	if err := state.DoString(script); err != nil {
		return health{}, fmt.Errorf("script failed: %w", err)
	}
	table, ok := state.Get(-1).(*lua.LTable)
	if !ok {
		return health{}, fmt.Errorf("script returned %s, not a table", state.Get(-1).Type())
	}
	result := health{
		Status:  lua.LVAsString(table.RawGetString("status")),
		Message: lua.LVAsString(table.RawGetString("message")),
	}
	if !knownStatuses[result.Status] {
		return health{}, fmt.Errorf("script returned unknown health status %q", result.Status)
	}
	return result, nil
}

// toLua converts decoded JSON into Lua values: objects and arrays become tables
// (arrays 1-based, as Lua's # and ipairs expect), numbers become Lua numbers.
func toLua(state *lua.LState, value any) lua.LValue {
	switch v := value.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []any:
		table := state.NewTable()
		for _, item := range v {
			table.Append(toLua(state, item))
		}
		return table
	case map[string]any:
		table := state.NewTable()
		keys := make([]string, 0, len(v))
		for key := range v {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		for _, key := range keys {
			table.RawSetString(key, toLua(state, v[key]))
		}
		return table
	default:
		return lua.LString(fmt.Sprint(v))
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "luahealth: "+format+"\n", args...)
	os.Exit(2)
}
