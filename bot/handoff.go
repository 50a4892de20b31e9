package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// tagStage is the intake's stage of the company (see flows/builtin/intake.yaml).
const tagStage = "stage"

// companyContext is what flow conditions may know of a company: whether it
// is new to bansou (no intake recorded yet, so the debrief runs the intake
// first) and its stage. A company the person may see has its whole memory
// read now, in the one read chose will use.
func (t *turn) companyContext(ctx context.Context, name string) (map[string]string, error) {
	c, assigned, err := t.findCompany(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return map[string]string{flows.CtxCompanyIsNew: "true"}, nil
	}
	if err != nil {
		return nil, err
	}
	if t.person.Role != store.RoleOwner {
		ok, err := CanSeeFound(ctx, t.tx, t.person, c.ID, assigned)
		if err != nil {
			return nil, err
		}
		if ok {
			if _, err := t.fullMemory(ctx, c.ID); err != nil {
				return nil, err
			}
		}
	}
	return t.flowContext(ctx, c.ID)
}

func (t *turn) flowContext(ctx context.Context, companyID int64) (map[string]string, error) {
	if k := t.known; k != nil && k.companyID == companyID {
		return stageContext(k.m.stage), nil
	}
	stage, err := t.tx.LatestTagged(ctx, companyID, tagStage)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return stageContext(stage.Value), nil
}

// stageContext is the flow context of a company at stage ("" before its
// intake: new).
func stageContext(stage string) map[string]string {
	return map[string]string{flows.CtxCompanyIsNew: strconv.FormatBool(stage == ""), flows.CtxCompanyStage: stage}
}

// withContext gives env the context of the session's company and a lookup
// for a company named during the conversation. A failed lookup is kept in
// *failed, for the caller to return after the engine's turn.
func (t *turn) withContext(ctx context.Context, env flows.Env, companyID int64, failed *error) (flows.Env, error) {
	if companyID != 0 {
		c, err := t.flowContext(ctx, companyID)
		if err != nil {
			return env, err
		}
		env.Context = c
	}
	env.CompanyContext = func(name string) map[string]string {
		c, err := t.companyContext(ctx, name)
		if err != nil {
			*failed = err
		}
		return c
	}
	return env, nil
}

// addRecorded stores the answers of this turn that the person gave or that
// were recorded without asking. Answers of a flow handed off to (then:)
// are stored with that flow's own session when the conversation is saved.
func (t *turn) addRecorded(ctx context.Context, sess store.Session, res flows.Result) error {
	all := res.Recorded // the accepted answer is saved with the session (SaveTurn)
	for i := range all {
		if all[i].Handoff != "" {
			continue
		}
		if err := t.addAnswer(ctx, sess, &all[i]); err != nil {
			return err
		}
	}
	return nil
}

// completeHandoffs stores each flow handed off to as a completed session of
// that flow about the same company, with its answers, so the records, the
// digest and the next conversation read them like any other intake.
func (t *turn) completeHandoffs(ctx context.Context, f *flows.Flow, sess store.Session, st flows.State) error {
	for _, h := range f.Handoffs(st) {
		h.State.Phase = flows.PhaseDone
		data, err := json.Marshal(h.State)
		if err != nil {
			return fmt.Errorf("encode state: %w", err)
		}
		at := t.in.ReceivedAt
		var answers []store.Answer
		for _, sa := range h.Flow.Answered(h.State) {
			answers = append(answers, *t.answer(store.Session{}, &flows.Accepted{Step: sa.Step, Answer: sa.Answer}))
		}
		// The session and its answers in one statement on PostgreSQL.
		_, _, err = t.tx.CreateSessionWithAnswers(ctx, store.Session{
			FlowID: h.Flow.ID, FlowVersion: h.Flow.Version, Mode: h.State.Mode, CompanyID: sess.CompanyID,
			RespondentID: t.person.ID, Channel: sess.Channel, Status: store.SessionCompleted,
			State: data, CreatedAt: sess.CreatedAt, UpdatedAt: at, CompletedAt: at,
		}, answers)
		if err != nil {
			return err
		}
	}
	return nil
}
