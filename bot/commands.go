package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// command handles a message from a person with no conversation in progress:
// start a flow, or explain what bansou can do.
func (t *turn) command(ctx context.Context) ([]Reply, error) {
	if t.person.Role == store.RoleOwner {
		t.notes = append(t.notes, flows.Msg(t.lang, "bot_thank_you_for_your_message"))
		return []Reply{t.reply(0, nil, nil)}, nil
	}
	if isResume(t.in.Text) {
		return t.reopen(ctx)
	}
	flowID, company := parseStart(t.in.Text)
	if flowID == "" {
		t.notes = append(t.notes, helpText(t.lang))
		return []Reply{t.reply(0, nil, nil)}, nil
	}
	return t.start(ctx, StartRequest{FlowID: flowID, Company: company})
}

// parseStart reads "visit 山田製作所", "振り返り", "intake", … into a flow id
// and an optional company name.
func parseStart(text string) (flowID, company string) {
	word, rest, _ := strings.Cut(strings.TrimSpace(flows.Fold(text)), " ")
	word = strings.TrimPrefix(strings.ToLower(word), "/")
	switch word {
	case "visit", "debrief", "振り返り", "ふりかえり", "訪問":
		flowID = FlowDebrief
	case "intake", "新規企業", "棚卸", "棚卸し":
		flowID = FlowIntake
	case "verify", "検証":
		flowID = FlowVerify
	}
	return flowID, strings.TrimSpace(rest)
}

func helpText(lang string) string { return flows.Msg(lang, "bot_help") }

// StartRequest asks the bot to open a flow for a person.
type StartRequest struct {
	FlowID  string
	Mode    string // empty: ask when the flow has modes
	Company string // the company the session is about, when known
}

// start creates a session and asks its first question. A company given in
// the request answers the company step in advance.
func (t *turn) start(ctx context.Context, req StartRequest) ([]Reply, error) {
	f, ok := t.b.cfg.Flows.Get(req.FlowID)
	if !ok {
		return nil, fmt.Errorf("start: flow %q is not loaded", req.FlowID)
	}
	var companyID int64
	if req.Company != "" {
		c, err := t.company(ctx, req.Company)
		var denied *AccessError
		if errors.As(err, &denied) {
			if t.person.Role == store.RoleOwner {
				return nil, nil // a check-in about a company the owner left: nothing to ask
			}
			t.refuse(denied.Company)
			return []Reply{t.reply(0, nil, nil)}, nil
		}
		if err != nil {
			return nil, err
		}
		companyID = c.ID
		if _, err = t.chose(ctx, f, c); err != nil {
			return nil, err
		}
	}
	env, err := t.env(ctx, companyID)
	if err != nil {
		return nil, err
	}
	var failed error
	if env, err = t.withContext(ctx, env, companyID, &failed); err != nil {
		return nil, err
	}
	st, res := flows.Start(f, req.Mode, env)
	if failed != nil {
		return nil, failed
	}
	if s, ok := f.StepByTag(tagCompany); ok && req.Company != "" {
		st = f.Prefill(st, s.ID, flows.Answer{Value: env.Vars["company"], Raw: req.Company})
		res.Prompt = f.Render(st, env)
	}
	if res.Prompt, err = t.withCompanies(ctx, f, st, &env, res.Prompt); err != nil {
		return nil, err
	}
	sess, err := t.createSession(ctx, f, st, companyID)
	if err != nil {
		return nil, err
	}
	t.notes = append([]string{res.Notice}, t.notes...)
	return []Reply{t.reply(sess.ID, res.Prompt, nil)}, nil
}

func (t *turn) createSession(ctx context.Context, f *flows.Flow, st flows.State, companyID int64) (store.Session, error) {
	data, err := encodeSaved(st, t.sc)
	if err != nil {
		return store.Session{}, err
	}
	return t.tx.CreateSession(ctx, store.Session{
		FlowID: f.ID, FlowVersion: f.Version, Mode: st.Mode, CompanyID: companyID,
		RespondentID: t.person.ID, Channel: t.in.Channel, Status: store.SessionActive,
		Step: st.Cursor, State: data, CreatedAt: t.in.ReceivedAt, UpdatedAt: t.in.ReceivedAt,
	})
}

// Start opens a flow for a person outside any incoming message (the console
// at start-up, a scheduled check-in). An active session is resumed instead.
func (b *Bot) Start(ctx context.Context, channel, userID string, req StartRequest) error {
	in := Incoming{Channel: channel, UserID: userID, ReceivedAt: b.cfg.Now()}
	var replies []Reply
	// Run from the inbox (a slash command), the start marks its row done in
	// its own transaction, as a turn does.
	claim, claimed := inboxClaim(ctx)
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		t, err := b.openTurn(ctx, tx, in, claim)
		if err != nil {
			return err
		}
		if t.stranger {
			replies = t.say(b.notRegistered(t.lang))
			return nil
		}
		sess, err := t.activeSession(ctx)
		switch {
		case err == nil && req.Company != "" && sess.FlowID == req.FlowID:
			same, err := t.sameCompany(ctx, sess, req.Company)
			if err != nil {
				return err
			}
			if !same {
				replies, err = t.askSwitch(ctx, sess, req.Company)
				return err
			}
			fallthrough
		case err == nil:
			t.resuming = true
			replies, err = t.resendSession(ctx, sess, false)
			return err
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		if err := t.offerResume(ctx); err != nil {
			return err
		}
		replies, err = t.start(ctx, req)
		return err
	})
	if err != nil {
		return fmt.Errorf("bot: start %s: %w", req.FlowID, err)
	}
	if claimed {
		claim.finish()
	}
	return b.send(ctx, replies)
}

// EnsurePerson creates the person behind (channel, userID) with the given
// role and name unless they exist. The console uses it to play a role.
func (b *Bot) EnsurePerson(ctx context.Context, channel, userID, name string, role store.Role) (store.Person, error) {
	var p store.Person
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		p, err = tx.PersonByIdentity(ctx, channel, userID)
		if err == nil {
			return nil
		}
		p, err = tx.CreatePerson(ctx, store.Person{Role: role, Name: name, Locale: b.cfg.Lang, CreatedAt: b.cfg.Now()}, channel, userID)
		return err
	})
	return p, err
}

// LinkOwner links the owner behind (channel, userID) to the named company,
// as a redeemed invite does. The console uses it to play an owner of a
// company an advisor has debriefed. ErrUnknownCompany when there is none.
func (b *Bot) LinkOwner(ctx context.Context, channel, userID, company string) error {
	return b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, err := tx.PersonByIdentity(ctx, channel, userID)
		if err != nil {
			return fmt.Errorf("bot: link owner: %w", err)
		}
		c, err := findCompany(ctx, tx, company)
		if errors.Is(err, store.ErrNotFound) {
			return ErrUnknownCompany
		}
		if err != nil {
			return fmt.Errorf("bot: link owner: %w", err)
		}
		return tx.LinkOwner(ctx, p.ID, c.ID, b.cfg.Now())
	})
}

// EnsureRole makes the person behind (channel, userID) exist with role —
// for example the coordinators named in the configuration.
func (b *Bot) EnsureRole(ctx context.Context, channel, userID string, role store.Role) error {
	p, err := b.EnsurePerson(ctx, channel, userID, "", role)
	if err != nil || p.Role == role {
		return err
	}
	return b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		return tx.SetRole(ctx, p.ID, role)
	})
}
