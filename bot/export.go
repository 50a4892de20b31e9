package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/bansou/bansou/store"
)

// ExportRow is one answer of a company's records, as an export shows it.
type ExportRow struct {
	SessionID int64
	FlowID    string
	StepID    string
	Value     string
	At        time.Time
}

// ExportCompany returns the latest answers of every session about the
// named company, for a staff member who may see it (the web desk and any
// export offered outside the command line go through here). Answers marked
// 要配慮 are left out. ErrUnknownCompany for anyone else — nothing of the
// company is told.
func (b *Bot) ExportCompany(ctx context.Context, channel, userID, company string) ([]ExportRow, error) {
	var rows []ExportRow
	err := b.cfg.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		p, c, err := b.visibleCompany(ctx, tx, channel, userID, company)
		if err != nil {
			return err
		}
		if p.Role == store.RoleOwner {
			return ErrUnknownCompany
		}
		sessions, err := tx.CompanySessions(ctx, c.ID)
		if err != nil {
			return err
		}
		for _, s := range sessions {
			answers, err := tx.Answers(ctx, s.ID)
			if err != nil {
				return err
			}
			latest := map[string]store.Answer{}
			var order []string
			for _, a := range answers {
				if _, seen := latest[a.StepID]; !seen {
					order = append(order, a.StepID)
				}
				latest[a.StepID] = a
			}
			for _, step := range order {
				if a := latest[step]; !a.Sensitive && !a.Skipped {
					rows = append(rows, ExportRow{SessionID: s.ID, FlowID: s.FlowID, StepID: step, Value: a.Value, At: a.At})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bot: export: %w", err)
	}
	return rows, nil
}
