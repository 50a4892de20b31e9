package slack

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot"
	"github.com/bansou/bansou/flows"
)

// maxCandidates is how many matching companies a DM offers as buttons.
const maxCandidates = 4

// commandReply is the immediate answer to a slash command (Slack shows it
// only to the person who typed the command).
type commandReply struct {
	ResponseType string `json:"response_type"`
	Text         string `json:"text"`
}

func ephemeral(text string) *commandReply {
	return &commandReply{ResponseType: "ephemeral", Text: text}
}

// onCommand handles /bansou. It does no I/O: help is the ack itself, the
// rest runs after the ack and answers in the DM.
func (a *Adapter) onCommand(ctx context.Context, cmd slack.SlashCommand) (*commandReply, work) {
	verb, arg := parseCommand(cmd.Text)
	user, lang := cmd.UserID, a.cfg.Lang
	var ack *commandReply
	if !strings.HasPrefix(cmd.ChannelID, "D") { // typed in a channel: say where the answer goes
		ack = ephemeral(flows.Msg(lang, "ui_i_ll_answer_in_your"))
	}
	switch verb {
	case "visit":
		return ack, func(ctx context.Context) error { return a.visit(ctx, user, bot.FlowDebrief, arg) }
	case "checkin":
		if arg == "" {
			return ephemeral(flows.Msg(lang, "ui_add_the_company_bansou_checkin")), nil
		}
		return ack, func(ctx context.Context) error { return a.visit(ctx, user, bot.FlowVerify, arg) }
	case "digest":
		return ack, func(ctx context.Context) error { return a.digest(ctx, user) }
	case "invite":
		if arg == "" {
			return ephemeral(flows.Msg(lang, "ui_add_the_company_bansou_invite")), nil
		}
		return ack, func(ctx context.Context) error { return a.invite(ctx, user, arg) }
	case "handover":
		company, to, ok := parseHandover(arg)
		if !ok {
			return ephemeral(flows.Msg(lang, "ui_add_the_company_and_the")), nil
		}
		return ack, func(ctx context.Context) error {
			_, err := a.cfg.Bot.Handover(ctx, bot.HandoverRequest{Channel: bot.ChannelSlack, UserID: user, Company: company,
				ToChannel: bot.ChannelSlack, ToUserID: to})
			return err
		}
	case "request":
		if arg == "" {
			return ephemeral(flows.Msg(lang, "ui_add_the_company_bansou_request")), nil
		}
		in := bot.Incoming{Channel: bot.ChannelSlack, UserID: user, Op: &bot.Op{Name: bot.OpRequestAccess, Value: arg}}
		if cmd.TriggerID != "" {
			in.EventID = "cmd:" + cmd.TriggerID // one per command invocation
		}
		return ack, func(ctx context.Context) error { return a.cfg.Bot.Handle(ctx, in) }
	case "history":
		if arg == "" {
			return ephemeral(flows.Msg(lang, "ui_add_the_company_bansou_history")), nil
		}
		return ack, func(ctx context.Context) error { return a.history(ctx, user, arg) }
	case "web":
		return ack, func(ctx context.Context) error { return a.web(ctx, user, arg) }
	}
	if verb != "help" {
		a.log.InfoContext(ctx, "unknown slash command", "verb", verb)
	}
	return ephemeral(helpText(lang)), nil
}

// parseCommand reads "visit 山田製作所" (or 振り返り, 検証, 履歴, …) into a
// verb and its argument. Full-width spaces and letters are folded.
func parseCommand(text string) (verb, arg string) {
	word, rest, _ := strings.Cut(flows.Fold(unescape(text)), " ")
	arg = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "visit", "debrief", "振り返り", "ふりかえり", "訪問":
		return "visit", arg
	case "checkin", "check-in", "検証", "近況":
		return "checkin", arg
	case "history", "履歴", "記録", "経過":
		return "history", arg
	case "invite", "招待", "招待コード":
		return "invite", arg
	case "digest", "ダイジェスト", "要対応", "一覧":
		return "digest", arg
	case "handover", "引継ぎ", "引き継ぎ", "引継":
		return "handover", arg
	case "request", "申請", "閲覧申請":
		return "request", arg
	case "web", "ウェブ", "画面":
		return "web", arg
	case "", "help", "ヘルプ", "使い方", "つかいかた", "?":
		return "help", arg
	}
	return word, arg
}

// mention reads a Slack user mention, <@U123|name> or <@U123>.
var mention = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// parseHandover reads "山田製作所 <@U123|suzuki>" into the company and the
// new advisor's user id.
func parseHandover(arg string) (company, user string, ok bool) {
	m := mention.FindStringSubmatchIndex(arg)
	if m == nil {
		return "", "", false
	}
	user = arg[m[2]:m[3]]
	company = strings.TrimSpace(arg[:m[0]] + " " + arg[m[1]:])
	return company, user, company != ""
}

func helpText(lang string) string { return flows.Msg(lang, "ui_help") }

// visit starts flowID about the company the advisor named. A name that is
// exactly one of their companies starts at once; otherwise the DM offers
// the close matches and, for a debrief, 「新しい企業」.
func (a *Adapter) visit(ctx context.Context, user, flowID, query string) error {
	if query == "" {
		return a.start(ctx, user, flowID, "")
	}
	ov, err := a.cfg.Bot.Overview(ctx, bot.ChannelSlack, user)
	if err != nil {
		return err
	}
	if !ov.Registered {
		return a.cfg.Sender.postDM(ctx, user, textMessage(ov.NotRegistered))
	}
	exact, close := matchCompanies(query, ov.Companies)
	if exact == "" && flowID == bot.FlowVerify && len(close) == 1 {
		exact = close[0] // no new company to offer: the one match is meant
	}
	if exact != "" {
		return a.start(ctx, user, flowID, exact)
	}
	return a.cfg.Sender.postDM(ctx, user, candidates(ov.Lang, flowID, query, close))
}

// candidates asks which company was meant.
func candidates(lang, flowID, query string, names []string) message {
	var text string
	switch {
	case len(names) > 0:
		text = flows.Msg(lang, "ui_companies_close_to", query)
	case flowID == bot.FlowDebrief:
		text = flows.Msg(lang, "ui_no_match_start_new", query)
	default:
		text = flows.Msg(lang, "ui_no_match_check_name", query)
	}
	var elems []slack.BlockElement
	for i, n := range names[:min(len(names), maxCandidates)] {
		elems = append(elems, startButton(flowID, n, n, i))
	}
	if flowID == bot.FlowDebrief {
		elems = append(elems, startButton(flowID, query, flows.Msg(lang, "ui_new_company_named", query), len(elems)))
	}
	m := textMessage(text)
	if len(elems) > 0 {
		m.blocks = append(m.blocks, slack.NewActionBlock("candidates", elems...))
	}
	return m
}

// matchCompanies compares query with the companies the person may see,
// with the bot's one company-name normaliser.
func matchCompanies(query string, names []string) (exact string, close []string) {
	return bot.MatchCompanies(query, names)
}

// history sends what was recorded about a company to the DM.
func (a *Adapter) history(ctx context.Context, user, query string) error {
	h, err := a.cfg.Bot.History(ctx, bot.ChannelSlack, user, query)
	if errors.Is(err, bot.ErrUnknownCompany) {
		return a.historyFuzzy(ctx, user, query)
	}
	if err != nil {
		return err
	}
	return a.cfg.Sender.postDM(ctx, user, historyMessage(h, a.cfg.Location))
}

// historyFuzzy retries with the one company the name matches, or says
// which companies come close.
func (a *Adapter) historyFuzzy(ctx context.Context, user, query string) error {
	ov, err := a.cfg.Bot.Overview(ctx, bot.ChannelSlack, user)
	if err != nil {
		return err
	}
	if !ov.Registered {
		return a.cfg.Sender.postDM(ctx, user, textMessage(ov.NotRegistered))
	}
	exact, close := matchCompanies(query, ov.Companies)
	if exact == "" && len(close) == 1 {
		exact = close[0]
	}
	if exact != "" {
		h, err := a.cfg.Bot.History(ctx, bot.ChannelSlack, user, exact)
		if err != nil {
			return err
		}
		return a.cfg.Sender.postDM(ctx, user, historyMessage(h, a.cfg.Location))
	}
	text := flows.Msg(ov.Lang, "ui_no_match", query)
	if len(close) > 0 {
		text += flows.Msg(ov.Lang, "ui_did_you_mean") + strings.Join(close[:min(len(close), maxCandidates)], flows.Msg(ov.Lang, "list_sep"))
	}
	text += flows.Msg(ov.Lang, "ui_to_see_a_company_you")
	return a.cfg.Sender.postDM(ctx, user, textMessage(text))
}

// historyMessage renders a company's history, newest first.
func historyMessage(h bot.History, loc *time.Location) message {
	title := flows.Msg(h.Lang, "ui_history_of", h.Company)
	blocks := []slack.Block{slack.NewHeaderBlock(plain(clip(title, 150)))}
	if len(h.Entries) == 0 {
		blocks = append(blocks, sections(flows.Msg(h.Lang, "ui_nothing_has_been_saved_yet"))...)
	}
	var b strings.Builder
	for _, e := range h.Entries {
		fmt.Fprintf(&b, "• %s　*%s*\n", dayText(h.Lang, e.At.In(loc)), escape(e.Label))
		for _, line := range strings.Split(e.Text, "\n") {
			if line != "" {
				fmt.Fprintf(&b, "　　%s\n", escape(line))
			}
		}
	}
	if b.Len() > 0 {
		blocks = append(blocks, slack.NewSectionBlock(markdown(clip(b.String(), maxSectionText)), nil, nil))
	}
	return message{fallback: title, blocks: blocks}
}

// invite makes a one-time LINE invite code for a company and sends it to the
// advisor's DM with a message they can forward to the owner.
func (a *Adapter) invite(ctx context.Context, user, query string) error {
	ov, err := a.cfg.Bot.Overview(ctx, bot.ChannelSlack, user)
	if err != nil {
		return err
	}
	if !ov.Registered {
		return a.cfg.Sender.postDM(ctx, user, textMessage(ov.NotRegistered))
	}
	name := query
	if exact, close := matchCompanies(query, ov.Companies); exact != "" {
		name = exact
	} else if len(close) == 1 {
		name = close[0]
	}
	inv, err := a.cfg.Bot.InviteAs(ctx, bot.ChannelSlack, user, name)
	if denied, ok := errors.AsType[*bot.AccessError](err); ok {
		text, choices := bot.NoAccessText(ov.Lang, denied)
		return a.cfg.Sender.postDM(ctx, user, choiceMessage(text, choices))
	}
	if err != nil {
		return err
	}
	return a.cfg.Sender.postDM(ctx, user, inviteMessage(a.cfg.Lang, inv, a.cfg.Location, a.cfg.LineFriendURL))
}

func inviteMessage(lang string, inv bot.Invite, loc *time.Location, friendURL string) message {
	until := inv.ExpiresAt.In(loc).Format("2006-01-02 15:04")
	if friendURL != "" {
		friendURL = "\n　" + friendURL
	}
	text := flows.Msg(lang, "ui_invite_code", inv.Company.Name, inv.Code, until) + friendURL
	return textMessage(text)
}

// digest posts the coordinator digest to the DM; others are told who it is
// for.
func (a *Adapter) digest(ctx context.Context, user string) error {
	d, lang, err := a.cfg.Bot.Digest(ctx, bot.ChannelSlack, user)
	if errors.Is(err, bot.ErrNotCoordinator) {
		return a.cfg.Sender.postDM(ctx, user, textMessage(flows.Msg(lang, "ui_the_digest_is_for_coordinators")))
	}
	if err != nil {
		return err
	}
	return a.cfg.Sender.SendDigest(ctx, user, d, lang)
}
