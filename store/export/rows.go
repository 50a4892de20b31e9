package export

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

// Header rows: Japanese for the people who open the file, English in
// parentheses for scripts and for everyone else.
var (
	sessionHeader = []string{"セッションID (session_id)", "企業名 (company)", "フロー (flow)", "フロー名 (flow_title)",
		"フロー版 (flow_version)", "モード (mode)", "回答者 (respondent)", "役割 (role)", "チャネル (channel)",
		"状態 (status)", "開始日時 (created_at)", "更新日時 (updated_at)", "完了日時 (completed_at)"}
	answerHeader = []string{"セッションID (session_id)", "企業名 (company)", "フロー (flow)", "設問ID (step_id)",
		"設問 (step)", "回答 (value)", "入力内容 (raw)", "スキップ (skipped)", "要配慮 (sensitive)", "タグ (tag)",
		"版 (revision)", "最新版 (latest)", "記入者 (by)", "記入日時 (at)"}
)

// localTime is how times are written: local, to the minute.
const localTime = "2006-01-02 15:04"

// tables are the rows of both files, headers excluded.
type tables struct {
	sessions, answers [][]string
}

// collect reads the sessions created in the period, oldest first, and every
// revision of their answers.
func collect(ctx context.Context, tx store.Tx, o Options) (tables, error) {
	from, to := o.From.In(o.Location), o.To.AddDays(1).In(o.Location)
	sessions, err := tx.SessionsBetween(ctx, from, to)
	if err != nil {
		return tables{}, err
	}
	n := names{tx: tx, companies: map[int64]string{}, people: map[int64]store.Person{}}
	var t tables
	for _, s := range sessions {
		if o.Companies != nil && !o.Companies[s.CompanyID] {
			continue
		}
		company, err := n.company(ctx, s.CompanyID)
		if err != nil {
			return tables{}, err
		}
		respondent, err := n.person(ctx, s.RespondentID)
		if err != nil {
			return tables{}, err
		}
		t.sessions = append(t.sessions, o.sessionRow(s, company, respondent))
		answers, err := tx.Answers(ctx, s.ID)
		if err != nil {
			return tables{}, err
		}
		rows, err := o.answerRows(ctx, &n, s, company, answers)
		if err != nil {
			return tables{}, err
		}
		t.answers = append(t.answers, rows...)
	}
	return t, nil
}

func (o Options) sessionRow(s store.Session, company string, respondent store.Person) []string {
	title := ""
	if f, ok := o.Flows.Get(s.FlowID); ok {
		title = f.Title.In(o.Lang)
	}
	return []string{id(s.ID), company, s.FlowID, title, strconv.Itoa(s.FlowVersion), s.Mode,
		respondent.Name, string(respondent.Role), s.Channel, string(s.Status),
		o.local(s.CreatedAt), o.local(s.UpdatedAt), o.local(s.CompletedAt)}
}

// answerRows turns a session's answers into rows in the order of the flow's
// steps (steps the flow no longer has come last), revisions in order, the
// newest revision of each step marked as latest.
func (o Options) answerRows(ctx context.Context, n *names, s store.Session, company string, answers []store.Answer) ([][]string, error) {
	f, _ := o.Flows.Get(s.FlowID)
	latest := map[string]int{}
	for _, a := range answers {
		latest[a.StepID] = max(latest[a.StepID], a.Revision)
	}
	sort.SliceStable(answers, func(i, j int) bool {
		pi, pj := position(f, answers[i].StepID), position(f, answers[j].StepID)
		if pi != pj {
			return pi < pj
		}
		return answers[i].Revision < answers[j].Revision
	})
	rows := make([][]string, 0, len(answers))
	for _, a := range answers {
		by, err := n.person(ctx, a.ByPersonID)
		if err != nil {
			return nil, err
		}
		step := stepOf(f, a.StepID)
		label := a.StepID
		if step != nil {
			label = step.ReviewLabel(o.Lang)
		}
		value, raw := o.values(f, step, a)
		rows = append(rows, []string{id(s.ID), company, s.FlowID, a.StepID, label, value, raw,
			flag(a.Skipped), flag(a.Sensitive || step != nil && step.Sensitive), a.Tag,
			strconv.Itoa(a.Revision), flag(a.Revision == latest[a.StepID]), by.Name, o.local(a.At)})
	}
	return rows, nil
}

// values returns the answer as people read it and as it was typed, or the
// omission note for both when the answer is sensitive and not asked for.
func (o Options) values(f *flows.Flow, step *flows.Step, a store.Answer) (value, raw string) {
	if (a.Sensitive || step != nil && step.Sensitive) && !o.IncludeSensitive {
		omitted := "（要配慮のため省略）"
		if o.Lang == "en" {
			omitted = "(left out: sensitive)"
		}
		return omitted, omitted
	}
	if step == nil {
		return a.Value, a.Raw
	}
	return f.Display(step, flows.Answer{Value: a.Value, Raw: a.Raw, Skipped: a.Skipped}, o.Lang), a.Raw
}

func (o Options) local(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(o.Location).Format(localTime)
}

func stepOf(f *flows.Flow, stepID string) *flows.Step {
	if f == nil {
		return nil
	}
	s, _ := f.Step(stepID)
	return s
}

// position is the index of the step in the flow; unknown steps sort last.
func position(f *flows.Flow, stepID string) int {
	if f != nil {
		for i := range f.Steps {
			if f.Steps[i].ID == stepID {
				return i
			}
		}
	}
	return 1 << 30
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// names looks companies and people up once per export.
type names struct {
	tx        store.Tx
	companies map[int64]string
	people    map[int64]store.Person
}

// company returns the company's name, "" for a session not yet about one.
func (n *names) company(ctx context.Context, companyID int64) (string, error) {
	if companyID == 0 {
		return "", nil
	}
	if name, ok := n.companies[companyID]; ok {
		return name, nil
	}
	c, err := n.tx.Company(ctx, companyID)
	if err != nil {
		return "", err
	}
	n.companies[companyID] = c.Name
	return c.Name, nil
}

// person returns the person, a zero Person for id 0 (the system).
func (n *names) person(ctx context.Context, personID int64) (store.Person, error) {
	if personID == 0 {
		return store.Person{}, nil
	}
	if p, ok := n.people[personID]; ok {
		return p, nil
	}
	p, err := n.tx.Person(ctx, personID)
	if err != nil {
		return store.Person{}, err
	}
	n.people[personID] = p
	return p, nil
}
