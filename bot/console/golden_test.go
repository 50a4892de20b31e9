package console_test

import (
	"bufio"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/bottest"
	"github.com/bansou/bansou/bot/console"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
	"github.com/bansou/bansou/store/sqlite"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata")

// play runs a console script against a bot on a real SQLite file with a
// clock standing at Tuesday 2026-11-24 10:00 JST, and returns the
// transcript. Lines are typed by the current person; lines starting with @
// direct the play:
//
//	@as advisor|owner|coordinator [lang]   play that person (console ids)
//	@start debrief|checkin|verify [company] open a flow (as bansou try does)
//	@later 26h                             move the clock
//	# …                                    a comment, copied to the transcript
func play(t *testing.T, script string) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "bansou.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	set, err := flows.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	jst, _ := time.LoadLocation("Asia/Tokyo")
	clk := bottest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, jst))
	var out strings.Builder
	con := console.New(&out)
	b, err := bot.New(bot.Config{Store: db, Flows: set, Senders: map[string]bot.Sender{bot.ChannelConsole: con},
		Now: clk.Now, Location: jst, Institution: "みどり商工会"})
	if err != nil {
		t.Fatal(err)
	}
	user := "advisor"
	sc := bufio.NewScanner(strings.NewReader(script))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "#"):
			out.WriteString(line + "\n")
		case strings.HasPrefix(line, "@as "):
			user = fields[1]
			names := map[string]string{"advisor": "佐藤", "owner": "山田", "coordinator": "高橋"}
			if _, err := b.EnsurePerson(ctx, bot.ChannelConsole, user, names[user], store.Role(user)); err != nil {
				t.Fatal(err)
			}
			if len(fields) > 2 {
				if err := b.SetLocale(ctx, bot.ChannelConsole, user, fields[2]); err != nil {
					t.Fatal(err)
				}
			}
			out.WriteString("── " + strings.Join(fields[1:], " ") + " ──\n")
		case strings.HasPrefix(line, "@start "):
			company := ""
			if len(fields) > 2 {
				company = fields[2]
			}
			out.WriteString("$ start " + strings.Join(fields[1:], " ") + "\n")
			if user == "owner" && company != "" {
				if err := b.LinkOwner(ctx, bot.ChannelConsole, user, company); err != nil {
					t.Fatal(err)
				}
			}
			if err := b.Start(ctx, bot.ChannelConsole, user, bot.StartRequest{FlowID: fields[1], Company: company}); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(line, "@later "):
			d, err := time.ParseDuration(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			clk.Add(d)
			out.WriteString("(" + fields[1] + " later)\n")
		default:
			if err := con.Run(ctx, b, strings.NewReader(line+"\n"), user, true); err != nil {
				t.Fatalf("line %q: %v", line, err)
			}
		}
	}
	return out.String()
}

// golden compares got with testdata/name.golden (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("transcript differs from %s (go test ./bot/console -update, then read the diff):\n%s", path, got)
	}
}

// transcript plays testdata/name.script, compares it with its golden file
// and returns it for further checks.
func transcript(t *testing.T, name string) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", name+".script"))
	if err != nil {
		t.Fatal(err)
	}
	got := play(t, string(script))
	golden(t, name, got)
	return got
}

// mustContain fails for each want missing from the transcript.
func mustContain(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("transcript lacks %q", w)
		}
	}
}

// mustNotContain fails for each bad string present in the transcript.
func mustNotContain(t *testing.T, got string, bads ...string) {
	t.Helper()
	for _, b := range bads {
		if strings.Contains(got, b) {
			t.Errorf("transcript contains %q", b)
		}
	}
}
