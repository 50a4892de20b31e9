package slack

import (
	"context"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/bansou/bansou/bot/digest"
	"github.com/bansou/bansou/flows"
)

// maxMessageBlocks is Slack's limit of blocks in one message.
const maxMessageBlocks = 50

// DigestBlocks renders the coordinator digest as Block Kit: a header, the
// moment and scope, then each section under a divider with its lines in
// mrkdwn. A section longer than Slack's 3,000 characters is split at line
// breaks; past 50 blocks the message ends with a pointer to the full text.
func DigestBlocks(d *digest.Digest, lang string) []slack.Block {
	blocks := []slack.Block{
		slack.NewHeaderBlock(plain(clip(d.Heading(lang), 150))),
		contextText(d.Summary(lang)),
	}
	for _, s := range d.Sections {
		blocks = append(blocks, slack.NewDividerBlock())
		for _, chunk := range chunks(digestSection(d, s, lang), maxSectionText) {
			blocks = append(blocks, slack.NewSectionBlock(markdown(chunk), nil, nil))
		}
	}
	if len(blocks) > maxMessageBlocks {
		blocks = append(blocks[:maxMessageBlocks-1], contextText(flows.Msg(lang, "ui_cut_short_for_slack_the")))
	}
	return blocks
}

// digestSection is one section as mrkdwn: the bold numbered title, then its
// lines. Text from records is escaped; markup is added around it.
func digestSection(d *digest.Digest, s digest.Section, lang string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d. %s*", s.No, escape(s.Title.In(lang)))
	for _, l := range d.Lines(s, lang) {
		text := escape(l.Text)
		switch l.Kind {
		case digest.LineGroup:
			b.WriteString("\n*" + text + "*")
		case digest.LineItem:
			b.WriteString("\n• " + text)
		case digest.LineNote:
			b.WriteString("\n_※ " + text + "_")
		default:
			b.WriteString("\n_" + text + "_")
		}
	}
	return b.String()
}

// SendDigest posts the digest in the DM with a Slack user, with a plain
// text fallback for notifications. A failed chat.postMessage is returned,
// never retried.
func (s *Sender) SendDigest(ctx context.Context, userID string, d *digest.Digest, lang string) error {
	m := message{fallback: d.Heading(lang) + " — " + d.Summary(lang), blocks: DigestBlocks(d, lang)}
	if err := s.postDM(ctx, userID, m); err != nil {
		return fmt.Errorf("slack: send digest: %w", err)
	}
	return nil
}
