package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bansou/bansou/flows"
	"github.com/bansou/bansou/store"
)

func cmdErase(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("erase", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("company", "", "the company whose data is erased")
	yes := fs.Bool("yes", false, "erase without asking for confirmation")
	db := fs.String("db", "", "SQLite file or postgres:// URL (default ./bansou.db)")
	lang := fs.String("lang", or(getenv("BANSOU_LANG"), "ja"), "language: ja or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return errors.New("erase: --company NAME is required")
	}
	st, err := openStore(ctx, dbURL(*db, getenv), now)
	if err != nil {
		return err
	}
	defer st.Close()
	sc, err := eraseScopeOf(ctx, st, strings.TrimSpace(*name))
	if err != nil {
		return err
	}
	sc.print(stdout, *lang)
	if !*yes && !confirmed(stdin, stdout, *lang, sc.company.Name) {
		fmt.Fprintln(stdout, flows.Msg(*lang, "cmd_the_name_does_not_match"))
		return errors.New("erase: not confirmed; nothing was erased")
	}
	counts, err := eraseCompany(ctx, st, sc.company.ID, now())
	if err != nil {
		return err
	}
	printErased(stdout, *lang, sc.company.Name, counts)
	return nil
}

// eraseScope is what erasing a company would delete, counted.
type eraseScope struct {
	company                                   store.Company
	sessions, answers, owners, advisors, rems int
	records                                   store.Records
}

// eraseScopeOf finds the company and counts what belongs to it. An unknown
// name is an error that suggests close names.
func eraseScopeOf(ctx context.Context, st store.Store, name string) (eraseScope, error) {
	var sc eraseScope
	err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		c, err := tx.CompanyByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return unknownCompany(ctx, tx, name)
		}
		if err != nil {
			return err
		}
		sc, err = countScope(ctx, tx, c)
		return err
	})
	if err != nil {
		return eraseScope{}, fmt.Errorf("erase: %w", err)
	}
	return sc, nil
}

func countScope(ctx context.Context, tx store.Tx, c store.Company) (eraseScope, error) {
	sc := eraseScope{company: c}
	sessions, err := tx.CompanySessions(ctx, c.ID)
	if err != nil {
		return sc, err
	}
	sc.sessions = len(sessions)
	for _, s := range sessions {
		as, err := tx.Answers(ctx, s.ID)
		if err != nil {
			return sc, err
		}
		sc.answers += len(as)
	}
	owners, err := tx.CompanyOwners(ctx, c.ID)
	if err != nil {
		return sc, err
	}
	advisors, err := tx.AdvisorsOf(ctx, c.ID)
	if err != nil {
		return sc, err
	}
	rems, err := tx.Reminders(ctx, store.ReminderFilter{CompanyID: c.ID})
	if err != nil {
		return sc, err
	}
	sc.owners, sc.advisors, sc.rems = len(owners), len(advisors), len(rems)
	sc.records, err = tx.CompanyRecords(ctx, c.ID)
	return sc, err
}

// unknownCompany is the error for a name no company has, with the close
// names when there are some.
func unknownCompany(ctx context.Context, tx store.Tx, name string) error {
	cs, err := tx.Companies(ctx)
	if err != nil {
		return err
	}
	var all []string
	for _, c := range cs {
		all = append(all, c.Name)
	}
	if near := closeNames(name, all); len(near) > 0 {
		return fmt.Errorf("no company is named %q (did you mean %s?); nothing was erased", name, strings.Join(near, ", "))
	}
	return fmt.Errorf("no company is named %q; nothing was erased", name)
}

// closeNames returns up to five names that contain name, are contained in
// it, or are a few edits away from it.
func closeNames(name string, names []string) []string {
	q := strings.ToLower(flows.Fold(name))
	var near []string
	for _, n := range names {
		f := strings.ToLower(flows.Fold(n))
		if strings.Contains(f, q) || strings.Contains(q, f) || editDistance(q, f) <= max(1, len([]rune(q))/3) {
			near = append(near, n)
		}
	}
	return near[:min(len(near), 5)]
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

func (sc eraseScope) print(w io.Writer, lang string) {
	r := sc.records
	if lang == "en" {
		fmt.Fprintf(w, "To be erased: %s (company:%d)\n", sc.company.Name, sc.company.ID)
		fmt.Fprintf(w, "  %d sessions with %d answers (every revision)\n", sc.sessions, sc.answers)
		fmt.Fprintf(w, "  %d owners linked (the people and their LINE links)\n", sc.owners)
		fmt.Fprintf(w, "  %d commitments, %d follow-ups, %d referrals, %d small wins, %d reminders\n",
			len(r.Commitments), len(r.Followups), len(r.Referrals), len(r.SmallWins), sc.rems)
		fmt.Fprintf(w, "  %d advisor assignments (the advisors themselves stay)\n", sc.advisors)
		return
	}
	fmt.Fprintf(w, "削除の対象: %s（company:%d）\n", sc.company.Name, sc.company.ID)
	fmt.Fprintf(w, "  セッション %d 件、回答 %d 件（修正履歴を含む）\n", sc.sessions, sc.answers)
	fmt.Fprintf(w, "  紐づいた経営者 %d 人（ご本人の情報と LINE の連携を含む）\n", sc.owners)
	fmt.Fprintf(w, "  次の一歩 %d 件、フォロー %d 件、紹介 %d 件、小さな成功体験 %d 件、リマインダー %d 件\n",
		len(r.Commitments), len(r.Followups), len(r.Referrals), len(r.SmallWins), sc.rems)
	fmt.Fprintf(w, "  担当の割り当て %d 件（支援者ご本人の情報は残ります）\n", sc.advisors)
}

// confirmed asks for the company's name and reports whether it was typed.
func confirmed(stdin io.Reader, stdout io.Writer, lang, name string) bool {
	fmt.Fprint(stdout, flows.Msg(lang, "cmd_this_cannot_be_undone_type"))
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil || !isTerminal(stdin) {
		fmt.Fprintln(stdout) // nobody pressed Enter on a terminal
	}
	return flows.Fold(line) == flows.Fold(name)
}

// eraseCompany deletes the company's data and records the erasure in the
// audit log, in one transaction. The audit entry holds counts, no names.
func eraseCompany(ctx context.Context, st store.Store, companyID int64, now time.Time) (map[string]int64, error) {
	var counts map[string]int64
	err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		var err error
		if counts, err = tx.EraseCompany(ctx, companyID); err != nil {
			return err
		}
		detail, err := json.Marshal(counts) // keys sorted: table names only
		if err != nil {
			return err
		}
		return tx.AddAudit(ctx, store.AuditEntry{Action: "company.erase",
			Subject: fmt.Sprintf("company:%d", companyID), Detail: string(detail), At: now})
	})
	if err != nil {
		return nil, fmt.Errorf("erase: %w", err)
	}
	return counts, nil
}

func printErased(w io.Writer, lang, name string, counts map[string]int64) {
	fmt.Fprintln(w, flows.Msg(lang, "cmd_erased_rows_deleted_per_table", name))
	var total int64
	for _, table := range slices.Sorted(maps.Keys(counts)) {
		fmt.Fprintf(w, "  %-14s %d\n", table, counts[table])
		total += counts[table]
	}
	fmt.Fprintf(w, "  %s: %d\n", flows.Msg(lang, "cmd_total"), total)
}
