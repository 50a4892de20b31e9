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
	blocks := []slack.Block{slack.NewHeaderBlock(plain(tr(lang, "bansou — 伴走支援の記録", "bansou — accompaniment records")))}
	if !ov.Registered {
		return append(blocks, sections(ov.NotRegistered)...)
	}
	blocks = append(blocks, activeBlocks(ov.Active, lang, loc)...)
	blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(markdown("*"+tr(lang, "フォロー予定", "Follow-ups")+"*"), nil, nil))
	blocks = append(blocks, followupBlocks(ov.Followups, lang)...)
	blocks = append(blocks, slack.NewDividerBlock(), slack.NewSectionBlock(markdown("*"+tr(lang, "最近の企業", "Recent companies")+"*"), nil, nil))
	blocks = append(blocks, companyBlocks(ov.Companies, lang)...)
	return append(blocks, contextText(tr(lang,
		"`/bansou visit 企業名` で振り返り、`/bansou history 企業名` でこれまでの記録を見られます。",
		"`/bansou visit <company>` starts a debrief; `/bansou history <company>` shows the records.")))
}

func activeBlocks(act *bot.ActiveItem, lang string, loc *time.Location) []slack.Block {
	if act == nil {
		return []slack.Block{contextText(tr(lang, "進行中の振り返りはありません。", "No conversation in progress."))}
	}
	what := act.Flow
	if act.Company != "" {
		what += tr(lang, "（"+act.Company+"）", " ("+act.Company+")")
	}
	text := "*" + tr(lang, "途中の記録", "In progress") + "*\n" + escape(what) + "\n" +
		tr(lang, "最終更新 ", "Last updated ") + dayText(lang, act.UpdatedAt.In(loc))
	resume := slack.NewButtonBlockElement(actResume, fmt.Sprint(act.SessionID), plain(tr(lang, "続きから", "Resume"))).WithStyle(slack.StylePrimary)
	return []slack.Block{slack.NewSectionBlock(markdown(text), nil, slack.NewAccessory(resume))}
}

func followupBlocks(fus []bot.FollowupItem, lang string) []slack.Block {
	if len(fus) == 0 {
		return []slack.Block{contextText(tr(lang, "予定されているフォローはありません。", "No follow-ups scheduled."))}
	}
	var b strings.Builder
	for _, f := range fus {
		mark := "•"
		if f.Overdue {
			mark = "⚠️ " + tr(lang, "期限超過", "overdue")
		}
		fmt.Fprintf(&b, "%s %s　%s\n", mark, f.DueText, f.Company)
	}
	return sections(strings.TrimSuffix(b.String(), "\n"))
}

func companyBlocks(names []string, lang string) []slack.Block {
	if len(names) == 0 {
		return []slack.Block{contextText(tr(lang, "まだ担当企業の記録はありません。", "No companies yet."))}
	}
	var out []slack.Block
	for i, n := range names[:min(len(names), homeCompanies)] {
		btn := startButton(bot.FlowDebrief, n, tr(lang, "振り返る", "Debrief"), i)
		out = append(out, slack.NewSectionBlock(markdown(escape(n)), nil, slack.NewAccessory(btn)))
	}
	return out
}

// dayText is t's calendar day for people: 2026年12月4日(金).
func dayText(lang string, t time.Time) string {
	return flows.DateOf(t).Display(lang)
}
