package slack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// homeCompanies is how many recent companies App Home lists.
const homeCompanies = 5

// publishHome renders the advisor's App Home tab: the session in progress
// (with a resume button), open follow-ups with due dates, recent companies.
func (a *Adapter) publishHome(ctx context.Context, user string) error {
	ov, err := a.cfg.Bot.Overview(ctx, bot.ChannelSlack, user)
	if err != nil {
		return err
	}
	return a.cfg.API.publishHome(ctx, user, homeBlocks(ov, a.cfg.Location))
}

func homeBlocks(ov bot.Overview, loc *time.Location) []slack.Block {
	lang := ov.Lang
	blocks := []slack.Block{slack.NewHeaderBlock(plain(flows.Msg(lang, "ui_bansou_accompaniment_records")))}
	if !ov.Registered {
		return append(blocks, sections(ov.NotRegistered)...)
	}
	blocks = append(blocks, activeBlocks(ov.Active, lang, loc)...)
	blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(markdown("*"+flows.Msg(lang, "ui_follow_ups")+"*"), nil, nil))
	blocks = append(blocks, followupBlocks(ov.Followups, lang)...)
	blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(markdown("*"+flows.Msg(lang, "ui_recent_companies")+"*"), nil, nil))
	blocks = append(blocks, companyBlocks(ov.Companies, lang)...)
	return append(blocks, contextText(flows.Msg(lang, "ui_bansou_visit_company_starts_a")))
}

func activeBlocks(act *bot.ActiveItem, lang string, loc *time.Location) []slack.Block {
	if act == nil {
		return []slack.Block{contextText(flows.Msg(lang, "ui_no_conversation_in_progress"))}
	}
	what := act.Flow
	if act.Company != "" {
		what += flows.Msg(lang, "paren", act.Company)
	}
	text := "*" + flows.Msg(lang, "ui_in_progress") + "*\n" + escape(what) + "\n" +
		flows.Msg(lang, "ui_last_updated") + dayText(lang, act.UpdatedAt.In(loc))
	resume := slack.NewButtonBlockElement(actResume, fmt.Sprint(act.SessionID), plain(flows.Msg(lang, "ui_resume"))).WithStyle(slack.StylePrimary)
	return []slack.Block{slack.NewSectionBlock(markdown(text), nil, slack.NewAccessory(resume))}
}

func followupBlocks(fus []bot.FollowupItem, lang string) []slack.Block {
	if len(fus) == 0 {
		return []slack.Block{contextText(flows.Msg(lang, "ui_no_follow_ups_scheduled"))}
	}
	var b strings.Builder
	for _, f := range fus {
		mark := "•"
		if f.Overdue {
			mark = "⚠️ " + flows.Msg(lang, "ui_overdue")
		}
		fmt.Fprintf(&b, "%s %s　%s\n", mark, f.DueText, f.Company)
	}
	return sections(strings.TrimSuffix(b.String(), "\n"))
}

func companyBlocks(names []string, lang string) []slack.Block {
	if len(names) == 0 {
		return []slack.Block{contextText(flows.Msg(lang, "ui_no_companies_yet"))}
	}
	var out []slack.Block
	for i, n := range names[:min(len(names), homeCompanies)] {
		btn := startButton(bot.FlowDebrief, n, flows.Msg(lang, "ui_debrief"), i)
		out = append(out, slack.NewSectionBlock(markdown(escape(n)), nil, slack.NewAccessory(btn)))
	}
	return out
}

// dayText is t's calendar day for people: 2026年12月4日(金).
func dayText(lang string, t time.Time) string {
	return flows.DateOf(t).Display(lang)
}
