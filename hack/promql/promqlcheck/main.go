// Command promqlcheck runs Prometheus's own PromQL parser and engine for the tests:
//
//	promqlcheck names < ["expr", ...]
//	  parses each expression and prints [{expr, metrics, error}], the metric names each selects;
//	promqlcheck eval < {"expr": "...", "atMs": T, "scrapes": [{"atMs": t, "labels": {...}, "text": "..."}]}
//	  loads each scrape (Prometheus text format, target labels added as a scrape would) into a
//	  throw-away TSDB and prints the instant vector the expression gives at T.
//
// The verdict is the real parser's and engine's, not a re-implementation's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"sort"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/tsdb"
)

type parsed struct {
	Expr    string   `json:"expr"`
	Metrics []string `json:"metrics"`
	Error   string   `json:"error,omitempty"`
}

type scrape struct {
	AtMs   int64             `json:"atMs"`
	Labels map[string]string `json:"labels"`
	Text   string            `json:"text"`
}

type evalRequest struct {
	Expr    string   `json:"expr"`
	AtMs    int64    `json:"atMs"`
	Scrapes []scrape `json:"scrapes"`
}

// sample's Value is null for NaN and ±Inf, which JSON cannot carry (a quantile of a histogram
// with no observations in the window is NaN, as Prometheus answers it).
type sample struct {
	Metric map[string]string `json:"metric"`
	Value  *float64          `json:"value"`
}

func finite(value float64) *float64 {
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return nil
	}
	return &value
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: promqlcheck names|eval < input.json")
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	switch os.Args[1] {
	case "names":
		var exprs []string
		if err := json.Unmarshal(input, &exprs); err != nil {
			fail("stdin must be a JSON array of strings: %v", err)
		}
		write(names(exprs))
	case "eval":
		var request evalRequest
		if err := json.Unmarshal(input, &request); err != nil {
			fail("stdin must be a JSON eval request: %v", err)
		}
		result, err := eval(request)
		if err != nil {
			fail("%v", err)
		}
		write(result)
	default:
		fail("unknown command %q: names or eval", os.Args[1])
	}
}

func names(exprs []string) []parsed {
	p := parser.NewParser(parser.Options{})
	out := make([]parsed, 0, len(exprs))
	for _, text := range exprs {
		entry := parsed{Expr: text, Metrics: []string{}}
		expr, err := p.ParseExpr(text)
		if err != nil {
			entry.Error = err.Error()
			out = append(out, entry)
			continue
		}
		seen := map[string]bool{}
		parser.Inspect(expr, func(node parser.Node, _ []parser.Node) error {
			selector, ok := node.(*parser.VectorSelector)
			if !ok {
				return nil
			}
			name := selector.Name
			if name == "" {
				for _, matcher := range selector.LabelMatchers {
					if matcher.Name == labels.MetricName && matcher.Type == labels.MatchEqual {
						name = matcher.Value
					}
				}
			}
			if name == "" {
				entry.Error = fmt.Sprintf("a selector names no metric: %s", selector.String())
			} else if !seen[name] {
				seen[name] = true
				entry.Metrics = append(entry.Metrics, name)
			}
			return nil
		})
		sort.Strings(entry.Metrics)
		out = append(out, entry)
	}
	return out
}

func eval(request evalRequest) ([]sample, error) {
	dir, err := os.MkdirTemp("", "promqlcheck-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	logger := slog.New(slog.DiscardHandler)
	db, err := tsdb.Open(dir, logger, nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		return nil, fmt.Errorf("opening a TSDB: %w", err)
	}
	defer db.Close()
	for _, s := range request.Scrapes {
		if err := load(db, s); err != nil {
			return nil, err
		}
	}
	engine := promql.NewEngine(promql.EngineOpts{
		Logger:        logger,
		MaxSamples:    1_000_000,
		Timeout:       time.Minute,
		LookbackDelta: 5 * time.Minute,
	})
	ctx := context.Background()
	query, err := engine.NewInstantQuery(ctx, db, nil, request.Expr, time.UnixMilli(request.AtMs))
	if err != nil {
		return nil, fmt.Errorf("parsing %q: %w", request.Expr, err)
	}
	defer query.Close()
	result := query.Exec(ctx)
	if result.Err != nil {
		return nil, fmt.Errorf("evaluating %q: %w", request.Expr, result.Err)
	}
	out := []sample{}
	switch value := result.Value.(type) {
	case promql.Vector:
		for _, s := range value {
			out = append(out, sample{Metric: s.Metric.Map(), Value: finite(s.F)})
		}
	case promql.Scalar:
		out = append(out, sample{Metric: map[string]string{}, Value: finite(value.V)})
	default:
		return nil, fmt.Errorf("%q gives a %s, not an instant vector", request.Expr, result.Value.Type())
	}
	return out, nil
}

// load appends one scrape's samples with the target labels, as the scrape loop does with
// honor_labels false: a target label wins over the same label in the exposition.
func load(db *tsdb.DB, s scrape) error {
	p := textparse.NewPromParser([]byte(s.Text), labels.NewSymbolTable(), false)
	app := db.Appender(context.Background())
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			_ = app.Rollback()
			return fmt.Errorf("parsing the scrape at %d: %w", s.AtMs, err)
		}
		if entry != textparse.EntrySeries {
			continue
		}
		_, _, value := p.Series()
		var series labels.Labels
		p.Labels(&series)
		builder := labels.NewBuilder(series)
		for name, v := range s.Labels {
			builder.Set(name, v)
		}
		if _, err := app.Append(0, builder.Labels(), s.AtMs, value); err != nil {
			_ = app.Rollback()
			return fmt.Errorf("storing %s: %w", series.String(), err)
		}
	}
	return app.Commit()
}

func write(value any) {
	encoder := json.NewEncoder(os.Stdout)
	if err := encoder.Encode(value); err != nil {
		fail("writing stdout: %v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "promqlcheck: "+format+"\n", args...)
	os.Exit(1)
}
