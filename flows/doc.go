// Package flows is the flow language of bansou: the types of a guided
// interview defined as data (YAML), the loader and validator that turn a file
// into a Flow or a "file:line: reason" error, the pure step engine that moves
// a conversation forward one input at a time, the parsing of what Japanese
// users actually type (全角 digits, option numbers or labels, はい/いいえ, dates
// such as 12/3, 12月3日, R8.12.3 or 来週火曜), and the message catalog (Msg)
// that holds everything the program says besides the prompts of flow files.
//
// The package does no I/O and never reads the clock: the caller passes Env
// with the current time, so every transcript is reproducible.
//
// # Flow language reference
//
// A flow file has an id, a version, an audience, a title and steps; modes
// (such as full and quick) select steps with a step's modes key. Beyond the
// basic kinds (text, single, multi, scale, date, yesno, number, company),
// options, optional, max_len, min/max, dates, when and next, a flow may use
// the following. Every mistake is reported as "file:line: reason" by Parse
// or, for what needs other flows, by Set.Check (run by `bansou flows check`).
//
// options_from offers only the options chosen at an earlier multi step. When
// one option is left it is recorded without asking (said in the conversation
// and shown in the review); when none is left the step is not asked. A step
// may list its own options (shorter labels) as long as they are options of
// the source; otherwise it takes the source's.
//
//	steps:
//	  - id: D15
//	    kind: single
//	    options_from: D14        # the walls chosen at D14
//	    ask: {ja: "いちばん大きい壁を1つ選んでください。"}
//
// when takes one condition. A condition tests an earlier answer (step with
// in, not_in, at_least, at_most or answered; at_least/at_most count the
// options chosen at a multi step), or the context the caller supplies in
// Env.Context (context: company.is_new, company.stage or mode, with in or
// not_in), or combines conditions with all, any and not. A condition on an
// unanswered or skipped step is false.
//
//	when: {all: [{step: D15, in: [jikkou_dekinai]}, {step: D21, in: ["yes"]}]}
//	when: {any: [{step: D29, in: [considering]}, {step: D9, at_most: 2}]}
//	when: {not: {step: D14, at_least: 2}}
//	when: {context: company.is_new, in: ["true"]}
//	when: {context: company.stage, in: [succession, turnaround]}
//	when: {context: mode, in: [full]}
//
// then hands the conversation to another flow and comes back to the
// following step, in one session as far as the person can tell. A then step
// asks nothing itself (only id, then, then_mode, modes and when). Answers the
// parent has given to steps sharing a tag with the other flow are filled in
// there (the company), and answers the other flow gives to tags the parent
// asks later are taken (a follow-up date is not asked twice). The review
// lists both flows' answers; the caller stores the other flow's answers as
// its own session (Flow.Handoffs). Hand-offs do not nest, and the questions
// asked in the other flow count against the parent's budget. A mode marked
// handoff is one only a then_mode uses: a person starting that flow on its
// own is not offered it. A mode's intro, when set, is said instead of the
// flow's when a hand-off starts it (a short lead-in for a few questions).
//
//	steps:
//	  - id: D1n
//	    then: intake
//	    then_mode: essentials
//	    modes: [full]
//	    when: {context: company.is_new, in: ["true"]}
//
//	# in intake.yaml
//	modes:
//	  - id: essentials
//	    handoff: true
//	    title: {ja: "要点（業種・所在地・段階）"}
//	    intro: {ja: "初めての企業ですので、まず業種・所在地・段階の3点だけうかがいます。"}
//
// default is the suggested answer, shown with the question; an empty reply
// or one tap on it accepts it. It is an option id (single, or comma-joined
// for multi), yes or no, a score, a number, or a date word the date parser
// reads relative to today: today, +14d, 来週火曜, 月末.
//
//	steps:
//	  - id: D34
//	    kind: date
//	    default: "+14d"
//
// budget caps the questions any path can ask, per mode. Set.Check computes
// the longest path by trying every answer that makes a difference (each
// option, every combination of the options a condition reads, each score,
// skipping optional steps, every context value) and fails with the path
// when a mode can ask more. A hand-off adds the questions the other flow
// asks in its then_mode, walked the same way (shown as flow:step); what the
// parent fills in there, or takes back from it, is not counted twice.
// Answers recorded without asking do not count; a suggested answer
// (default) still does.
//
//	budget: {quick: 12, full: 20}
//
// retired keeps a step that an earlier version asked, never asked now, so
// that answers recorded then keep their labels in exports and history. It
// takes no when, next or then; its tag, if any, keeps the meaning of the
// answers recorded then.
//
//	steps:
//	  - id: D2b
//	    kind: single
//	    retired: true
package flows
