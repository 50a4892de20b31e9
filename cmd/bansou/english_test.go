package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/bot/calendar"
	"github.com/bansou/bansou/bot/console"
	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// recorder renders replies as the console does and keeps the last prompt,
// so the test can answer whatever is asked.
type recorder struct {
	mu   sync.Mutex
	con  *console.Console
	last *flows.Prompt
}

func (r *recorder) Send(ctx context.Context, rep bot.Reply) error {
	r.mu.Lock()
	r.last = rep.Prompt
	r.mu.Unlock()
	return r.con.Send(ctx, rep)
}

// `bansou try --lang en` through every built-in flow in every mode, with
// an invalid answer first at every step that can refuse one, says nothing
// in Japanese: every word the program says comes in English (the answers
// typed here are English too, so any Japanese is the program's).
func TestTryInEnglishHasNoJapanese(t *testing.T) {
	ctx := context.Background()
	getenv := func(string) string { return "" }
	o := tryOptions{as: "advisor", lang: "en", db: filepath.Join(t.TempDir(), "bansou.db")}
	set, err := loadFlows("")
	if err != nil {
		t.Fatal(err)
	}
	st, err := openStore(ctx, dbURL(o.db, getenv), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out strings.Builder
	rec := &recorder{con: console.New(&out)}
	loc, _ := time.LoadLocation("Asia/Tokyo")
	b, err := bot.New(bot.Config{Store: st, Flows: set, Senders: map[string]bot.Sender{bot.ChannelConsole: rec},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: loc, Calendar: calendar.New(loc, calendar.DefaultClosures),
		Lang: o.lang, Institution: tryInstitution(o.lang, getenv)})
	if err != nil {
		t.Fatal(err)
	}
	say := func(user, text string) {
		t.Helper()
		out.WriteString("> " + text + "\n")
		if err := b.Handle(ctx, bot.Incoming{Channel: bot.ChannelConsole, UserID: user, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	walk := func(user, mode string) {
		t.Helper()
		edited, backed := false, false
		for turns := 0; rec.last != nil; turns++ {
			if turns > 300 {
				t.Fatalf("no end after 300 turns:\n%s", out.String())
			}
			p := rec.last
			switch p.StepID {
			case flows.ModeStep:
				say(user, mode)
				continue
			case flows.ReviewStep:
				say(user, "maybe") // not an action
				if !edited {
					edited = true
					say(user, "edit 1") // then answer it again
					continue
				}
				say(user, "save")
				continue
			}
			if turns == 3 && !backed {
				backed = true
				say(user, "back")
				continue
			}
			if bad, ok := invalidAnswer(p); ok {
				say(user, bad)
			}
			say(user, validAnswer(p))
		}
	}
	o.company = "Yamada Works" // a new company: the intake first
	if err := openConversation(ctx, b, st, store.RoleAdvisor, o); err != nil {
		t.Fatal(err)
	}
	walk("advisor", "full")
	for _, c := range []struct{ flow, mode, company string }{
		{bot.FlowDebrief, "quick", "Yamada Works"},
		{bot.FlowIntake, "full", "Sakura Diner"},
		{bot.FlowVerify, "", "Yamada Works"},
	} {
		if err := b.Start(ctx, bot.ChannelConsole, "advisor", bot.StartRequest{FlowID: c.flow, Company: c.company}); err != nil {
			t.Fatal(err)
		}
		walk("advisor", c.mode)
	}
	o.as = "owner"
	if err := openConversation(ctx, b, st, store.RoleOwner, o); err != nil {
		t.Fatal(err)
	}
	walk("owner", "")

	text := out.String()
	for _, want := range []string{"Which would you like?", "What is the main industry?", "Save this?", "Saved.", "May we take a minute to ask", "stand?"} {
		if !strings.Contains(text, want) {
			t.Errorf("the English walk never showed %q", want)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		if j := firstJapanese(line); j >= 0 {
			t.Errorf("line %d speaks Japanese: %s", i+1, line)
		}
	}
	if t.Failed() {
		t.Logf("transcript:\n%s", text)
	}
}

// invalidAnswer is something step p refuses, when there is such a thing.
func invalidAnswer(p *flows.Prompt) (string, bool) {
	switch p.Kind {
	case flows.KindSingle, flows.KindMulti, flows.KindScale, flows.KindYesNo, flows.KindNumber, flows.KindDate:
		if p.StepID == flows.EditStep {
			return "", false
		}
		return "zzz", true
	case flows.KindText:
		if !p.Optional && p.Default == "" {
			return "", true // empty
		}
	}
	return "", false
}

func validAnswer(p *flows.Prompt) string {
	switch p.Kind {
	case flows.KindMulti:
		return "1,2"
	case flows.KindScale:
		return "4"
	case flows.KindYesNo:
		return "yes"
	case flows.KindNumber:
		return "2010"
	case flows.KindDate:
		if p.Dates == "past" {
			return "today"
		}
		return "+14d"
	case flows.KindCompany:
		return "Yamada Works"
	case flows.KindText:
		return "A few words."
	}
	return "1"
}

// firstJapanese is the index of the first Japanese character in s, or -1.
func firstJapanese(s string) int {
	for i, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF01 && r <= 0xFF60) {
			return i
		}
	}
	return -1
}
